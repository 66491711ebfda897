import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import * as draft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { runNetq } from '../support/harness.js';
import { FIXTURES_DIR } from '../support/recorded.js';
import { startSimulator, type BatfishSimulator } from '../support/simulator.js';

const Draft04 = draft04.default.default ?? draft04.default;
const addFormats = addFormatsModule.default ?? addFormatsModule;
const EXAMPLE = path.join(FIXTURES_DIR, 'networks', 'example-live');

let sim: BatfishSimulator;
let tmp: string;
before(async () => {
  sim = await startSimulator();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'netq-check-'));
});
after(async () => {
  await sim.stop();
  await rm(tmp, { recursive: true, force: true });
});

/** A check that fails on the example network: its recorded as2 → as3 session is one row where none is expected. */
const ONE_ROW_CHECKS = `version: 1
checks:
  - name: no as2 to as3 sessions
    check: question
    with:
      question: bgpSessionStatus
      parameters: { nodes: "as2.*", remoteNodes: "as3.*" }
    expect: { rows: 0 }
`;

/** A repository with regions/lab/edge: the example network, as a git work tree. */
async function labRepo(name: string): Promise<string> {
  const repo = path.join(tmp, name);
  await mkdir(path.join(repo, 'regions', 'lab'), { recursive: true });
  await cp(EXAMPLE, path.join(repo, 'regions', 'lab', 'edge'), { recursive: true });
  await writeFile(path.join(repo, 'netq-checks.yaml'), ONE_ROW_CHECKS);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: repo, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  return repo;
}

