/**
 * Issue 22, item 11: the library API (`site()` and the site it opens) treats its caller's input as
 * the CLI treats flags: a mistake is a NetqError with the input exit code (2), never a TypeError
 * from deep inside, and a closed site asks nothing more. Many asks at once do not warn in the
 * caller's process.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NetqError, site, type SiteOptions, type SiteSpec } from '../../src/index.js';
import { REPO_ROOT } from '../support/harness.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';

let tmp: string;
let regionsDir: string;
let sim: BatfishSimulator;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-library-'));
  regionsDir = path.join(tmp, 'regions');
  await mkdir(path.join(regionsDir, 'lab', 'one', 'configs'), { recursive: true });
  await writeFile(path.join(regionsDir, 'lab', 'one', 'configs', 'r1.cfg'), 'hostname one\n');
  sim = await startSimulator();
});
after(async () => {
  await sim.stop();
  await rm(tmp, { recursive: true, force: true });
});

/** Whether a call was refused as the CLI refuses bad input: a NetqError with exit code 2 and a message naming `what`. */
async function refused(call: () => Promise<unknown>, what: RegExp): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof NetqError, `a NetqError, not ${String(error)}`);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, what);
    return true;
  });
}

describe('the library API refuses bad input with a NetqError (exit code 2)', () => {
  const good = (): SiteSpec => ({ region: 'lab', site: 'one', regionsDir });
  const options = (more: Record<string, unknown> = {}): SiteOptions => ({ batfishUrl: sim.url, ...more }) as SiteOptions;

  it('a site spec that is not one', async () => {
    for (const spec of [null, undefined, 42, 'lab/one', {}, { region: 'lab' }, { region: 'lab', site: 7 }, { snapshotDir: '' }]) {
      await refused(() => site(spec as unknown as SiteSpec, options()), /site\(\)/);
    }
  });

  it('options that are not options', async () => {
    await refused(() => site(good(), null as unknown as SiteOptions), /options/);
    for (const timeoutMs of [-1, 0, Number.NaN, Infinity, '5000']) {
      await refused(() => site(good(), options({ timeoutMs })), /timeoutMs/);
    }
    for (const connectTimeoutMs of [-5, 'soon']) await refused(() => site(good(), options({ connectTimeoutMs })), /connectTimeoutMs/);
    for (const keepSnapshots of [0, -1, 1.5]) await refused(() => site(good(), options({ keepSnapshots })), /keepSnapshots/);
    await refused(() => site(good(), options({ apiKey: 'a\nb' })), /API key/);
    await refused(() => site(good(), options({ onEvent: 'log' })), /onEvent/);
    await refused(() => site(good(), options({ batfishUrl: 12 })), /batfishUrl/);
  });

  it('a question or parameters that are not ones, and any ask after close()', async () => {
    const run = await site(good(), options());
    try {
      await refused(() => run.ask(null as unknown as string), /question/);
      await refused(() => run.ask('nodeProperties', null as unknown as Record<string, unknown>), /parameters/);
      await refused(() => run.askAll(null as unknown as []), /questions/);
      assert.equal((await run.ask('nodeProperties')).question, 'nodeProperties');
    } finally {
      await run.close();
    }
    const before = sim.requests.length;
    await refused(() => run.ask('nodeProperties'), /closed/);
    await refused(() => run.askEach([{ question: 'nodeProperties', parameters: {} }]), /closed/);
    assert.equal(sim.requests.length, before, 'a closed site sends nothing');
  });
});

describe('many asks at once', () => {
  it('twenty parallel asks with a signal print no MaxListenersExceededWarning in the caller', async () => {
    // A process of its own: warnings are per process, and the test runner's own must not count.
    const program = `
      import { site } from ${JSON.stringify(path.join(REPO_ROOT, 'src', 'index.ts'))};
      const controller = new AbortController();
      const run = await site({ region: 'lab', site: 'one', regionsDir: ${JSON.stringify(regionsDir)} }, { batfishUrl: ${JSON.stringify(sim.url)}, signal: controller.signal });
      const names = ['nodeProperties', 'interfaceProperties', 'bgpPeerConfiguration', 'bgpProcessConfiguration'];
      await Promise.all(Array.from({ length: 20 }, (_, i) => run.ask(names[i % names.length], i < 5 ? {} : { nodes: 'n' + i })));
      await run.close();
      console.log('asked');
    `;
    // Not spawnSync: the simulator answering it runs in this process.
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 }, (_error, stdout, stderr) =>
        resolve({ status: child.exitCode, stdout, stderr }),
      );
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /asked/);
    assert.doesNotMatch(result.stderr, /MaxListenersExceededWarning/);
  });
});
