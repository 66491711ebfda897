import { Command, Option } from 'clipanion';
import path from 'node:path';
import { siteSources } from '../app/all-sites.js';
import {
  DEFAULT_CHECKS,
  DEFAULT_CHECKS_FILE,
  changedSites,
  checkKindList,
  checkRef,
  checkSelection,
  checksFilePath,
  checksFileSchema,
  loadChecks,
  writeCheckReports,
  type Templates,
} from '../app/check-gate.js';
import { ReportPaths, failedRunReport, planChecks, runChecks, type CheckBase, type CheckRunRequest } from '../app/check-run.js';
import { formatCheckPlan } from '../check/report/plan.js';
import { appendReportFile, checkAppendTarget, checkReportTargets } from '../app/report-files.js';
import { runDeps } from '../app/services.js';
import type { SnapshotSource } from '../app/site-run.js';
import type { CheckReport, FailOn } from '../check/model.js';
import { CHECK_FORMATS, DEFAULT_SARIF_CATEGORY, checkFormatOf, parseReportOption, renderCheckReport, type CheckFormat } from '../check/report/index.js';
import { ExitCode, InputError, toNetqError } from '../errors.js';
import { bundledTemplates } from '../questions/bundled.js';
import { renderJson, renderText } from '../render/index.js';
import { printable } from '../text.js';
import { NetqCommand, Verbose } from './base.js';
import { BatfishFlags, SiteFlags, batfishTargetOf, checkAllSitesFlags, snapshotSettingsOf, snapshotSourceOf } from './flags.js';

export { DEFAULT_CHECKS_FILE };

abstract class CheckFlags extends NetqCommand {
  checks = Option.String('--checks', { description: `Checks file (YAML; default ./${DEFAULT_CHECKS_FILE}, else the built-in checks)` });
  only = Option.Array('--only', [], {
    description: 'Only this check, by its exact name (repeatable); NAME,NAME also works when no check has that whole name',
  });
  tag = Option.String('--tag', { description: 'Only the checks with this tag' });
  // Validated in run(), not by clipanion: by then the --report files are known, and each is
  // written with the error (an upload step that runs always finds its file).
  failOn = Option.String('--fail-on', 'error', { description: 'Which findings fail the gate: error (default), warning (errors and warnings) or never' });
  baseDir = Option.String('--base-dir', { description: 'Compare with this copy of the snapshot (with --all: a regions folder); only new findings fail' });
  baseRef = Option.String('--base-ref', { description: "Compare with the site's files at this git ref (e.g. origin/main); only new findings fail" });
  failOnExisting = Option.Boolean('--fail-on-existing', false, { description: 'With a base, findings that already existed fail the gate too' });
  changedSince = Option.String('--changed-since', { description: 'With --all, only the sites whose files changed since this git ref' });
  format = Option.String('--format,-f', { description: `Output format for stdout (any case): ${CHECK_FORMATS.join(', ')} (default table)` });
  reports = Option.Array('--report', [], {
    description: 'Also write a report, as FORMAT=FILE (repeatable), e.g. sarif=netq.sarif; a regular file, replaced atomically, or - for stdout; written also when the gate cannot run',
  });
  sarifCategory = Option.String('--sarif-category', {
    description: 'SARIF automationDetails.id is TEXT/ (default: from the sites checked, e.g. netq-check/north_america/ for --all -r north_america)',
  });
  redact = Option.Boolean('--redact', true, {
    description: 'Replace secrets that findings quote from configs (passwords, keys, SNMP communities) with <redacted> in every report; --no-redact keeps them',
  });
  plan = Option.Boolean('--plan', false, {
    description: 'Print what the run would cost (questions, and the forks of single-failure checks with their questions) and exit; the snapshots are uploaded and the scope questions asked, no fork is made',
  });
  keepForks = Option.Boolean('--keep-forks', false, { description: 'Leave the forks of single-failure checks on Batfish (default: deleted when the run ends)' });
  parseReuse = Option.Boolean('--parse-reuse', false, {
    description: "Ask Batfish to reuse its parse of files it parsed before in the network (the work item's parsereuse flag; off by default on the server): a fork then parses only what differs",
  });
  list = Option.Boolean('--list', false, { description: 'List the check kinds and their parameters, and exit' });
  schema = Option.Boolean('--schema', false, { description: 'Print the JSON Schema of the checks file, and exit' });
}

