// The netq GitHub Action's main step (action.yml): runs `netq check` as the action's inputs say
// and hands the results back to the workflow.
//
// Inputs arrive as environment variables (NETQ_ACTION_<INPUT>, set by action.yml from
// `inputs.*`), never interpolated into a script. netq is `node $NETQ_BIN` (the action's own
// build), else `netq` on PATH. Runner files: GITHUB_OUTPUT (outputs), GITHUB_STEP_SUMMARY (netq's
// `--format github` appends its markdown report there itself), GITHUB_EVENT_NAME and
// GITHUB_BASE_REF (the base of a pull request).
//
// This step succeeds whenever netq ran, whatever its exit code, so that the outputs are set and
// the workflow's `if: always()` upload steps find the reports; the action's next step fails the
// job with netq's exit code. A mistake in the inputs is netq's exit code 2, reported the same way.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/** The report formats the action writes, and their file names (GitLab's usual name for Code Quality). */
const REPORTS = {
  sarif: { file: 'netq.sarif', named: (slug) => `netq-${slug}.sarif` },
  junit: { file: 'netq-junit.xml', named: (slug) => `netq-${slug}-junit.xml` },
  gitlab: { file: 'gl-code-quality.json', named: (slug) => `gl-code-quality-${slug}.json` },
  markdown: { file: 'netq.md', named: (slug) => `netq-${slug}.md` },
  json: { file: 'netq.json', named: (slug) => `netq-${slug}.json` },
};
const FAIL_ON = ['error', 'warning', 'never'];
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** A mistake in the action's inputs or in what they name: netq's exit code 2. */
class InputProblem extends Error {}

