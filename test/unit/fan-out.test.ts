/**
 * The one fan-out over sites (src/app/fan-out.ts) behind --all, summary --all and check: its
 * error policy and its connections, with a provider of the test's own (no Batfish: the work
 * function stands for a site's run).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fanOut } from '../../src/app/fan-out.js';
import type { BatfishConnection, BatfishTarget } from '../../src/app/provider.js';
import type { SnapshotSource } from '../../src/app/site-run.js';
import { oneServer } from '../../src/app/targets.js';
import { systemClock } from '../../src/clock.js';
import { BatfishAnswerError, BatfishTimeoutError, BatfishUnreachableError, InterruptedError } from '../../src/errors.js';

let regions: string;
const deps = () => ({ cwd: regions, clock: systemClock, tmpDir: os.tmpdir(), onEvent: () => {} });
const TARGET: BatfishTarget = { url: 'http://127.0.0.1:1', apiKey: 'k', connectTimeoutMs: 1, managed: { startupTimeoutMs: 1, ephemeral: false } };

before(async () => {
  regions = await mkdtemp(path.join(os.tmpdir(), 'netq-fan-out-'));
  for (const site of ['a', 'b', 'c', 'd']) {
    await mkdir(path.join(regions, 'lab', site, 'configs'), { recursive: true });
    await writeFile(path.join(regions, 'lab', site, 'configs', 'r1.cfg'), `hostname ${site}\n`);
  }
  await mkdir(path.join(regions, 'lab', 'empty'), { recursive: true });
});
after(() => rm(regions, { recursive: true, force: true }));

const source = (site: string): SnapshotSource => ({ kind: 'site', regionsDir: regions, region: 'lab', site });

/** A provider that counts connections and releases, per target URL. */
function provider() {
  const connects: string[] = [];
  const releases: string[] = [];
  return {
    connects,
    releases,
    connect: async (target: BatfishTarget): Promise<BatfishConnection> => {
      connects.push(target.url ?? 'managed');
      return {
        session: {} as BatfishConnection['session'],
        url: target.url ?? '',
        version: { batfish: `v-${target.url}`, apiVersion: '2.1.0' },
        requestCount: () => 0,
        release: async () => void releases.push(target.url ?? 'managed'),
      };
    },
  };
}

describe('the fan-out over sites', () => {
  it('a site that cannot be prepared is its own error, and with no site left nothing connects', async () => {
    const p = provider();
    const result = await fanOut(p, { sources: [source('empty'), source('missing')], targetOf: oneServer(TARGET), concurrency: 2 }, deps(), async () => 0, async () => 'done');
    assert.deepEqual(result.outcomes.map((o) => o.error?.exitCode), [2, 2]);
    assert.deepEqual(p.connects, []);
    assert.deepEqual(result.batfishVersions, []);
  });

  it("a site's Batfish failure is that site's; a timeout too; the others go on; one connection, prepared once, released once", async () => {
    const p = provider();
    let prepared = 0;
    const result = await fanOut(
      p,
      { sources: ['a', 'b', 'c', 'empty'].map(source), targetOf: oneServer(TARGET), concurrency: 2 },
      deps(),
      async () => ++prepared,
      async (site) => {
        if (site.location.site === 'a') throw new BatfishAnswerError('bad answer');
        if (site.location.site === 'b') throw new BatfishTimeoutError('http://x', 'GET /v2/x', 1000, false);
        return site.snapshot;
      },
    );
    assert.deepEqual(result.outcomes.map((o) => o.error?.constructor.name ?? 'ok'), ['BatfishAnswerError', 'BatfishTimeoutError', 'ok', 'InputError']);
    assert.match(String(result.outcomes[2]!.value), /^c-/);
    assert.equal(prepared, 1);
    assert.deepEqual(p.connects, [TARGET.url]);
    assert.deepEqual(p.releases, [TARGET.url]);
    assert.deepEqual(result.batfishVersions, [`v-${TARGET.url}`]);
  });

  it('a Batfish that refuses connections stops the sites not started yet on it, keeping what is done', async () => {
    const p = provider();
    const result = await fanOut(p, { sources: ['a', 'b', 'c', 'd'].map(source), targetOf: oneServer(TARGET), concurrency: 1 }, deps(), async () => 0, async (site) => {
      if (site.location.site === 'b') throw new BatfishUnreachableError('http://x', 'ECONNREFUSED');
      return 'answered';
    });
    assert.deepEqual(result.outcomes.map((o) => o.value ?? o.error?.message), ['answered', 'Batfish is not reachable at http://x (ECONNREFUSED)', 'Batfish is not reachable at http://x (ECONNREFUSED)', 'Batfish is not reachable at http://x (ECONNREFUSED)']);
    assert.deepEqual(p.releases, [TARGET.url]);
  });

  it('an interrupt or a bug stops everything (thrown), and the connection is still released', async () => {
    for (const failure of [new InterruptedError('SIGINT'), new TypeError('a bug')]) {
      const p = provider();
      await assert.rejects(
        fanOut(p, { sources: ['a', 'b'].map(source), targetOf: oneServer(TARGET), concurrency: 1 }, deps(), async () => 0, async () => {
          throw failure;
        }),
        (error) => error === failure,
      );
      assert.deepEqual(p.releases, [TARGET.url]);
    }
  });

  it('the target is chosen per site: sites on two servers get a connection each, and one unreachable server stops only its own sites', async () => {
    const p = provider();
    const other: BatfishTarget = { ...TARGET, url: 'http://127.0.0.2:1' };
    const targetOf = (s: SnapshotSource) => (s.kind === 'site' && (s.site === 'a' || s.site === 'b') ? TARGET : other);
    const result = await fanOut(p, { sources: ['a', 'b', 'c', 'd'].map(source), targetOf, concurrency: 1 }, deps(), async () => 0, async (site, connection) => {
      if (site.location.site === 'a') throw new BatfishUnreachableError(connection.url, 'ECONNREFUSED');
      return connection.url;
    });
    assert.deepEqual(result.outcomes.map((o) => o.value ?? o.error?.constructor.name), ['BatfishUnreachableError', 'BatfishUnreachableError', other.url, other.url]);
    assert.deepEqual([...p.connects].sort(), [TARGET.url, other.url].sort());
    assert.deepEqual([...p.releases].sort(), [TARGET.url, other.url].sort());
    assert.deepEqual(result.batfishVersions.sort(), [`v-${TARGET.url}`, `v-${other.url}`].sort());
  });
});
