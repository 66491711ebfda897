/**
 * `npm run bench`: every figure of issue 12 ("netq costs little beyond Batfish's own work, at any
 * size") as one table: the value (the median of N runs, taken in turn with the baseline's), the
 * target, the baseline where one runs on this machine, and whether the target is met.
 *
 *   npm run bench -- [--runs 3] [--quick] [--only startup,site,many,gate,all,answers,large]
 *                    [--seed 12] [--table-timeout 20] [--all-concurrency 1,2,4] [--no-build]
 *
 * netq runs as users run it (the built CLI, `npm run build` first) against the Batfish simulator
 * (test/support/simulator.ts), which the bench starts on loopback in a process of its own and
 * stops at the end; work delays are zero unless a figure says otherwise. Sites and answers are
 * generated from fixed seeds (bench/generate.ts); the large site is kept in the temp folder
 * between runs. Peak memory is GNU time's maximum resident set. Nothing here asserts: numbers
 * live in this bench, never in timed tests. The Docker bench is `npm run bench:docker`.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { answerBody, ensureLargeSite, routesAnswerElement, writeSmallSites } from './generate.js';
import { measure, median, type RunOptions, type RunResult } from './measure.js';
import { SimControl, type SimDelta } from './sim-control.js';

const SECTIONS = ['startup', 'site', 'many', 'gate', 'n1', 'all', 'answers', 'large'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    seed: { type: 'string', default: '12' },
    'table-timeout': { type: 'string' },
    'all-concurrency': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs ?? (values.quick ? 1 : 3));
const seed = Number(values.seed);
const tableTimeoutMs = Number(values['table-timeout'] ?? (values.quick ? 10 : 20)) * 1000;
const only = new Set((values.only?.split(',') ?? SECTIONS).map((s) => s.trim()));
for (const name of only) if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only: unknown section ${name} (${SECTIONS.join(', ')})`);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number from 1');

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.execPath;

/** The program users run: package.json's `bin` (read after the build, which may change it). */
function netqBin(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  return path.join(REPO_ROOT, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.netq!);
}
let BIN = '';

/** One line of the table. */
interface Row {
  figure: string;
  value: string;
  target: string;
  baseline: string;
  /** undefined: no target (a figure shown for context). */
  met: boolean | undefined;
}

const rows: Row[] = [];
const notes: string[] = [];
const progress = (text: string): void => void process.stderr.write(`bench: ${text}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number | undefined): string => (kib === undefined ? '?' : `${Math.round(kib / 1024)} MiB`);
const times = (x: number): string => `${x.toFixed(2)}x`;
const medianOf = (results: RunResult[], pick: (r: RunResult) => number | undefined): number | undefined => {
  const xs = results.map(pick).filter((x): x is number => x !== undefined);
  return xs.length ? median(xs) : undefined;
};

const work = mkdtempSync(path.join(os.tmpdir(), 'netq-speed-'));
const sitesCache = path.join(os.tmpdir(), 'netq-bench-sites');

/** The environment of a netq run: netq's own variables cleared, its state folder under `stateDir`. */
function netqEnv(stateDir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NETQ_')));
  return { ...env, NO_COLOR: '1', XDG_RUNTIME_DIR: stateDir };
}

/** Runs the built CLI; a failure (other than a timeout) stops the bench with netq's stderr. */
async function netq(args: string[], stateDir: string, options: RunOptions = {}): Promise<RunResult> {
  const result = await measure(NODE, [BIN, ...args], { cwd: work, env: netqEnv(stateDir), timeoutMs: 300_000, ...options });
  if (!result.timedOut && result.code !== 0) throw new Error(`netq ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result;
}

/**
 * Runs netq against the simulator and returns what the simulator saw too. A run that sent no
 * request did not do the job being timed (a half-built CLI exits 0 doing nothing): that stops the bench.
 */
async function netqAsking(sim: SimControl, args: string[], stateDir: string, options: RunOptions = {}): Promise<{ result: RunResult; seen: SimDelta }> {
  const observed = await sim.observe(() => netq(args, stateDir, options));
  if (!observed.result.timedOut && observed.seen.requests === 0) {
    throw new Error(`netq ${args.join(' ')} sent no request to the simulator (${path.relative(REPO_ROOT, BIN)}; stderr: ${observed.result.stderr.trim() || 'none'})`);
  }
  return observed;
}

