import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/harness.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'dist', 'bin', 'netq.js');
let sim: BatfishSimulator;

before(async () => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run npm run build first (npm test does)`);
  sim = await startSimulator();
});
after(() => sim.stop());

describe('the built netq binary', () => {
  it('answers bgp-sessions for nyc as JSON and exits 0', async () => {
    const { stdout, stderr } = await run(BIN, ['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, '--format', 'json'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const doc = JSON.parse(stdout) as { network: string; question: { name: string } };
    assert.equal(doc.network, 'north_america');
    assert.equal(doc.question.name, 'bgpSessionStatus');
    assert.match(stderr, /5 files: 5 passed/);
  });

  it('exits 2 with the error on stderr for an unknown site', async () => {
    await assert.rejects(run(BIN, ['bgp-sessions', '-r', 'north_america', '-s', 'lon', '--batfish-url', sim.url], { cwd: REPO_ROOT }), (e: unknown) => {
      const error = e as { code: number; stdout: string; stderr: string };
      assert.equal(error.code, 2);
      assert.equal(error.stdout, '');
      assert.match(error.stderr, /unknown site 'lon' in region north_america\nhint: sites of north_america: nyc/);
      return true;
    });
  });
});