describe('netq check', () => {
  it('runs the built-in checks on nyc and prints the gate table (exit 0)', async () => {
    const { code, stdout, stderr } = await runNetq(['check', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /== north_america\/nyc ==/);
    for (const kind of ['parse-clean', 'bgp-sessions-compatible', 'bgp-sessions-established', 'no-undefined-references', 'no-duplicate-ips']) {
      assert.match(stdout, new RegExp(`PASS +${kind} +no findings`), stdout);
    }
    assert.match(stdout, /5 checks on 1 site: 5 pass, 0 fail/);
    assert.match(stderr, /netq: check: 5 check run\(s\): 5 passed, 0 failed, 0 warned, 0 errors, 0 skipped; 0 finding\(s\); exit 0/);
  });

  it('asks each question once, all queued together, and uploads the site once', async () => {
    const before = sim.requests.length;
    const { code } = await runNetq(['check', '-r', 'north_america', '-s', 'nyc', '--batfish-url', sim.url, '--fresh', '--format', 'json']);
    assert.equal(code, 0);
    const seen = sim.requests.slice(before);
    assert.equal(seen.filter((r) => r.method === 'POST' && /\/snapshots\/nyc-/.test(r.path)).length, 1, 'one upload');
    // Each question queued once (the questions themselves are on the server from the run before:
    // --fresh asks again, but never uploads a question the server holds, see question-ids.test.ts).
    const asked = seen.filter((r) => r.method === 'POST' && /\/work$/.test(r.path)).map((r) => /"questionname":"__netq_([A-Za-z]+)_/.exec(r.bodyText ?? '')?.[1]).filter(Boolean);
    assert.deepEqual([...asked].sort(), ['bgpSessionCompatibility', 'bgpSessionStatus', 'fileParseStatus', 'initIssues', 'ipOwners', 'undefinedReferences']);
    assert.deepEqual(seen.filter((r) => r.method === 'PUT'), []);
  });

  it('fails with exit 1 and a located, fingerprinted finding in every report format', async () => {
    const checks = path.join(tmp, 'one-row.yaml');
    await writeFile(checks, ONE_ROW_CHECKS);
    const reports = path.join(tmp, 'reports');
    await mkdir(reports);
    const { code, stdout, stderr } = await runNetq([
      'check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', sim.url, '--format', 'json',
      '--report', `sarif=${reports}/netq.sarif`, '--report', `junit=${reports}/junit.xml`, '--report', `gitlab=${reports}/cq.json`, '--report', `markdown=${reports}/mr.md`,
    ]);
    assert.equal(code, 1, stderr);
    const doc = JSON.parse(stdout) as { findings: Array<{ check: string; fingerprint: string; row: Record<string, unknown> }>; checks: Array<{ status: string }> };
    assert.equal(doc.findings.length, 1);
    assert.equal(doc.findings[0]!.check, 'no as2 to as3 sessions');
    assert.equal(doc.findings[0]!.row.Node, 'as2border2');
    assert.match(doc.findings[0]!.fingerprint, /^[0-9a-f]{32}$/);
    assert.equal(doc.checks[0]!.status, 'fail');
    const reportAjv = new Ajv({ allErrors: true, strict: false });
    addFormats(reportAjv);
    const validateReport = reportAjv.compile(JSON.parse(await readFile(path.join(FIXTURES_DIR, '..', '..', 'schemas', 'netq-check-report.schema.json'), 'utf8')) as object);
    assert.ok(validateReport(doc), JSON.stringify(validateReport.errors));

    const ajv = new Draft04({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(await readFile(path.join(FIXTURES_DIR, 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')) as object);
    const sarif = JSON.parse(await readFile(`${reports}/netq.sarif`, 'utf8')) as { runs: Array<{ results: Array<{ partialFingerprints: Record<string, string> }> }> };
    assert.ok(validate(sarif), JSON.stringify(validate.errors));
    assert.equal(Object.values(sarif.runs[0]!.results[0]!.partialFingerprints)[0], doc.findings[0]!.fingerprint);
    const junit = new XMLParser({ ignoreAttributes: false }).parse(await readFile(`${reports}/junit.xml`, 'utf8')) as Record<string, unknown>;
    assert.ok(JSON.stringify(junit).includes('failure'));
    const cq = JSON.parse(await readFile(`${reports}/cq.json`, 'utf8')) as Array<{ fingerprint: string; check_name: string }>;
    assert.equal(cq[0]!.fingerprint, doc.findings[0]!.fingerprint);
    assert.match(await readFile(`${reports}/mr.md`, 'utf8'), /no as2 to as3 sessions/);
  });

  it('rejects a bad checks file with every mistake at file:line:column, exit 2, and not one request', async () => {
    const checks = path.join(tmp, 'bad.yaml');
    await writeFile(checks, 'version: 1\nchecks:\n  - name: a\n    check: bgp-sessions-establishd\n  - name: b\n    check: no-duplicate-ips\n    with: { ipz: "10.0.0.1" }\n');
    const before = sim.requests.length;
    const { code, stdout, stderr } = await runNetq(['check', '-r', 'north_america', '-s', 'nyc', '--checks', checks, '--batfish-url', sim.url]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /bad\.yaml:4:\d+: .*bgp-sessions-establishd/);
    assert.match(stderr, /bad\.yaml:7:\d+: .*ipz/);
    assert.equal(sim.requests.length, before, 'nothing sent to Batfish');
  });

  it('with --base-ref fails only on a problem the change introduced', async () => {
    const repo = await labRepo('repo-new');
    // The base commit had a different config, so the recorded session (and the finding) is new.
    await writeFile(path.join(repo, 'regions', 'lab', 'edge', 'configs', 'as1border1.cfg'), 'hostname as1border1\n');
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qam', 'base differs'], { cwd: repo });
    const base = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    await cp(path.join(EXAMPLE, 'configs', 'as1border1.cfg'), path.join(repo, 'regions', 'lab', 'edge', 'configs', 'as1border1.cfg'));
    const changed = await runNetq(['check', '-r', 'lab', '-s', 'edge', '--base-ref', base, '--batfish-url', sim.url, '--format', 'json'], { cwd: repo });
    assert.equal(changed.code, 1, changed.stderr);
    const doc = JSON.parse(changed.stdout) as { findings: Array<{ baseline: string }> };
    assert.deepEqual(doc.findings.map((f) => f.baseline), ['new']);

    const unchanged = await runNetq(['check', '-r', 'lab', '-s', 'edge', '--base-ref', 'HEAD~1', '--batfish-url', sim.url, '--format', 'json'], { cwd: repo });
    // HEAD~1 holds the example network as the work tree does: the finding already existed there.
    assert.equal(unchanged.code, 0, unchanged.stderr);
    assert.deepEqual((JSON.parse(unchanged.stdout) as { findings: Array<{ baseline: string }> }).findings.map((f) => f.baseline), ['existing']);
    const sameAsBase = await runNetq(['check', '-r', 'lab', '-s', 'edge', '--base-dir', path.join(EXAMPLE), '--batfish-url', sim.url, '--format', 'json'], { cwd: repo });
    assert.equal(sameAsBase.code, 0, sameAsBase.stderr);
    assert.deepEqual((JSON.parse(sameAsBase.stdout) as { findings: Array<{ baseline: string }> }).findings.map((f) => f.baseline), ['existing']);
  });

  it('with --all --changed-since checks only the sites whose files changed', async () => {
    const repo = await labRepo('repo-changed');
    await cp(path.join(EXAMPLE), path.join(repo, 'regions', 'lab', 'core'), { recursive: true });
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'add', '.'], { cwd: repo });
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'two sites'], { cwd: repo });
    await writeFile(path.join(repo, 'regions', 'lab', 'core', 'configs', 'extra.cfg'), 'hostname extra\n');
    const before = sim.requests.length;
    const { code, stdout, stderr } = await runNetq(['check', '--all', '--changed-since', 'HEAD', '--batfish-url', sim.url, '--format', 'json'], { cwd: repo });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /netq: check: 1 of 2 site\(s\) changed since HEAD: lab\/core/);
    const doc = JSON.parse(stdout) as { checks: Array<{ site: string }> };
    assert.deepEqual([...new Set(doc.checks.map((c) => c.site))], ['lab/core']);
    const uploads = sim.requests.slice(before).filter((r) => r.method === 'POST' && /\/snapshots\//.test(r.path)).map((r) => r.path);
    assert.ok(uploads.every((p) => /\/snapshots\/core-/.test(p)), uploads.join(' '));

    const nothing = await runNetq(['check', '--all', '--changed-since', 'HEAD', '-r', 'lab', '--batfish-url', sim.url], { cwd: path.join(repo) });
    assert.equal(nothing.code, 0);
    await rm(path.join(repo, 'regions', 'lab', 'core', 'configs', 'extra.cfg'));
    const none = await runNetq(['check', '--all', '--changed-since', 'HEAD', '--batfish-url', sim.url], { cwd: repo });
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stderr, /0 of 2 site\(s\) changed since HEAD/);
  });

  it('with --all --changed-since checks every site when the checks file itself changed', async () => {
    const repo = await labRepo('repo-checks-changed');
    await cp(path.join(EXAMPLE), path.join(repo, 'regions', 'lab', 'core'), { recursive: true });
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'add', '.'], { cwd: repo });
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'two sites'], { cwd: repo });
    // A new check and no config changed: it applies to every site, so every site is checked.
    await writeFile(path.join(repo, 'netq-checks.yaml'), `${ONE_ROW_CHECKS}  - name: configs parse\n    check: parse-clean\n`);
    const { code, stdout, stderr } = await runNetq(['check', '--all', '--changed-since', 'HEAD', '--batfish-url', sim.url, '--format', 'json'], { cwd: repo });
    assert.equal(code, 1, stderr);
    assert.match(stderr, /the checks file netq-checks\.yaml changed since HEAD: checking all 2 site\(s\)/);
    const doc = JSON.parse(stdout) as { checks: Array<{ site: string; name: string }> };
    assert.deepEqual([...new Set(doc.checks.map((c) => c.site))].sort(), ['lab/core', 'lab/edge']);
    // A checks file outside the repository is not compared: only the changed sites run.
    const outside = path.join(tmp, 'outside-checks.yaml');
    await writeFile(outside, ONE_ROW_CHECKS);
    const none = await runNetq(['check', '--all', '--changed-since', 'HEAD', '--checks', outside, '--batfish-url', sim.url], { cwd: repo });
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stderr, /0 of 2 site\(s\) changed since HEAD/);
  });

  it("reads git without running what the repository's git config names, refuses a ref that is an option, and reads another user's checkout", async () => {
    const repo = await labRepo('repo-hostile-git');
    const ran = path.join(tmp, 'git-config-ran');
    // What a checkout's .git/config could make git run: an fsmonitor hook, hooks, an external diff.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('config', 'core.fsmonitor', `touch ${ran}-fsmonitor; false`);
    git('config', 'core.hooksPath', path.join(repo, 'hooks'));
    git('config', 'diff.external', `touch ${ran}-diff`);
    await mkdir(path.join(repo, 'hooks'));
    await writeFile(path.join(repo, 'hooks', 'post-index-change'), `#!/bin/sh\ntouch ${ran}-hook\n`, { mode: 0o755 });
    await writeFile(path.join(repo, 'regions', 'lab', 'edge', 'configs', 'extra.cfg'), 'hostname extra\n');
    const fine = await runNetq(['check', '--all', '--changed-since', 'HEAD', '--base-ref', 'HEAD', '--batfish-url', sim.url, '--format', 'json'], { cwd: repo });
    assert.equal(fine.code, 0, fine.stderr);
    assert.match(fine.stderr, /1 of 1 site\(s\) changed since HEAD: lab\/edge/);
    for (const what of ['fsmonitor', 'diff', 'hook']) assert.equal(await readFile(`${ran}-${what}`).then(() => true, () => false), false, `git ran the ${what} the repository configured`);

    const out = path.join(tmp, 'git-output');
    for (const flag of ['--base-ref', '--changed-since']) {
      const refused = await runNetq(['check', '--all', `${flag}=--output=${out}`, ...(flag === '--changed-since' ? [] : ['-r', 'lab']), '--batfish-url', sim.url], { cwd: repo });
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(`${flag} "--output=.*" is not a git ref`));
    }
    assert.equal(await readFile(out).then(() => true, () => false), false, 'git was never handed the option');

    // A checkout made by another user (a CI container running as another uid): git calls it
    // "dubious ownership" and refuses it; netq only reads it, so it reads it.
    if (process.getuid?.() === 0) {
      await rm(path.join(repo, 'regions', 'lab', 'edge', 'configs', 'extra.cfg'));
      execFileSync('chown', ['-R', '4321:4321', repo]);
      const other = await runNetq(['check', '-r', 'lab', '-s', 'edge', '--base-ref', 'HEAD', '--batfish-url', sim.url, '--format', 'json'], { cwd: repo });
      assert.equal(other.code, 0, other.stderr);
      assert.doesNotMatch(other.stderr, /dubious|git could not/);
      assert.deepEqual([...new Set((JSON.parse(other.stdout) as { findings: Array<{ baseline: string }> }).findings.map((f) => f.baseline))], ['existing']);
    }
  });

  it('with --format github writes annotations on stdout and appends the markdown report to GITHUB_STEP_SUMMARY', async () => {
    const checks = path.join(tmp, 'gh.yaml');
    await writeFile(checks, ONE_ROW_CHECKS);
    const summary = path.join(tmp, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    const { code, stdout, stderr } = await runNetq(['check', '--snapshot-dir', EXAMPLE, '--checks', checks, '--batfish-url', sim.url, '--format', 'github'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    assert.equal(code, 1, stderr);
    const annotations = stdout.split('\n').filter((l) => l.startsWith('::error'));
    assert.equal(annotations.length, 1, stdout);
    assert.match(annotations[0]!, /title=[^:]*no as2 to as3 sessions/);
    const text = await readFile(summary, 'utf8');
    assert.ok(text.startsWith('# earlier step\n'), 'appended, not overwritten');
    assert.match(text, /no as2 to as3 sessions/);
  });
});