function freshDir(name: string): string {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function build(): void {
  if (values['no-build']) return;
  progress('npm run build');
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    const first = `${result.stdout}\n${result.stderr}`.split('\n').find((l) => /error/i.test(l)) ?? 'see npm run build';
    notes.push(`npm run build failed (${first.trim()}); measured the CLI that was emitted anyway (${path.relative(REPO_ROOT, BIN)})`);
  }
}

// ---------------------------------------------------------------- 1. start-up

async function startup(): Promise<void> {
  progress(`start-up: netq --version and node -e 0, ${runs} runs each`);
  const state = freshDir('state-startup');
  await measure(NODE, ['-e', '0']);
  const versionFile = path.join(work, 'version.txt');
  await netq(['--version'], state, { stdoutFile: versionFile });
  if (!/\d+\.\d+/.test(readFileSync(versionFile, 'utf8'))) throw new Error(`netq --version printed no version (${path.relative(REPO_ROOT, BIN)})`);
  const node: RunResult[] = [];
  const cli: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(await measure(NODE, ['-e', '0']));
    cli.push(await netq(['--version'], state));
  }
  const base = medianOf(node, (r) => r.ms)!;
  const wall = medianOf(cli, (r) => r.ms)!;
  rows.push({
    figure: 'start-up: netq --version, wall',
    value: seconds(wall),
    target: `≤ ${seconds(base + 100)} (node + 0.10 s)`,
    baseline: `${seconds(base)} node -e 0`,
    met: wall <= base + 100,
  });
  const rss = medianOf(cli, (r) => r.rssKiB);
  rows.push({
    figure: 'start-up: netq --version, peak RSS',
    value: mib(rss),
    target: '≤ 60 MiB',
    baseline: `${mib(medianOf(node, (r) => r.rssKiB))} node -e 0`,
    met: rss !== undefined && rss <= 60 * 1024,
  });
}

// ---------------------------------------------------------------- 2. one small site: re-ask and cold

/** A copy of the repository's regions/ (the bench changes a config to make runs cold). */
function smallRegions(): string {
  const dir = path.join(work, 'regions');
  if (!existsSync(dir)) cpSync(path.join(REPO_ROOT, 'regions'), dir, { recursive: true });
  return dir;
}

async function site(sim: SimControl): Promise<void> {
  progress(`small site: cold and unchanged bgp-sessions, ${runs} runs each`);
  await sim.configure({ parseMs: 0, dataplaneMs: 0, answerMs: 0 });
  const state = freshDir('state-site');
  const dir = smallRegions();
  const ask = ['bgp-sessions', '-r', 'north_america', '-s', 'nyc', '--regions-dir', dir, '--batfish-url', sim.url];
  await netqAsking(sim, ask, state);
  const cold: RunResult[] = [];
  const unchanged: Array<{ run: RunResult; requests: number }> = [];
  // Node's own start on this machine at the same moments: the wall targets are absolute, and a
  // slower machine (or a busy one) moves both.
  const node: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    appendFileSync(path.join(dir, 'north_america/nyc/configs/core-rtr01.cfg'), `! bench change ${i}\n`);
    cold.push((await netqAsking(sim, ask, state)).result);
    const { result, seen } = await netqAsking(sim, ask, state);
    unchanged.push({ run: result, requests: seen.requests });
    node.push(await measure(NODE, ['-e', '0']));
  }
  const nodeText = `${seconds(medianOf(node, (r) => r.ms)!)} node -e 0`;
  const requests = median(unchanged.map((u) => u.requests));
  rows.push({ figure: 're-ask, unchanged site (bgp-sessions nyc): requests', value: String(requests), target: '≤ 3', baseline: '', met: requests <= 3 });
  const wall = median(unchanged.map((u) => u.run.ms));
  rows.push({ figure: 're-ask, unchanged site: wall', value: seconds(wall), target: '≤ 0.20 s', baseline: nodeText, met: wall <= 200 });
  const coldWall = medianOf(cold, (r) => r.ms)!;
  rows.push({ figure: 'cold: upload + parse + answer (nyc changed): wall', value: seconds(coldWall), target: '≤ 0.35 s', baseline: nodeText, met: coldWall <= 350 });
}

