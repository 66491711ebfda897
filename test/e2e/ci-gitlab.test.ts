/**
 * The GitLab CI template (ci/gitlab/netq.gitlab-ci.yml) and examples/gitlab-ci.yml, as GitLab
 * would take them, through gitlab-ci-local (firecow/gitlab-ci-local 4.73.0, a devDependency):
 * validated against GitLab's own CI schema, which gitlab-ci-local bundles
 * (`--json-schema-validation`); the pipeline merged with `include:` resolved (`--preview`), the
 * jobs each pipeline source gets (`--list`); and the job itself run with gitlab-ci-local's shell
 * executor in a clone of a network repository, for a merge request pipeline and a pipeline of
 * the default branch, against the Batfish simulator (NETQ_BATFISH_URL given with --variable:
 * a shell-executor job cannot reach the `batfish` service alias). The service still starts, on
 * the Batfish stand-in image (NETQ_BATFISH_SERVICE_IMAGE), as gitlab-ci-local starts services
 * even for the shell executor; nothing is pulled.
 *
 * The example is committed as the repository's .gitlab-ci.yml as it is, and the template as the
 * `ci/netq.gitlab-ci.yml` the example includes, so both run as a user would have them.
 *
 * Needs the built program, rsync (gitlab-ci-local copies the repository with it), Docker (the
 * service) and xmllint (libxml2-utils); skipped without them unless CI=true. About 40 s: each
 * gitlab-ci-local run takes 1.5-3 s before the job starts, a pipeline 4-8 s.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { cloneForCi, codeQualityErrors, createCiRepo, gitlabCiLocal, hasProgram, junitErrors, netqLauncherDir, pathWithoutNetq, type CiRepo, type ToolRun } from '../support/ci-repo.js';
import { REPO_ROOT } from '../support/harness.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';
import { STANDIN_IMAGE, buildStandinImage } from '../support/standin-image.js';

const TEMPLATE = path.join(REPO_ROOT, 'ci', 'gitlab', 'netq.gitlab-ci.yml');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'gitlab-ci.yml');
/** Where the example includes the template from. */
const INCLUDED_AS = 'ci/netq.gitlab-ci.yml';
const REPORTS = ['gl-code-quality.json', 'netq-junit.xml', 'netq.md'];

const missing = [
  hasProgram('rsync') ? '' : 'rsync (Debian: rsync), which gitlab-ci-local copies the repository with',
  spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0 ? '' : 'a Docker engine (gitlab-ci-local starts the Batfish service)',
  hasProgram('xmllint') ? '' : 'xmllint (Debian: libxml2-utils), for the JUnit schema',
].filter(Boolean);
const skip = missing.length && !process.env.CI ? `missing here: ${missing.join('; ')}; set CI=true to make this an error` : false;

/** Predefined variables the tests set as GitLab would for the pipeline, without gitlab-ci-local's warning about it. */
const PREDEFINED = ['CI_PIPELINE_SOURCE', 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_MERGE_REQUEST_IID', 'CI_COMMIT_BRANCH'];

function variables(values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([k, v]) => ['--variable', `${k}=${v}`]);
}

const MERGE_REQUEST = { CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main', CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature', CI_MERGE_REQUEST_IID: '1' };