/** The exit codes with which every requested report is still written, holding the error. */
const REPORTED_FAILURES = new Set<number>([ExitCode.usage, ExitCode.batfish, ExitCode.docker]);

export class CheckCommand extends Verbose(BatfishFlags(SiteFlags(CheckFlags))) {
  static override paths = [['check']];
  private warn: (text: string) => void = () => {};
  /** The format stdout carries: a report to stdout (`--report FORMAT=-`), else --format, else table. */
  private stdoutFormat = 'table';
  /** GITHUB_STEP_SUMMARY was refused before the run (its error is the run's). */
  private summaryRefused = false;
  static override usage = Command.Usage({
    category: 'CI gate',
    description: 'run named checks on sites and fail on the problems found (only new ones with a base)',
    details: `
      Reads the checks file (\`--checks\`, else ./${DEFAULT_CHECKS_FILE}, else a built-in set: parse
      health, BGP compatibility, BGP sessions established, undefined references, duplicate IPs),
      validates all of it before anything is uploaded, then uploads each site once, queues every
      question its checks need at once, and reports each failing row as a finding with its file
      and line where Batfish gives one.

      With \`--base-dir\` or \`--base-ref\` the same checks run on the base too, and only findings
      the change introduced fail the gate (unless \`--fail-on-existing\`); findings that went away
      are reported as fixed. \`--report FORMAT=FILE\` writes more reports in the same run
      (json, junit, sarif, markdown, github, gitlab, table), atomically, also when the gate fails,
      and also when it cannot run (exit 2, 3, 4: the report then holds the error). Format names
      are case-insensitive. With \`--format github\` and GITHUB_STEP_SUMMARY set, the markdown
      report is appended there.

      Report paths are relative to the root of the git repository that holds the site, whatever
      the current folder (without git: relative to the current folder, absolute outside it).
      \`--sarif-category\` sets the SARIF category; by default it comes from the sites checked.

      Exit codes: 0 nothing fails at the --fail-on level, 1 findings, 2 checks file or command line
      invalid, 3 Batfish (or a check that could not run), 4 Docker, 70 bug.
    `,
    examples: [
      ['The built-in checks on nyc', '$0 check -r north_america -s nyc'],
      ['A merge request: only new problems fail, SARIF for code scanning', '$0 check --all --changed-since origin/main --base-ref origin/main --report sarif=netq.sarif'],
      ['One region of a matrix, its own SARIF category', '$0 check --all -r north_america --sarif-category netq/north_america --report sarif=netq.sarif'],
      ['List the check kinds', '$0 check --list'],
    ],
  });