// ---------------------------------------------------------------- 3. many questions of one site

async function many(sim: SimControl): Promise<void> {
  const answerMs = 250;
  progress(`many questions: summary and parse-status with ${answerMs} ms answers, ${runs} runs each`);
  await sim.configure({ parseMs: 0, dataplaneMs: 0, answerMs });
  const state = freshDir('state-many');
  const site = ['-r', 'north_america', '-s', 'nyc', '--regions-dir', smallRegions(), '--batfish-url', sim.url];
  const commands: Array<[string, string[]]> = [
    ['summary', ['summary', ...site]],
    ['parse-status', ['parse-status', ...site]],
  ];
  // Each run is on a changed site, so the server answers every question (an unchanged one may
  // have its answers kept from the run before): parse, data plane if needed, then the answers.
  const config = path.join(smallRegions(), 'north_america/nyc/configs/core-rtr02.cfg');
  for (const [name, args] of commands) {
    appendFileSync(config, `! bench ${name} warm-up\n`);
    await netqAsking(sim, args, state);
  }
  const seen = new Map<string, Array<{ ms: number; workMs: number; scheduleMs: number; answers: number }>>(commands.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of commands) {
      appendFileSync(config, `! bench ${name} ${i}\n`);
      const { result, seen: server } = await netqAsking(sim, args, state);
      seen.get(name)!.push({ ms: result.ms, workMs: server.workMs, scheduleMs: server.scheduleMs, answers: server.answers });
    }
  }
  for (const [name] of commands) {
    const samples = seen.get(name)!;
    const ratio = median(samples.map((s) => s.ms / Math.max(1, s.workMs)));
    const answers = median(samples.map((s) => s.answers));
    rows.push({
      figure: `many questions: ${name}, changed site (${answers} answers of ${answerMs / 1000} s), wall ÷ server work`,
      value: `${times(ratio)} (${seconds(median(samples.map((s) => s.ms)))})`,
      target: '≤ 1.30x',
      baseline: `server ${seconds(median(samples.map((s) => s.workMs)))} (+ ${seconds(median(samples.map((s) => s.scheduleMs)))} its scheduling)`,
      met: ratio <= 1.3,
    });
  }
}

// ---------------------------------------------------------------- 4. a cold gate of nine checks

async function gate(sim: SimControl): Promise<void> {
  // Issue 16, item 4: a simulator whose parse and data plane take 0.2 s and each answer 0.25 s,
  // nine checks of one changed site.
  const delays = { parseMs: 200, dataplaneMs: 200, answerMs: 250 };
  progress(`cold gate: netq check with 9 checks on a changed site, ${runs} runs`);
  await sim.configure(delays);
  const state = freshDir('state-gate');
  const checks = path.join(REPO_ROOT, 'bench', 'gate-checks.yaml');
  const args = ['check', '-r', 'north_america', '-s', 'nyc', '--regions-dir', smallRegions(), '--checks', checks, '--batfish-url', sim.url];
  const config = path.join(smallRegions(), 'north_america/nyc/configs/core-rtr02.cfg');
  // With a base as well (a merge request's gate): the base is a copy of the site before the change.
  const baseDir = path.join(work, 'gate-base');
  for (const [label, extra] of [['', []], [' with --base-dir', ['--base-dir', baseDir]]] as const) {
    const samples: Array<{ ms: number; workMs: number; scheduleMs: number; items: number }> = [];
    for (let i = 0; i < runs; i++) {
      rmSync(baseDir, { recursive: true, force: true });
      cpSync(path.join(smallRegions(), 'north_america/nyc'), baseDir, { recursive: true });
      appendFileSync(path.join(baseDir, 'configs/core-rtr02.cfg'), `! bench gate base ${label} ${i}\n`);
      appendFileSync(config, `! bench gate ${label} ${i}\n`);
      const { result, seen } = await netqAsking(sim, [...args, ...extra], state);
      samples.push({ ms: result.ms, workMs: seen.workMs, scheduleMs: seen.scheduleMs, items: seen.items });
    }
    const ratio = median(samples.map((s) => s.ms / Math.max(1, s.workMs)));
    rows.push({
      figure: `cold gate${label}: check, 9 checks, changed site (${median(samples.map((s) => s.items))} work items; parse and data plane 0.2 s, answers 0.25 s): wall ÷ server work`,
      value: `${times(ratio)} (${seconds(median(samples.map((s) => s.ms)))})`,
      target: '≤ 1.30x',
      baseline: `server ${seconds(median(samples.map((s) => s.workMs)))} (+ ${seconds(median(samples.map((s) => s.scheduleMs)))} its scheduling)`,
      met: ratio <= 1.3,
    });
  }
}

