import { Command, Option } from 'clipanion';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as t from 'typanion';
import { siteSources } from '../app/all-sites.js';
import { runChecks, type CheckBase } from '../app/check-run.js';
import type { SnapshotSource } from '../app/site-run.js';
import { DEFAULT_CHECKS, checksFileSchema, parseChecksFile } from '../check/checks-file.js';
import { CHECK_KINDS, kindParameters } from '../check/kinds.js';
import type { ChecksFile } from '../check/model.js';
import { CHECK_FORMATS, parseReportOption, renderCheckReport, writeReportFile } from '../check/report/index.js';
import { InputError } from '../errors.js';
import { bundledTemplates } from '../questions/bundled.js';
import { renderJson, renderText } from '../render/index.js';
import { changedSince } from '../sites/git.js';
import { NetqCommand, Verbose } from './base.js';
import { BatfishFlags, SiteFlags, batfishTargetOf, checkAllSitesFlags, snapshotSettingsOf, snapshotSourceOf } from './flags.js';

/** The checks file netq reads from the current folder when --checks is not given. */
export const DEFAULT_CHECKS_FILE = 'netq-checks.yaml';

abstract class CheckFlags extends NetqCommand {
  checks = Option.String('--checks', { description: `Checks file (YAML; default ./${DEFAULT_CHECKS_FILE}, else the built-in checks)` });
  only = Option.String('--only', { description: 'Only these checks (comma-separated names)' });
  tag = Option.String('--tag', { description: 'Only the checks with this tag' });
  failOn = Option.String('--fail-on', 'error', {
    description: 'Which findings fail the gate: error (default), warning (errors and warnings) or never',
    validator: t.isEnum(['error', 'warning', 'never'] as const),
  });
  baseDir = Option.String('--base-dir', { description: 'Compare with this copy of the snapshot (with --all: a regions folder); only new findings fail' });
  baseRef = Option.String('--base-ref', { description: "Compare with the site's files at this git ref (e.g. origin/main); only new findings fail" });
  failOnExisting = Option.Boolean('--fail-on-existing', false, { description: 'With a base, findings that already existed fail the gate too' });
  changedSince = Option.String('--changed-since', { description: 'With --all, only the sites whose files changed since this git ref' });
  format = Option.String('--format,-f', 'table', { description: `Output format for stdout: ${CHECK_FORMATS.join(', ')}`, validator: t.isEnum(CHECK_FORMATS) });
  reports = Option.Array('--report', [], { description: 'Also write a report, as FORMAT=FILE (repeatable), e.g. sarif=netq.sarif' });
  list = Option.Boolean('--list', false, { description: 'List the check kinds and their parameters, and exit' });
  schema = Option.Boolean('--schema', false, { description: 'Print the JSON Schema of the checks file, and exit' });
}