describe('the GitLab CI template and examples/gitlab-ci.yml', { skip }, () => {
  let tmp: string;
  let repo: CiRepo;
  let home: string;

  before(async () => {
    assert.deepEqual(missing, [], 'CI=true: install what is missing (.ci/run)');
    assert.ok(existsSync(path.join(REPO_ROOT, 'dist', 'bin', 'netq.js')), 'dist/bin/netq.js is missing: run npm run build first (npm test does)');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'netq-ci-gitlab-'));
    home = path.join(tmp, 'home');
    repo = createCiRepo(tmp, { '.gitlab-ci.yml': readFileSync(EXAMPLE, 'utf8'), [INCLUDED_AS]: readFileSync(TEMPLATE, 'utf8') });
    await buildStandinImage(STANDIN_IMAGE);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** gitlab-ci-local in a clone; the clone has origin/main, as GitLab's evaluation of `changes:` needs. */
  const gcl = (cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ToolRun> =>
    gitlabCiLocal(cwd, home, ['--ignore-predefined-vars', PREDEFINED.join(','), ...args], env);

  describe('as GitLab reads them', () => {
    let clone: string;
    before(() => {
      // At the feature branch: the example's `changes:` see its change against origin/main.
      clone = cloneForCi(repo, path.join(tmp, 'lint'), 'feature', { allBranches: true });
    });

    it("are valid against GitLab's CI schema: the example with the template included, and the template on its own", async () => {
      const example = await gcl(clone, ['--list', '--json-schema-validation']);
      assert.equal(example.code, 0, example.stderr + example.stdout);
      assert.match(example.stdout + example.stderr, /json schema validated/);
      const alone = await gcl(clone, ['--list', '--json-schema-validation', '--file', INCLUDED_AS, ...variables({ CI_COMMIT_BRANCH: 'main' })]);
      assert.equal(alone.code, 0, alone.stderr + alone.stdout);
      assert.match(alone.stdout, /^netq-check\s+test\s+on_success/m, 'the template alone gives the ready job');
    });

    it('and the schema validation refuses a template with a mistake (so the check above means something)', async () => {
      const broken = cloneForCi(repo, path.join(tmp, 'broken'), 'main', { attached: true, allBranches: true });
      writeFileSync(path.join(broken, INCLUDED_AS), readFileSync(TEMPLATE, 'utf8').replace('when: always', 'when: sometimes'));
      const result = await gcl(broken, ['--list', '--json-schema-validation']);
      assert.notEqual(result.code, 0);
      assert.match(result.stdout + result.stderr, /'when' property must be one of .* at netq-check\.artifacts\.when/);
    });

    it('merge into one job: the template\'s script, service, variables and artifacts, with the example\'s rules and variables', async () => {
      const preview = await gcl(clone, ['--preview']);
      assert.equal(preview.code, 0, preview.stderr);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pipeline document
      const pipeline = parseYaml(preview.stdout) as any;
      const job = pipeline['netq-check'];
      const template = (parseYaml(readFileSync(TEMPLATE, 'utf8')) as Record<string, { script: string[] }>)['.netq-check']!;
      assert.deepEqual(job.script, template.script);
      assert.deepEqual(job.image, { name: '$NETQ_IMAGE', entrypoint: [''] });
      assert.deepEqual(job.services, [{ name: '$NETQ_BATFISH_SERVICE_IMAGE', alias: 'batfish', variables: { JAVA_TOOL_OPTIONS: '$NETQ_BATFISH_JAVA_OPTIONS' } }]);
      assert.equal(job.variables.NETQ_BATFISH_SERVICE_IMAGE, 'batfish/batfish:2025.07.07.2423');
      assert.equal(job.variables.NETQ_BATFISH_URL, 'http://batfish:9996');
      assert.equal(job.variables.NETQ_CONNECT_TIMEOUT, '300');
      assert.equal(job.variables.GIT_DEPTH, '0');
      assert.equal(job.variables.NETQ_IMAGE, 'node:20');
      assert.equal(job.variables.NETQ_PACKAGE, '', 'no placeholder: the user sets it');
      assert.equal(job.variables.NETQ_SITES, 'all');
      assert.deepEqual(job.artifacts, {
        when: 'always',
        paths: ['netq.md', 'gl-code-quality.json', 'netq-junit.xml'],
        reports: { codequality: 'gl-code-quality.json', junit: 'netq-junit.xml' },
      });
      assert.deepEqual(
        job.rules.map((r: { if: string }) => r.if),
        ['$CI_PIPELINE_SOURCE == "merge_request_event"', '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'],
      );
      assert.doesNotMatch(readFileSync(EXAMPLE, 'utf8') + readFileSync(TEMPLATE, 'utf8'), /npm install (-g|--global) netq\b|tcp:\/\/docker:2375/);
    });

    it('run on merge requests and on the default branch, not on other branches (the template\'s rules and the example\'s)', async () => {
      const jobs = async (file: string[], vars: Record<string, string>, unset: string[] = []): Promise<string[]> => {
        const result = await gcl(clone, ['--list-csv', ...file, ...variables(vars), ...unset.flatMap((v) => ['--unset-variable', v])]);
        assert.equal(result.code, 0, result.stderr);
        return result.stdout.split('\n').slice(1).filter(Boolean).map((line) => line.split(';')[0]!.replace(/"/g, ''));
      };
      const listed = await Promise.all(
        [[], ['--file', INCLUDED_AS]].flatMap((file) => [
          jobs(file, MERGE_REQUEST, ['CI_COMMIT_BRANCH']),
          jobs(file, { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'main' }),
          jobs(file, { CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'feature' }),
        ]),
      );
      const expected = [['netq-check'], ['netq-check'], []];
      assert.deepEqual(listed, [...expected, ...expected], 'example, then template: merge request, default branch, another branch');
    });
  });

  describe('the job, run', () => {
    interface JobRun {
      result: ToolRun;
      /** gitlab-ci-local's stdout and stderr together (it writes a job's verdict on stderr). */
      output: string;
      log: string;
      artifacts: string;
      uploads: string[];
      requests: number;
    }

    /**
     * Runs the pipeline of a clone against a simulator of its own; the job's log and exported
     * artifacts are gitlab-ci-local's files.
     */
    async function pipeline(clone: string, vars: Record<string, string>, options: { unset?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<JobRun> {
      const sim: BatfishSimulator = await startSimulator();
      let result: ToolRun;
      try {
        result = await gcl(
          clone,
          [
            '--force-shell-executor',
            ...variables({ NETQ_BATFISH_URL: sim.url, NETQ_CONNECT_TIMEOUT: '10', NETQ_BATFISH_SERVICE_IMAGE: STANDIN_IMAGE, ...vars }),
            ...(options.unset ?? []).flatMap((v) => ['--unset-variable', v]),
          ],
          options.env,
        );
      } finally {
        await sim.stop();
      }
      // gitlab-ci-local removes the service container it started (an unnamed one, on the stand-in image).
      const left = spawnSync('docker', ['ps', '-a', '--filter', `ancestor=${STANDIN_IMAGE}`, '--format', '{{.Names}}'], { encoding: 'utf8' }).stdout.split('\n').filter((n) => n && !n.startsWith('netq-'));
      assert.deepEqual(left, [], 'no service container is left');
      const logFile = path.join(clone, '.gitlab-ci-local', 'output', 'netq-check.log');
      const seen = sim.requests;
      const uploads = seen.filter((r) => r.method === 'POST' && /\/snapshots\/[^/]+$/.test(r.path)).map((r) => decodeURIComponent(r.path.split('/').pop()!).replace(/-[0-9a-f]{16}$/, ''));
      return {
        result,
        output: result.stdout + result.stderr,
        log: existsSync(logFile) ? readFileSync(logFile, 'utf8') : '',
        artifacts: path.join(clone, '.gitlab-ci-local', 'artifacts', 'netq-check'),
        uploads: uploads.sort(),
        requests: seen.length,
      };
    }

    function assertReports(run: JobRun): Array<{ description: string; location: { path: string } }> {
      for (const report of REPORTS) assert.ok(existsSync(path.join(run.artifacts, report)), `artifact ${report} exported`);
      assert.equal(junitErrors(path.join(run.artifacts, 'netq-junit.xml')), '');
      assert.equal(codeQualityErrors(path.join(run.artifacts, 'gl-code-quality.json')), '');
      assert.ok(readFileSync(path.join(run.artifacts, 'netq.md'), 'utf8').includes('netq check'));
      return JSON.parse(readFileSync(path.join(run.artifacts, 'gl-code-quality.json'), 'utf8')) as Array<{ description: string; location: { path: string } }>;
    }

    it('in a merge request pipeline: checks the changed site against the merge base, fails on the new finding, and exports valid reports', async () => {
      const clone = cloneForCi(repo, path.join(tmp, 'mr'), 'feature', { allBranches: true });
      const env = { ...process.env, PATH: `${netqLauncherDir(path.join(tmp, 'mr-bin'))}${path.delimiter}${pathWithoutNetq()}` };
      const run = await pipeline(clone, MERGE_REQUEST, { unset: ['CI_COMMIT_BRANCH'], env });
      assert.notEqual(run.result.code, 0, 'the pipeline fails');
      assert.match(run.output, /netq-check finished in .* FAIL 1/, 'the job exits 1: findings');
      assert.match(run.output, new RegExp(`started service image: ${STANDIN_IMAGE} with aliases: batfish`));
      assert.match(run.log, new RegExp(`netq-check: base: origin/main \\(merge base ${repo.main}\\)`));
      assert.match(run.log, new RegExp(`netq check --all --base-ref ${repo.main} --changed-since ${repo.main} --fail-on error --connect-timeout 10 `));
      assert.match(run.log, /1 of 3 site\(s\) changed since [0-9a-f]{40}: lab\/edge/);
      assert.deepEqual(run.uploads, ['edge', 'edge'], 'lab/edge at the head and at the base, nothing else');
      const issues = assertReports(run);
      assert.equal(issues.length, 1);
      assert.match(issues[0]!.description, /^no as2 to as3 sessions: /);
      assert.match(issues[0]!.location.path, /^regions\/lab\/edge(\/|$)/, 'relative to the repository root');
    });

    it('in a pipeline of the default branch: checks every site with no base (the base reports), netq installed from NETQ_PACKAGE', async () => {
      const clone = cloneForCi(repo, path.join(tmp, 'main'), 'main', { attached: true, allBranches: true });
      // No netq on PATH: the job installs the NETQ_PACKAGE spec with npm (here this checkout's
      // folder, into a prefix of the test's own; a release tarball's URL installs the same way).
      const prefix = path.join(tmp, 'npm-prefix');
      const env = { ...process.env, PATH: pathWithoutNetq(), npm_config_prefix: prefix };
      const run = await pipeline(clone, { CI_PIPELINE_SOURCE: 'push', NETQ_PACKAGE: REPO_ROOT }, { env });
      assert.equal(run.result.code, 0, run.output);
      assert.match(run.log, /netq-check: installing netq from NETQ_PACKAGE/);
      assert.match(run.log, new RegExp(`netq-check: ${path.join(prefix, 'bin', 'netq')}, netq \\d+\\.\\d+\\.\\d+`));
      assert.doesNotMatch(run.log, /--base-ref|--changed-since/);
      assert.deepEqual(run.uploads, ['bangalore', 'edge', 'nyc'], 'every site');
      assert.deepEqual(assertReports(run), []);
    });

    it('fails at once, saying what to set, when netq is not on PATH and NETQ_PACKAGE is empty', async () => {
      const clone = cloneForCi(repo, path.join(tmp, 'none'), 'main', { attached: true, allBranches: true });
      const run = await pipeline(clone, { CI_PIPELINE_SOURCE: 'push' }, { env: { ...process.env, PATH: pathWithoutNetq() } });
      assert.match(run.output, /netq-check finished in .* FAIL 2/);
      assert.match(run.log, /netq-check: netq is not on PATH and NETQ_PACKAGE is not set\./);
      assert.match(run.log, /set NETQ_PACKAGE \(Settings > CI\/CD > Variables\) to the URL of a netq release tarball \(npm pack makes one\), or NETQ_IMAGE/);
      assert.equal(run.requests, 0, 'nothing asked of Batfish');
    });
  });
});