// ---------------------------------------------------------------- 4b. N-1 over 10 nodes

async function n1(sim: SimControl): Promise<void> {
  // Issue 18, item 3: survives-single-failure over 10 nodes of the example network is 10 forks,
  // each parsed (0.2 s), its data plane computed (0.2 s) and asked differentialReachability
  // (0.25 s) by a server that works one item at a time; netq's own time on top should be small.
  const delays = { parseMs: 200, dataplaneMs: 200, answerMs: 250 };
  progress(`N-1: survives-single-failure over 10 nodes (10 forks), ${runs} runs`);
  await sim.configure(delays);
  const state = freshDir('state-n1');
  const nodes = ['as1border1', 'as1border2', 'as1core1', 'as2border1', 'as2border2', 'as2core1', 'as2core2', 'as2dist1', 'as2dist2', 'as3core1'];
  const checks = path.join(work, 'n1-checks.yaml');
  writeFileSync(checks, `version: 1\nchecks:\n  - name: n-1\n    check: survives-single-failure\n    with: { elements: [${nodes.join(', ')}] }\n`);
  const args = ['check', '--snapshot-dir', path.join(REPO_ROOT, 'test', 'fixtures', 'networks', 'example-live'), '--checks', checks, '--batfish-url', sim.url];
  await netqAsking(sim, args, state);
  const samples: Array<{ ms: number; workMs: number; scheduleMs: number; requests: number }> = [];
  for (let i = 0; i < runs; i++) {
    const { result, seen } = await netqAsking(sim, args, state);
    samples.push({ ms: result.ms, workMs: seen.workMs, scheduleMs: seen.scheduleMs, requests: seen.requests });
  }
  const ratio = median(samples.map((s) => s.ms / Math.max(1, s.workMs)));
  rows.push({
    figure: `N-1 over 10 nodes: check survives-single-failure, 10 forks (${median(samples.map((s) => s.requests))} requests; parse and data plane 0.2 s, answers 0.25 s): wall ÷ server work`,
    value: `${times(ratio)} (${seconds(median(samples.map((s) => s.ms)))})`,
    target: '≤ 1.20x',
    baseline: `server ${seconds(median(samples.map((s) => s.workMs)))} (+ ${seconds(median(samples.map((s) => s.scheduleMs)))} its scheduling)`,
    met: ratio <= 1.2,
  });
}

// ---------------------------------------------------------------- 5. --all over 50 sites