export class CheckCommand extends Verbose(BatfishFlags(SiteFlags(CheckFlags))) {
  static override paths = [['check']];
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
      (json, junit, sarif, markdown, github, gitlab, table), atomically, also when the gate fails.
      With \`--format github\` and GITHUB_STEP_SUMMARY set, the markdown report is appended there.

      Exit codes: 0 nothing fails at the --fail-on level, 1 findings, 2 checks file or command line
      invalid, 3 Batfish (or a check that could not run), 4 Docker, 70 bug.
    `,
    examples: [
      ['The built-in checks on nyc', '$0 check -r north_america -s nyc'],
      ['A merge request: only new problems fail, SARIF for code scanning', '$0 check --all --changed-since origin/main --base-ref origin/main --report sarif=netq.sarif'],
      ['List the check kinds', '$0 check --list'],
    ],
  });

  async run(): Promise<number> {
    const templates = await bundledTemplates();
    if (this.list) return this.emit({ stdout: this.kindsText(templates), stderr: '', exitCode: 0 });
    if (this.schema) return this.emit({ stdout: renderJson(checksFileSchema(templates)), stderr: '', exitCode: 0 });
    // Everything the user wrote is checked before anything is sent to Batfish.
    const checks = await this.checksFile(templates);
    const reports = this.reports.map(parseReportOption);
    if (this.baseDir !== undefined && this.baseRef !== undefined) throw new InputError('--base-dir and --base-ref both name a base', { hint: 'give one of them' });
    const base: CheckBase | undefined = this.baseDir !== undefined ? { kind: 'dir', dir: this.baseDir } : this.baseRef !== undefined ? { kind: 'ref', ref: this.baseRef } : undefined;
    const sources = await this.sources();
    const request = {
      sources,
      ...(base ? { base } : {}),
      batfish: batfishTargetOf(this),
      checks,
      filter: { ...(this.only ? { only: this.only.split(',').map((n) => n.trim()) } : {}), ...(this.tag ? { tag: this.tag } : {}) },
      failOn: this.failOn,
      failOnExisting: this.failOnExisting,
      concurrency: this.concurrency,
      today: new Date(this.context.clock.now()).toISOString().slice(0, 10),
      ...snapshotSettingsOf(this),
    };
    const report = sources.length
      ? await this.withProgress((onEvent, deps) => runChecks(this.context.batfish, request, deps))
      : await runChecks(this.context.batfish, request, { cwd: this.context.cwd, clock: this.context.clock, tmpDir: this.context.tmpDir, stateDir: this.context.batfish.deps.stateDir, onEvent: () => {} });
    for (const { format, path: file } of reports) {
      await writeReportFile(path.resolve(this.context.cwd, file), renderCheckReport(report, format).text);
    }
    const rendered = renderCheckReport(report, this.format, { terminal: this.terminal() });
    const summaryFile = this.context.env.GITHUB_STEP_SUMMARY;
    if (rendered.stepSummary !== null && summaryFile) await appendFile(summaryFile, rendered.stepSummary);
    const s = report.summary;
    const stderr = `netq: check: ${report.checks.length} check run(s): ${s.checks.pass} passed, ${s.checks.fail} failed, ${s.checks.warn} warned, ${s.checks.error} errors, ${s.checks.skipped} skipped; ${report.findings.length} finding(s)${report.baseline ? ` (${s.findings.new} new, ${s.findings.existing} existing, ${s.findings.fixed} fixed)` : ''}; exit ${report.exitCode}\n`;
    const stdout = rendered.text && !rendered.text.endsWith('\n') ? `${rendered.text}\n` : rendered.text;
    return this.emit({ stdout, stderr, exitCode: report.exitCode });
  }

  /** The checks file: --checks, else ./netq-checks.yaml, else the built-in set; validated in full. */
  async checksFile(templates: Awaited<ReturnType<typeof bundledTemplates>>): Promise<ChecksFile> {
    const given = this.checks !== undefined;
    const file = path.resolve(this.context.cwd, this.checks ?? DEFAULT_CHECKS_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!given && code === 'ENOENT') return DEFAULT_CHECKS;
      throw new InputError(`cannot read the checks file ${this.checks ?? DEFAULT_CHECKS_FILE}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code)}`, {
        hint: 'pass --checks FILE, or leave it out to use the built-in checks (netq check --list shows the kinds)',
      });
    }
    return parseChecksFile(text, path.relative(this.context.cwd, file) || file, templates);
  }

  /** The sites to check: -r/-s, --snapshot-dir, or --all (only changed ones with --changed-since). */
  async sources(): Promise<SnapshotSource[]> {
    if (!this.all) {
      if (this.changedSince !== undefined) throw new InputError('--changed-since chooses among the sites of --all', { hint: 'add --all, or drop --changed-since' });
      return [snapshotSourceOf(this)];
    }
    checkAllSitesFlags(this);
    const sources = await siteSources(this.regionsDir, this.region, this.context.cwd);
    if (this.changedSince === undefined) return sources;
    const changed = await changedSince(path.resolve(this.context.cwd, this.regionsDir), this.changedSince);
    const touched = new Set(changed.map((file) => file.split('/').slice(0, 2).join('/')));
    const chosen = sources.filter((s) => s.kind === 'site' && touched.has(`${s.region}/${s.site}`));
    this.context.stderr.write(`netq: check: ${chosen.length} of ${sources.length} site(s) changed since ${this.changedSince}${chosen.length ? `: ${chosen.map((s) => (s.kind === 'site' ? `${s.region}/${s.site}` : s.dir)).join(', ')}` : ''}\n`);
    return chosen;
  }

  kindsText(templates: Awaited<ReturnType<typeof bundledTemplates>>): string {
    const rows = CHECK_KINDS.map((kind) => ({
      Kind: kind.kind,
      Severity: kind.defaultSeverity,
      Description: kind.description,
      Parameters: kindParameters(kind, templates).map((p) => `${p.name}${p.required ? ' (required)' : ''}`),
    }));
    if (this.format === 'json') return renderJson({ kinds: CHECK_KINDS.map((kind) => ({ kind: kind.kind, defaultSeverity: kind.defaultSeverity, description: kind.description, parameters: kindParameters(kind, templates) })) });
    const columns = [
      { name: 'Kind', schema: 'String' },
      { name: 'Severity', schema: 'String' },
      { name: 'Description', schema: 'String' },
      { name: 'Parameters', schema: 'List<String>' },
    ];
    return renderText({ columns, rows }, this.format === 'markdown' ? 'markdown' : 'table', this.terminal());
  }
}