  async run(): Promise<number> {
    const templates = await bundledTemplates();
    if (this.list) return this.emit({ stdout: this.kindsText(templates), stderr: '', exitCode: 0 });
    if (this.schema) return this.emit({ stdout: renderJson(checksFileSchema(templates)), stderr: '', exitCode: 0 });
    // The report files are known first: whatever fails after this, each of them is written.
    const parsed: Array<{ format: CheckFormat; path: string }> = [];
    let badReport: unknown;
    for (const value of this.reports) {
      try {
        parsed.push(parseReportOption(value));
      } catch (error) {
        badReport ??= error;
      }
    }
    // git's complaints about the repository go above the spinner once it runs (see gate()).
    this.warn = (text) => this.note(`netq: warning: ${text}`);
    const paths = new ReportPaths(this.context.cwd, (text) => this.warn(text));
    const checksPath = await checksFilePath(this.checks, this.context.cwd);
    // Each destination checked before anything runs: a report never replaces what is not a regular file.
    const checked = await checkReportTargets(parsed, this.context.cwd, {
      files: checksPath === undefined ? [] : [{ file: checksPath, what: `the checks file ${printable(this.checks ?? DEFAULT_CHECKS_FILE)}` }],
      dirs: this.readFolders(),
    });
    badReport ??= checked.error;
    const reports = checked.targets.flatMap((t) => (t.file === undefined ? [] : [{ format: t.format, file: t.file, given: t.given }]));
    const toStdout = checked.targets.find((t) => t.file === undefined);
    if (toStdout && this.format !== undefined && checkFormatOf(this.format) !== toStdout.format) {
      badReport ??= new InputError(`--report ${toStdout.format}=${toStdout.given} and --format ${this.format} both write stdout`, { hint: 'give one of them' });
    }
    this.stdoutFormat = toStdout?.format ?? this.format ?? 'table';
    let category = defaultSarifCategory(this, this.snapshotDir === undefined ? undefined : await paths.of(this.snapshotDir));
    let report: CheckReport;
    try {
      if (badReport) throw badReport;
      if (this.sarifCategory !== undefined) {
        if (!this.sarifCategory.replace(/\/+$/, '').trim()) throw new InputError('--sarif-category is empty', { hint: 'give a category such as netq-check/north_america' });
        category = this.sarifCategory;
      }
      if (this.plan) return await this.printPlan(templates, checksPath, paths);
      report = await this.gate(templates, checksPath, paths);
    } catch (error) {
      const failure = toNetqError(error);
      if (!REPORTED_FAILURES.has(failure.exitCode)) throw error;
      const failed = failedRunReport(failure, {
        failOn: failOnOf(this.failOn) ?? 'error',
        failOnExisting: this.failOnExisting,
        baseline: this.baseDir !== undefined ? { kind: 'dir', value: this.baseDir } : this.baseRef !== undefined ? { kind: 'ref', value: this.baseRef } : null,
        checksFile: checksPath === undefined ? null : await paths.of(checksPath),
      });
      // The run's own error is what the user must see: a report that cannot be written is only a warning here.
      await writeCheckReports(reports, failed, category, (text) => this.note(`netq: warning: ${text}`)).catch((writeError: unknown) => {
        this.note(`netq: warning: a report with the error could not be written: ${toNetqError(writeError).message}`);
      });
      // Machine formats still print their document (holding the error); the table leaves the error to stderr.
      const format = checkFormatOf(this.stdoutFormat);
      if (format && format !== 'table') await this.print(failed, format, category, true);
      throw error;
    }
    await writeCheckReports(reports, report, category, (text) => this.note(`netq: warning: ${text}`));
    const exitCode = await this.print(report, checkFormatOf(this.stdoutFormat)!, category);
    const s = report.summary;
    this.note(
      `netq: check: ${report.checks.length} check run(s): ${s.checks.pass} passed, ${s.checks.fail} failed, ${s.checks.warn} warned, ${s.checks.error} errors, ${s.checks.skipped} skipped; ${report.findings.length} finding(s)${report.baseline ? ` (${s.findings.new} new, ${s.findings.existing} existing, ${s.findings.fixed} fixed)` : ''}; exit ${report.exitCode}`,
    );
    return exitCode;
  }

  /** `--plan`: the run's cost, site by site, as text (or JSON with --format json); exit 0. */
  private async printPlan(templates: Templates, checksPath: string | undefined, paths: ReportPaths): Promise<number> {
    const request = await this.checkRequest(templates, checksPath, paths);
    const plans = await this.withProgress((onEvent, deps) => {
      this.warn = (text) => onEvent({ type: 'warning', text });
      return planChecks(this.context.batfish, request, deps);
    });
    const format = checkFormatOf(this.stdoutFormat);
    return this.emit({ stdout: format === 'json' ? renderJson({ plan: plans }) : formatCheckPlan(plans), stderr: '', exitCode: 0 });
  }

  /** Everything after the report files are known: flags, the checks file, the sites, the run. */
  private async gate(templates: Templates, checksPath: string | undefined, paths: ReportPaths): Promise<CheckReport> {
    const request = await this.checkRequest(templates, checksPath, paths);
    return request.sources.length
      ? await this.withProgress((onEvent, deps) => {
          this.warn = (text) => onEvent({ type: 'warning', text });
          return runChecks(this.context.batfish, request, deps);
        })
      : await runChecks(this.context.batfish, request, runDeps(this.context, () => {}));
  }