async function all(sim: SimControl): Promise<void> {
  const delays = { parseMs: 100, dataplaneMs: 100, answerMs: 50 };
  const siteCount = 50;
  const concurrencies = values['all-concurrency']?.split(',').map((c) => c.trim()) ?? [undefined];
  progress(`--all: ${siteCount} sites, bgp-sessions, ${runs} runs per concurrency`);
  const dir = path.join(work, 'all-regions');
  await writeSmallSites(dir, 'bench', siteCount, seed);
  await sim.configure(delays);
  for (const concurrency of concurrencies) {
    const samples: Array<{ ms: number; workMs: number; boundMs: number }> = [];
    for (let i = 0; i < runs; i++) {
      // Every site cold: the server forgets every snapshot, netq its hashes.
      await sim.reset();
      const state = freshDir('state-all');
      const args = ['bgp-sessions', '--all', '-r', 'bench', '--regions-dir', dir, '--batfish-url', sim.url, ...(concurrency ? ['--concurrency', concurrency] : [])];
      const { result, seen } = await netqAsking(sim, args, state);
      samples.push({ ms: result.ms, workMs: seen.workMs, boundMs: seen.workMs + seen.scheduleMs });
    }
    // The server's bound: its work, one item at a time, plus its own scheduling (an item ready,
    // the worker free, not yet started: the simulator assigns on a 10 ms tick). No client can do
    // better; the wall over the work alone is shown too.
    const ratio = median(samples.map((s) => s.ms / Math.max(1, s.boundMs)));
    const overWork = median(samples.map((s) => s.ms / Math.max(1, s.workMs)));
    rows.push({
      figure:
        `--all, ${siteCount} cold sites (concurrency ${concurrency ?? 'default'}; parse ${delays.parseMs / 1000}, ` +
        `data plane ${delays.dataplaneMs / 1000}, answer ${delays.answerMs / 1000} s): wall ÷ server bound`,
      value: `${times(ratio)} (${seconds(median(samples.map((s) => s.ms)))}; ${times(overWork)} of work alone)`,
      target: '≤ 1.10x',
      baseline: `server ${seconds(median(samples.map((s) => s.boundMs)))} (work ${seconds(median(samples.map((s) => s.workMs)))} + scheduling)`,
      met: ratio <= 1.1,
    });
  }
}

// ---------------------------------------------------------------- 6. a 100 000-row answer