/** Escapes a workflow command's message (the runner's own escaping of data). */
function commandData(text) {
  return String(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** An argument as the log shows it: quoted (and so on one line) unless it is plain. */
function shown(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

function log(line) {
  process.stdout.write(`netq-action: ${line}\n`);
}

/** Words of a list input: separated by commas, spaces or new lines. */
function words(value) {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

/** The action's inputs, checked; throws an InputProblem naming the input. */
function readInputs(env) {
  const entries = words(env.NETQ_ACTION_SITES);
  if (entries.length === 0) entries.push('all');
  if (entries.length > 1 && entries.some((e) => e.toLowerCase() === 'all')) {
    throw new InputProblem(`sites: "all" cannot be combined with other entries (${entries.join(' ')})`);
  }
  const selections = entries.map((entry) => {
    if (entry.toLowerCase() === 'all') return { entry: 'all', args: ['--all'], several: true, slug: 'all' };
    const parts = entry.split('/');
    const bad = parts.length > 2 || parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('-'));
    if (bad) throw new InputProblem(`sites: "${entry}" is not a region or a REGION/SITE`);
    return parts.length === 1
      ? { entry, args: ['--all', '-r', entry], several: true, slug: entry }
      : { entry, args: ['-r', parts[0], '-s', parts[1]], several: false, slug: `${parts[0]}-${parts[1]}` };
  });
  if (new Set(selections.map((s) => s.slug)).size !== selections.length) {
    throw new InputProblem(`sites: two entries would write reports of the same name (${entries.join(' ')}); name each site once`);
  }
  const reports = [...new Set(words(env.NETQ_ACTION_REPORTS).map((r) => r.toLowerCase()))];
  for (const format of reports) {
    if (!Object.hasOwn(REPORTS, format)) throw new InputProblem(`reports: unknown report "${format}"; use ${Object.keys(REPORTS).join(', ')}`);
  }
  const failOn = (env.NETQ_ACTION_FAIL_ON || 'error').trim().toLowerCase();
  if (!FAIL_ON.includes(failOn)) throw new InputProblem(`fail-on: "${failOn}" is not one of ${FAIL_ON.join(', ')}`);
  const connectTimeout = (env.NETQ_ACTION_CONNECT_TIMEOUT || '300').trim();
  if (!/^\d+(\.\d+)?$/.test(connectTimeout)) throw new InputProblem(`connect-timeout: "${connectTimeout}" is not a number of seconds`);
  const batfishUrl = (env.NETQ_ACTION_BATFISH_URL ?? '').trim();
  const batfishImage = (env.NETQ_ACTION_BATFISH_IMAGE ?? '').trim();
  if (batfishUrl && batfishImage) {
    throw new InputProblem('batfish-url and batfish-image both name a Batfish: give batfish-url for a running one (a services: container), or batfish-image for one netq starts');
  }
  const changedOnly = (env.NETQ_ACTION_CHANGED_ONLY || 'true').trim().toLowerCase();
  if (!['true', 'false'].includes(changedOnly)) throw new InputProblem(`changed-only: "${changedOnly}" is not true or false`);
  return {
    checks: (env.NETQ_ACTION_CHECKS ?? '').trim(),
    selections,
    regionsDir: (env.NETQ_ACTION_REGIONS_DIR ?? '').trim(),
    baseRef: (env.NETQ_ACTION_BASE_REF ?? '').trim(),
    changedOnly: changedOnly === 'true',
    reports,
    reportsDir: path.resolve((env.NETQ_ACTION_REPORTS_DIR ?? '').trim() || 'netq-reports'),
    category: (env.NETQ_ACTION_SARIF_CATEGORY ?? '').trim(),
    failOn,
    batfishUrl,
    batfishImage,
    connectTimeout,
    args: (env.NETQ_ACTION_ARGS ?? '').split(/\r?\n/).map((a) => a.trim()).filter(Boolean),
  };
}

/** Runs git here; returns its status and output (never throws for a non-zero exit). */
function git(args) {
  const result = spawnSync('git', args, { encoding: 'utf8' });
  if (result.error) throw new InputProblem(`git could not run (${result.error.message}): netq needs git for a base`);
  return { status: result.status ?? 1, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

const isCommit = (ref) => git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).status === 0;

/** Makes sure `ref` names a commit here, fetching origin/BRANCH from origin when missing. */
function ensureRef(ref) {
  if (isCommit(ref)) return;
  const branch = /^origin\/(.+)$/.exec(ref)?.[1];
  if (branch) {
    // A shallow clone (actions/checkout's default) gets the branch's tip only: enough, since
    // netq reads the base's files and compares trees.
    const shallow = git(['rev-parse', '--is-shallow-repository']).stdout === 'true';
    log(`fetching ${ref} from origin${shallow ? ' (shallow clone: its last commit only)' : ''}`);
    const fetched = git(['fetch', '--no-tags', '--quiet', ...(shallow ? ['--depth=1'] : []), 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
    if (fetched.status !== 0) log(`git fetch failed: ${fetched.stderr.split('\n')[0] ?? ''}`);
  }
  if (!isCommit(ref)) {
    throw new InputProblem(`base-ref: ${ref} is not a commit in this clone and could not be fetched; check out with actions/checkout's fetch-depth: 0, or give base-ref a ref that exists`);
  }
}

/** The base to compare with: { ref, label } or undefined. */
function resolveBase(inputs, env) {
  if (inputs.baseRef.toLowerCase() === 'none') return undefined;
  if (inputs.baseRef) {
    ensureRef(inputs.baseRef);
    return { ref: inputs.baseRef, label: inputs.baseRef };
  }
  if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? '') || !env.GITHUB_BASE_REF) return undefined;
  const branch = `origin/${env.GITHUB_BASE_REF}`;
  ensureRef(branch);
  // The pull request's own changes: compared with where it left its base branch. (For the merge
  // commit actions/checkout checks out on a pull request, that is the base branch's tip.)
  const mergeBase = git(['merge-base', 'HEAD', branch]);
  if (mergeBase.status === 0 && mergeBase.stdout) return { ref: mergeBase.stdout, label: `${branch} (merge base ${mergeBase.stdout.slice(0, 12)})` };
  log(`no merge base of HEAD and ${branch} in this clone (shallow?): comparing with ${branch} itself`);
  return { ref: branch, label: branch };
}

/** Whether the checks file differs between the base and the work tree (then every site is checked). */
function checksFileChanged(inputs, base) {
  const file = inputs.checks || 'netq-checks.yaml';
  const diff = git(['diff', '--quiet', base.ref, '--', file]);
  return diff.status !== 0;
}

/** The report files of one selection: format → absolute path. */
function reportFiles(inputs, selection, single) {
  return Object.fromEntries(inputs.reports.map((format) => [format, path.join(inputs.reportsDir, single ? REPORTS[format].file : REPORTS[format].named(selection.slug))]));
}

/** The netq command: node with the action's build, else netq on PATH. */
function netqCommand(env) {
  if (env.NETQ_BIN) {
    if (!existsSync(env.NETQ_BIN)) throw new Error(`netq was not built: ${env.NETQ_BIN} is missing (the action's build step failed or was skipped)`);
    return { command: process.execPath, prefix: [env.NETQ_BIN] };
  }
  return { command: 'netq', prefix: [] };
}

function summarySize(file) {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

/** Writes the step's outputs the way the runner reads them (a delimiter for multi-line values). */
function writeOutputs(file, outputs) {
  if (!file) throw new Error('GITHUB_OUTPUT is not set: this script runs as a step of the netq action');
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    if (!value.includes('\n')) {
      text += `${name}=${value}\n`;
      continue;
    }
    const delimiter = `ghadelimiter_${randomBytes(12).toString('hex')}`;
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  appendFileSync(file, text);
}

function main() {
  const env = process.env;
  const written = Object.fromEntries(Object.keys(REPORTS).map((format) => [format, []]));
  let exitCode = 0;
  let reportsDir = path.resolve((env.NETQ_ACTION_REPORTS_DIR ?? '').trim() || 'netq-reports');
  try {
    const inputs = readInputs(env);
    reportsDir = inputs.reportsDir;
    const base = resolveBase(inputs, env);
    if (base) log(`base: ${base.label}`);
    const checksChanged = base && inputs.changedOnly && checksFileChanged(inputs, base);
    if (checksChanged) log(`the checks file changed since the base: checking every site, not only the changed ones`);
    const netq = netqCommand(env);
    const single = inputs.selections.length === 1;
    mkdirSync(inputs.reportsDir, { recursive: true });
    for (const selection of inputs.selections) {
      const files = reportFiles(inputs, selection, single);
      // A report left from an earlier run must not pass for this run's.
      for (const file of Object.values(files)) rmSync(file, { force: true });
      const args = ['check', ...selection.args];
      if (inputs.checks) args.push('--checks', inputs.checks);
      if (inputs.regionsDir) args.push('--regions-dir', inputs.regionsDir);
      if (base) {
        args.push('--base-ref', base.ref);
        if (inputs.changedOnly && selection.several && !checksChanged) args.push('--changed-since', base.ref);
      }
      args.push('--fail-on', inputs.failOn, '--format', 'github');
      for (const [format, file] of Object.entries(files)) args.push('--report', `${format}=${file}`);
      if (files.sarif && inputs.category) args.push('--sarif-category', single ? inputs.category : `${inputs.category}/${selection.entry}`);
      if (inputs.batfishUrl) args.push('--batfish-url', inputs.batfishUrl, '--connect-timeout', inputs.connectTimeout);
      if (inputs.batfishImage) args.push('--image', inputs.batfishImage);
      args.push(...inputs.args);

      log(`netq ${args.map(shown).join(' ')}`);
      const before = env.GITHUB_STEP_SUMMARY ? summarySize(env.GITHUB_STEP_SUMMARY) : -1;
      const run = spawnSync(netq.command, [...netq.prefix, ...args], { stdio: 'inherit' });
      if (run.error) throw new Error(`netq could not be started (${run.error.message}): is it on PATH?`);
      const code = run.status ?? 70;
      log(`netq check ${selection.entry}: exit ${code}`);
      exitCode = Math.max(exitCode, code);
      if (env.GITHUB_STEP_SUMMARY && summarySize(env.GITHUB_STEP_SUMMARY) === before) {
        appendFileSync(env.GITHUB_STEP_SUMMARY, `### netq check ${selection.entry}\n\nnetq exited ${code} without a report; the log of the step "netq check" says why.\n\n`);
      }
      for (const [format, file] of Object.entries(files)) {
        if (existsSync(file)) written[format].push(file);
        else process.stdout.write(`::warning::${commandData(`netq wrote no ${format} report (${file}) for ${selection.entry}`)}\n`);
      }
    }
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error;
    process.stdout.write(`::error title=netq action::${commandData(error.message)}\n`);
    exitCode = 2;
  }
  writeOutputs(env.GITHUB_OUTPUT, {
    'exit-code': String(exitCode),
    'reports-dir': reportsDir,
    ...Object.fromEntries(Object.entries(written).map(([format, files]) => [format, files.join('\n')])),
  });
}

main();