  /** The flags, the checks file and the sites, checked, as the run's request. */
  private async checkRequest(templates: Templates, checksPath: string | undefined, paths: ReportPaths): Promise<CheckRunRequest> {
    const format = checkFormatOf(this.stdoutFormat);
    if (!format) throw new InputError(`--format ${this.stdoutFormat}: unknown format`, { hint: `use one of: ${CHECK_FORMATS.join(', ')}` });
    if (this.failOnExisting && this.baseDir === undefined && this.baseRef === undefined) {
      throw new InputError('--fail-on-existing needs a base: without one no finding is existing', { hint: 'add --base-ref REF or --base-dir DIR, or drop --fail-on-existing' });
    }
    const summaryFile = this.context.env.GITHUB_STEP_SUMMARY;
    if (format === 'github' && summaryFile) {
      await checkAppendTarget(summaryFile, `GITHUB_STEP_SUMMARY (${printable(summaryFile)})`).catch((error: unknown) => {
        this.summaryRefused = true;
        throw error;
      });
    }
    const failOn = failOnOf(this.failOn);
    if (!failOn) throw new InputError(`--fail-on ${this.failOn}: expected error, warning or never`, { hint: 'see netq check --help' });
    // Everything the user wrote is checked before anything is sent to Batfish.
    const checks = await loadChecks(checksPath, this.checks, this.context.cwd, this.context.signal, templates);
    if (this.baseDir !== undefined && this.baseRef !== undefined) throw new InputError('--base-dir and --base-ref both name a base', { hint: 'give one of them' });
    if (this.baseRef !== undefined) checkRef(this.baseRef, '--base-ref');
    if (this.changedSince !== undefined) checkRef(this.changedSince, '--changed-since');
    const base: CheckBase | undefined = this.baseDir !== undefined ? { kind: 'dir', dir: this.baseDir } : this.baseRef !== undefined ? { kind: 'ref', ref: this.baseRef } : undefined;
    const only = selectedNames(this.only, checks.checks.map((c) => c.name));
    const filter = { ...(only.length ? { only } : {}), ...(this.tag ? { tag: this.tag } : {}) };
    // An --only name or --tag that no check has is a mistake of the command line: said before any site is read.
    checkSelection(checks, filter);
    const sources = await this.sources(checksPath);
    const request = {
      sources,
      ...(base ? { base } : {}),
      batfish: batfishTargetOf(this),
      checks,
      filter,
      failOn,
      failOnExisting: this.failOnExisting,
      redact: this.redact,
      concurrency: this.concurrency,
      today: new Date(this.context.clock.now()).toISOString().slice(0, 10),
      ...(checks.source !== DEFAULT_CHECKS.source && checksPath !== undefined ? { checksFilePath: checksPath } : {}),
      paths,
      ...snapshotSettingsOf(this),
      forks: { keepForks: this.keepForks, parseReuse: this.parseReuse },
    };
    return request;
  }

  /**
   * Prints the report in the --format (and appends the GitHub step summary); returns the gate's
   * exit code. `failing`: the gate could not run, and its error is what the user must see, so a
   * step summary that cannot be written is only a warning.
   */
  private async print(report: CheckReport, format: CheckFormat, category: string, failing = false): Promise<number> {
    const rendered = renderCheckReport(report, format, { terminal: this.terminal(), sarif: { category } });
    const summaryFile = this.context.env.GITHUB_STEP_SUMMARY;
    // A step summary refused before the run is that run's error already: not tried again.
    if (rendered.stepSummary !== null && summaryFile && !this.summaryRefused) {
      await appendReportFile(summaryFile, rendered.stepSummary, `GITHUB_STEP_SUMMARY (${printable(summaryFile)})`).catch((error: unknown) => {
        if (!failing) throw error;
        this.note(`netq: warning: the step summary with the error could not be written: ${toNetqError(error).message}`);
      });
    }
    const stdout = rendered.text && !rendered.text.endsWith('\n') ? `${rendered.text}\n` : rendered.text;
    return this.emit({ stdout, stderr: '', exitCode: report.exitCode });
  }