async function answers(sim: SimControl): Promise<void> {
  const rowCount = 100_000;
  progress(`large answer: ${rowCount} rows as table, CSV and JSON, ${runs} runs each (table stops after ${tableTimeoutMs / 1000} s)`);
  const answerFile = path.join(work, 'answer.json');
  writeFileSync(answerFile, answerBody(routesAnswerElement(rowCount, seed)));
  const size = mib(statSync(answerFile).size / 1024);
  const formats = ['table', 'csv', 'json'] as const;
  const limit = (format: string): number => (format === 'table' ? tableTimeoutMs : 120_000);
  const target = (format: string): number => (format === 'table' ? 2000 : 1000);

  // The render alone: netq's output function on the parsed answer, in a process that can be stopped.
  const renderScript = path.join(REPO_ROOT, 'bench', 'render-answer.ts');
  const tooSlow = new Set<string>();
  for (const format of formats) {
    const renders: number[] = [];
    for (let i = 0; i < runs && !tooSlow.has(format); i++) {
      const out = path.join(work, `render.${format}.json`);
      const result = await measure(NODE, ['--import', 'tsx', renderScript, answerFile, format], { cwd: REPO_ROOT, stdoutFile: out, timeoutMs: limit(format) });
      if (result.timedOut) tooSlow.add(format);
      else if (result.code !== 0) throw new Error(`render-answer ${format} exited ${result.code}:\n${result.stderr}`);
      else renders.push((JSON.parse(readFileSync(out, 'utf8')) as { ms: number }).ms);
    }
    const ms = renders.length ? median(renders) : undefined;
    rows.push({
      figure: `${rowCount} rows (${size} answer): render as ${format} (formatSiteAnswers)`,
      value: ms === undefined ? `> ${seconds(limit(format))} (stopped)` : seconds(ms),
      target: `≤ ${seconds(target(format))}`,
      baseline: '',
      met: ms !== undefined && ms <= target(format),
    });
  }

  // End to end: the server sends the answer, netq reads, checks and prints it to a file. Its memory
  // for the answer is its peak over the same command on an empty answer (network "empty"), against
  // one copy of the answer: node reading and parsing the body, over node doing nothing.
  const snapshot = freshDir('big-answer');
  mkdirSync(path.join(snapshot, 'configs'));
  writeFileSync(path.join(snapshot, 'configs', 'r1.cfg'), 'hostname r1\n');
  await sim.configure({ parseMs: 0, dataplaneMs: 0, answerMs: 0 }, [{ method: 'GET', path: '^/v2/networks/bigans/questions/[^/]+/answer$', bodyFile: answerFile }]);
  const state = freshDir('state-answers');
  const ask = (format: string, network = 'bigans'): string[] =>
    ['routes', '--snapshot-dir', snapshot, '--network', network, '--batfish-url', sim.url, '--format', format];
  await netqAsking(sim, ask('csv'), state);
  await netqAsking(sim, ask('csv', 'empty'), state);
  const readOnce = "JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'))";
  const copy: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [idle, parsed] = [await measure(NODE, ['-e', '0']), await measure(NODE, ['-e', readOnce, answerFile])];
    if (idle.rssKiB !== undefined && parsed.rssKiB !== undefined) copy.push(parsed.rssKiB - idle.rssKiB);
  }
  const copyKiB = copy.length ? median(copy) : undefined;
  for (const format of formats) {
    const figure = `${rowCount} rows: netq routes --format ${format}`;
    if (tooSlow.has(format)) {
      rows.push({ figure: `${figure}, wall`, value: 'not run (the render alone was stopped)', target: '', baseline: '', met: false });
      continue;
    }
    const samples: RunResult[] = [];
    const extra: number[] = [];
    for (let i = 0; i < runs; i++) {
      const empty = (await netqAsking(sim, ask(format, 'empty'), state, { stdoutFile: path.join(work, `empty.${format}`) })).result;
      const outFile = path.join(work, `out.${format}`);
      const result = (await netqAsking(sim, ask(format), state, { stdoutFile: outFile, timeoutMs: limit(format) })).result;
      samples.push(result);
      if (result.timedOut) break;
      if (statSync(outFile).size < rowCount) throw new Error(`netq routes --format ${format} printed ${statSync(outFile).size} bytes for ${rowCount} rows`);
      if (result.rssKiB !== undefined && empty.rssKiB !== undefined) extra.push(result.rssKiB - empty.rssKiB);
    }
    const wall = medianOf(samples.filter((s) => !s.timedOut), (r) => r.ms);
    const value = wall === undefined ? `> ${seconds(limit(format))} (stopped)` : seconds(wall);
    rows.push({ figure: `${figure}, wall`, value, target: '', baseline: '', met: undefined });
    const extraKiB = extra.length ? median(extra) : undefined;
    rows.push({
      figure: `${figure}, peak RSS over an empty answer's`,
      value: extraKiB === undefined ? '?' : `+${mib(extraKiB)} (${mib(medianOf(samples, (r) => r.rssKiB))})`,
      target: copyKiB === undefined ? '' : `≤ +${mib(copyKiB * 1.25)} (1.25x one copy)`,
      baseline: copyKiB === undefined ? '' : `+${mib(copyKiB)} one copy (node: read + JSON.parse)`,
      met: extraKiB !== undefined && copyKiB !== undefined && extraKiB <= copyKiB * 1.25,
    });
  }
}

// ---------------------------------------------------------------- 7. a large site

