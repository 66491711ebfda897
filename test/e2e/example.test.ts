import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/harness.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'bgp-report.ts');
let sim: BatfishSimulator;

before(async () => {
  assert.ok(existsSync(path.join(REPO_ROOT, 'dist', 'index.js')), 'dist/index.js is missing: run npm run build first (npm test does)');
  sim = await startSimulator();
});
after(() => sim.stop());

describe('examples/bgp-report.ts (the library API as a user calls it)', () => {
  it('opens nyc, asks two questions at once, prints a verdict and reuses the snapshot the second time', async () => {
    const env = { ...process.env, NETQ_BATFISH_URL: sim.url };
    const first = await run(TSX, [EXAMPLE, 'north_america', 'nyc'], { cwd: REPO_ROOT, env });
    assert.match(first.stdout, /^north_america\/nyc: 0 sessions, 0 not established, 0 configured peerings \(Batfish 2025\.07\.07\.2423, snapshot nyc-[0-9a-f]{16}\)\n$/);
    assert.match(first.stderr, /uploading nyc-[0-9a-f]{16} \(5 files, \d+ bytes\)/);
    assert.match(first.stderr, /parsed nyc-[0-9a-f]{16}: 5 files: 5 passed/);
    const puts = sim.requests.filter((r) => r.method === 'PUT').map((r) => r.path);
    assert.ok(puts.some((p) => /\/questions\/__netq_bgpSessionStatus_/.test(p)), 'bgpSessionStatus was asked');
    assert.ok(puts.some((p) => /\/questions\/__netq_bgpSessionCompatibility_/.test(p)), 'bgpSessionCompatibility was asked');

    const uploads = sim.requests.filter((r) => r.method === 'POST' && /\/snapshots\//.test(r.path)).length;
    const second = await run(TSX, [EXAMPLE, 'north_america', 'nyc'], { cwd: REPO_ROOT, env });
    assert.match(second.stderr, /reusing nyc-[0-9a-f]{16}/);
    assert.equal(sim.requests.filter((r) => r.method === 'POST' && /\/snapshots\//.test(r.path)).length, uploads, 'nothing uploaded again');
  });

  it('exits with the CLI exit code of a typed error (2 for an unknown site)', async () => {
    await assert.rejects(run(TSX, [EXAMPLE, 'north_america', 'paris'], { cwd: REPO_ROOT, env: { ...process.env, NETQ_BATFISH_URL: sim.url } }), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /error: unknown site 'paris' in region north_america\nhint: sites of north_america: nyc/);
      return true;
    });
  });
});