  /** The folders this run reads configs from: a report must not land in them. */
  private readFolders(): Array<{ dir: string; what: string; depth?: number }> {
    const cwd = this.context.cwd;
    const out: Array<{ dir: string; what: string; depth?: number }> = [];
    if (this.snapshotDir !== undefined) out.push({ dir: path.resolve(cwd, this.snapshotDir), what: `the snapshot folder ${printable(this.snapshotDir)}` });
    else if (this.all) out.push({ dir: path.resolve(cwd, this.regionsDir), what: `a site of the regions folder ${printable(this.regionsDir)}`, depth: 2 });
    else if (this.region !== undefined && this.site !== undefined) {
      out.push({ dir: path.resolve(cwd, this.regionsDir, this.region, this.site), what: `the site ${printable(`${this.region}/${this.site}`)}` });
    }
    if (this.baseDir !== undefined) out.push({ dir: path.resolve(cwd, this.baseDir), what: `the base folder ${printable(this.baseDir)}`, depth: this.all ? 2 : 0 });
    if (this.referenceDir !== undefined) out.push({ dir: path.resolve(cwd, this.referenceDir), what: `the reference folder ${printable(this.referenceDir)}` });
    return out;
  }

  /**
   * The sites to check: -r/-s, --snapshot-dir, or --all (only changed ones with --changed-since;
   * every one when the checks file itself changed, since a new or changed check applies to all).
   */
  async sources(checksPath?: string): Promise<SnapshotSource[]> {
    if (!this.all) {
      if (this.changedSince !== undefined) throw new InputError('--changed-since chooses among the sites of --all', { hint: 'add --all, or drop --changed-since' });
      return [snapshotSourceOf(this)];
    }
    checkAllSitesFlags(this);
    const sources = await siteSources(this.regionsDir, this.region, this.context.cwd);
    if (this.changedSince === undefined) return sources;
    return changedSites(sources, { ref: this.changedSince, regionsDir: this.regionsDir, cwd: this.context.cwd, checksPath }, (text) => this.note(`netq: check: ${text}`));
  }

  kindsText(templates: Templates): string {
    const kinds = checkKindList(templates);
    const rows = kinds.map((kind) => ({
      Kind: kind.kind,
      Severity: kind.defaultSeverity,
      Description: kind.description,
      Parameters: kind.parameters.map((p) => `${p.name}${p.required ? ' (required)' : ''}`),
    }));
    const format = checkFormatOf(this.format ?? 'table');
    if (format === 'json') return renderJson({ kinds });
    const columns = [
      { name: 'Kind', schema: 'String' },
      { name: 'Severity', schema: 'String' },
      { name: 'Description', schema: 'String' },
      { name: 'Parameters', schema: 'List<String>' },
    ];
    return renderText({ columns, rows }, format === 'markdown' ? 'markdown' : 'table', this.terminal());
  }
}

/** `--fail-on` in any case, or undefined when it is none of error, warning, never. */
function failOnOf(value: string): FailOn | undefined {
  const v = value.trim().toLowerCase();
  return v === 'error' || v === 'warning' || v === 'never' ? v : undefined;
}

/**
 * The check names `--only` selects: each value names one check exactly (a name may hold a comma);
 * a value that is no check's name but holds commas is read as several names, as `--only a,b`
 * was before the flag could be repeated. Names that match nothing are left in, so the engine
 * says which.
 */
export function selectedNames(values: readonly string[], names: readonly string[]): string[] {
  return values.flatMap((v) => (names.includes(v) || !v.includes(',') ? [v] : v.split(',').map((n) => n.trim()).filter(Boolean)));
}

/**
 * The SARIF category when `--sarif-category` is not given: the set of sites asked for, so the
 * same command line always gets the same category and two matrix jobs over different sets get
 * different ones (GitHub keeps one analysis per category, and a newer one closes the alerts the
 * other lacks). `--all` alone is `netq-check`, `--all -r R` is `netq-check/R`, `-r R -s S` is
 * `netq-check/R/S`, and `--snapshot-dir D` is `netq-check/snapshot/<D as report paths give it>`.
 * `--changed-since` does not change it: it picks among the same set.
 */
export function defaultSarifCategory(flags: { all: boolean; region?: string | undefined; site?: string | undefined }, snapshotPath?: string): string {
  if (snapshotPath !== undefined) return `${DEFAULT_SARIF_CATEGORY}/snapshot/${snapshotPath.replace(/^\/+/, '')}`;
  if (flags.all) return flags.region !== undefined ? `${DEFAULT_SARIF_CATEGORY}/${flags.region}` : DEFAULT_SARIF_CATEGORY;
  if (flags.region !== undefined && flags.site !== undefined) return `${DEFAULT_SARIF_CATEGORY}/${flags.region}/${flags.site}`;
  return DEFAULT_SARIF_CATEGORY;
}