async function large(sim: SimControl): Promise<void> {
  const spec = { files: 5000, totalBytes: 250_000_000, seed };
  progress(`large site: ${spec.files} files / ${spec.totalBytes / 1e6} MB in ${sitesCache} (written once), cold against zip -r + curl and unchanged, ${runs} runs each`);
  const dir = await ensureLargeSite(sitesCache, spec);
  await sim.configure({ parseMs: 0, dataplaneMs: 0, answerMs: 0 });
  const ask = ['bgp-sessions', '--snapshot-dir', dir, '--batfish-url', sim.url];
  const zipFile = path.join(work, 'baseline.zip');
  // zip -r names the folder as the one top-level entry; curl streams the file (-T) as pybatfish does.
  const baselineScript = 'zip -r -q "$1" "$2" && curl -sS -f -o /dev/null -T "$1" -X POST -H "Content-Type: application/octet-stream" "$3"';
  const hasTools = ['zip', 'curl'].every((tool) => spawnSync(tool, ['--help'], { stdio: 'ignore' }).status === 0);
  const warmState = freshDir('state-large-warm');
  await netqAsking(sim, ask, warmState);
  const cold: RunResult[] = [];
  const baseline: RunResult[] = [];
  const unchanged: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    if (hasTools) {
      await sim.reset();
      await fetch(`${sim.url}/v2/networks?name=baseline`, { method: 'POST' });
      rmSync(zipFile, { force: true });
      const url = `${sim.url}/v2/networks/baseline/snapshots/baseline${i}`;
      const result = await measure('sh', ['-c', baselineScript, 'sh', zipFile, path.basename(dir), url], { cwd: path.dirname(dir), timeoutMs: 300_000 });
      if (result.code !== 0) throw new Error(`zip -r + curl exited ${result.code}:\n${result.stderr}`);
      baseline.push(result);
      rmSync(zipFile, { force: true });
    }
    await sim.reset();
    cold.push((await netqAsking(sim, ask, freshDir('state-large-cold'))).result);
    unchanged.push((await netqAsking(sim, ask, warmState)).result);
  }
  const base = medianOf(baseline, (r) => r.ms);
  const wall = medianOf(cold, (r) => r.ms)!;
  const name = `${spec.files} files / ${spec.totalBytes / 1e6} MB site`;
  rows.push({
    figure: `${name}, cold (scan, hash, zip, upload, parse, answer): wall`,
    value: base === undefined ? seconds(wall) : `${seconds(wall)} (${times(wall / base)})`,
    target: base === undefined ? '≤ 1.30x zip -r + curl' : `≤ ${seconds(base * 1.3)} (1.30x)`,
    baseline: base === undefined ? 'zip or curl missing' : `${seconds(base)} zip -r + curl`,
    met: base === undefined ? undefined : wall <= base * 1.3,
  });
  const rss = medianOf(cold, (r) => r.rssKiB);
  rows.push({
    figure: `${name}, cold: peak RSS`,
    value: mib(rss),
    target: '≤ 150 MiB',
    baseline: base === undefined ? '' : `${mib(medianOf(baseline, (r) => r.rssKiB))} zip -r + curl`,
    met: rss !== undefined && rss <= 150 * 1024,
  });
  const again = medianOf(unchanged, (r) => r.ms)!;
  rows.push({ figure: `${name}, unchanged re-run: wall`, value: seconds(again), target: '≤ 0.50 s', baseline: '', met: again <= 500 });
}

// ---------------------------------------------------------------- the table

function printTable(): void {
  const header: Row = { figure: 'figure', value: 'value', target: 'target', baseline: 'baseline', met: undefined };
  const cells = (r: Row): string[] => [r.figure, r.value, r.target, r.baseline, r === header ? 'met' : r.met === undefined ? '' : r.met ? 'yes' : 'NO'];
  const all = [header, ...rows].map(cells);
  const widths = all[0]!.map((_, i) => Math.max(...all.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((text, i) => text.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = process.stdout;
  out.write(
    `netq speed bench: median of ${runs} run${runs === 1 ? '' : 's'}, seed ${seed}, ${os.cpus().length} cores, node ${process.version}, ` +
      'simulator with zero work delays unless a figure says otherwise\n',
  );
  for (const note of notes) out.write(`note: ${note}\n`);
  out.write(`${line(all[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const c of all.slice(1)) out.write(`${line(c)}\n`);
  const met = rows.filter((r) => r.met === true).length;
  const targets = rows.filter((r) => r.met !== undefined).length;
  out.write(`${met} of ${targets} targets met\n`);
}

const started = performance.now();
build();
BIN = netqBin();
const sim = await SimControl.start();
try {
  const steps: Record<Section, () => Promise<void>> = {
    startup,
    site: () => site(sim),
    many: () => many(sim),
    gate: () => gate(sim),
    n1: () => n1(sim),
    all: () => all(sim),
    answers: () => answers(sim),
    large: () => large(sim),
  };
  for (const section of SECTIONS) if (only.has(section)) await steps[section]();
} finally {
  await sim.stop();
  rmSync(work, { recursive: true, force: true });
}
printTable();
progress(`done in ${seconds(performance.now() - started)}`);
