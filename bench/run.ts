/**
 * `npm run bench`: wall time of the flows netq replaces, against the Batfish stand-in image on the
 * local Docker engine. Prints medians and ratios; asserts nothing.
 *
 *   npm run bench -- [--runs 5] [--startup-delay-ms 0]
 *
 * (a) --ephemeral: start, ask, stop and remove (the one-shot flow of scripted workflows)
 * (b) first run: no Batfish running, netq starts the shared one
 * (c) warm run, new snapshot: Batfish running, the site changed (upload and parse)
 * (d) warm run, unchanged snapshot: Batfish running, nothing uploaded
 *
 * The stand-in starts in well under a second; a real Batfish JVM takes tens of seconds, so the
 * real-world ratios are larger. --startup-delay-ms makes the stand-in start that slowly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../test/support/harness.js';
import { STANDIN_IMAGE, buildStandinImage, buildVariant } from '../test/support/standin-image.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, 'startup-delay-ms': { type: 'string', default: '0' } } });
const runs = Number(values.runs);
const BIN = path.join(REPO_ROOT, 'dist', 'bin', 'netq.js');
// Under Docker names of its own (src/docker/names.ts), so the bench never touches a real netq setup.
const ENV = { ...process.env, NO_COLOR: '1', NETQ_DOCKER_NAMESPACE: 'bench' };
const LABEL = 'io.netq.managed-by=netq-bench';

function netq(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(BIN, args, { cwd: REPO_ROOT, encoding: 'utf8', env: ENV });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`netq ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return ms;
}

function removeContainers(): void {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
await buildStandinImage(STANDIN_IMAGE, true);
const delay = Number(values['startup-delay-ms']);
const base = delay > 0 ? buildVariant(STANDIN_IMAGE, 'netq-test/batfish-standin:bench', { NETQ_SIM_STARTUP_DELAY_MS: String(delay) }) : STANDIN_IMAGE;
const image = 'netq-test/batfish-bench';
netq(['service', 'build', '--base-image', base, '--tag', image]);
removeContainers();

const regions = mkdtempSync(path.join(os.tmpdir(), 'netq-bench-'));
cpSync(path.join(REPO_ROOT, 'regions'), regions, { recursive: true });
const site = ['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--regions-dir', regions, '--image', image];
const change = (i: number) => appendFileSync(path.join(regions, 'north_america/nyc/configs/core-rtr01.cfg'), `! bench change ${i} ${Date.now()}\n`);

const times = { a: [] as number[], b: [] as number[], c: [] as number[], d: [] as number[] };
try {
  for (let i = 0; i < runs; i++) {
    change(i);
    times.a.push(netq([...site, '--ephemeral']));
    removeContainers();
    change(i + 1000);
    times.b.push(netq(site));
    change(i + 2000);
    times.c.push(netq(site));
    times.d.push(netq(site));
    removeContainers();
  }
} finally {
  removeContainers();
  spawnSync(BIN, ['service', 'stop'], { cwd: REPO_ROOT, env: ENV, stdio: 'ignore' }); // its network
  rmSync(regions, { recursive: true, force: true });
}

const rows: Array<[string, number]> = [
  ['(a) --ephemeral (one-shot: start, ask, remove)', median(times.a)],
  ['(b) first run, starts the shared Batfish', median(times.b)],
  ['(c) warm run, new snapshot', median(times.c)],
  ['(d) warm run, unchanged snapshot', median(times.d)],
];
process.stdout.write(`netq bench: ${runs} runs each, stand-in startup delay ${delay} ms, machine ${os.cpus().length} cores\n`);
for (const [name, ms] of rows) process.stdout.write(`${name.padEnd(50)} median ${ms.toFixed(0).padStart(6)} ms\n`);
process.stdout.write(`ratio a/c ${(median(times.a) / median(times.c)).toFixed(2)}   ratio a/d ${(median(times.a) / median(times.d)).toFixed(2)}\n`);
