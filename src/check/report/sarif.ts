import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { kindByName } from '../kinds/index.js';
import type { CheckReport, CheckResult, Finding, Severity } from '../model.js';
import { anchorOf, groupBySite, rowText } from './common.js';

/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer), following GitHub's supported
 * subset: one run, one rule per check kind, every result with a `ruleId`, a `level`, a message
 * whose first sentence stands alone, and exactly one physical location with a file and a
 * `region.startLine` (GitHub rejects a result without one).
 *
 * - Findings without a line go on line 1 of their file; findings without a file on line 1 of
 *   their site's first config file (`SiteReport.firstConfig`). Neither is a place the upload
 *   action can hash meaningfully (every such finding would share line 1's hash), so netq gives
 *   those results a `primaryLocationLineHash` derived from the finding's own fingerprint: GitHub
 *   then tracks them across runs instead of opening a new alert each time. No URI is a folder.
 * - `automationDetails.id` is `<category>/`: `--sarif-category`, else one derived from the sites
 *   checked (`netq-check/north_america/` for `--all -r north_america`). codeql-action lets this id
 *   win over the workflow's `category`, and GitHub closes the alerts of a category that a newer
 *   analysis of the same category lacks, so a per-region matrix needs one id per region.
 * - Fixed findings are left out: they carry the base's line numbers, where the head has other
 *   statements, and GitHub closes an alert that the newer analysis of its category lacks anyway.
 *   Their count is in the run's properties (`fixedNotListed`).
 * - GitHub takes at most 25 000 results per run and 10 MB gzipped per file: past either, the
 *   results are cut (new findings and errors kept first, waived ones dropped first) and the run
 *   says how many were left out, in its properties and in a tool notification, and that the JSON
 *   report lists them all.
 * - With a base, results carry `baselineState` (new / unchanged); waived results carry an
 *   accepted suppression, which GitHub honours by closing the alert.
 * - A gate that could not run (exit 2 or 3) is a run with no results, `executionSuccessful`
 *   false and the error as a notification (a checks file's mistakes each at their place).
 */

export interface SarifOptions {
  /** A one-line description per check kind (rule `shortDescription`); built-in ones otherwise. */
  kindDescriptions?: Record<string, string>;
  /** The run's category: `automationDetails.id` is `<category>/`. Default `netq-check`. */
  category?: string;
  /** Results per run (GitHub: 25 000). */
  maxResults?: number;
  /** Bytes of the gzipped file (GitHub: 10 MB). */
  maxGzipBytes?: number;
}

/** GitHub code scanning's limits for one upload (docs: "SARIF support for code scanning"). */
export const SARIF_MAX_RESULTS = 25_000;
export const SARIF_MAX_GZIP_BYTES = 10 * 1024 * 1024;
export const DEFAULT_SARIF_CATEGORY = 'netq-check';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The SARIF log as a value (for tests and callers that add to it), cut to GitHub's limits. */
export function checkReportSarif(report: CheckReport, options: SarifOptions = {}): Record<string, unknown> {
  const maxResults = options.maxResults ?? SARIF_MAX_RESULTS;
  const maxBytes = options.maxGzipBytes ?? SARIF_MAX_GZIP_BYTES;
  const kinds = [...new Set([...report.checks.map((c) => c.kind), ...report.findings.map((f) => f.kind)])].sort();
  const ruleIndex = new Map(kinds.map((k, i) => [k, i]));
  const rules = kinds.map((kind) => rule(kind, report.checks.filter((c) => c.kind === kind), options));
  const placed = byPriority(report.findings).map((f) => ({ f, anchor: anchorOf(f, report) }));
  // A finding of a site without any device file has no file to go on: a notification says it.
  const unplaced = placed.filter((p) => p.anchor.line === null).map((p) => p.f);
  const results = placed.filter((p) => p.anchor.line !== null).map((p) => result(report, p.f, ruleIndex.get(p.f.kind)!));

  let keep = Math.min(results.length, maxResults);
  for (;;) {
    const log = sarifLog(report, options, rules, ruleIndex, results.slice(0, keep), results.length - keep, unplaced);
    if (keep === 0) return log;
    const text = JSON.stringify(log, null, 2);
    if (Buffer.byteLength(text) <= maxBytes) return log;
    const gzipped = gzipSync(text).length;
    if (gzipped <= maxBytes) return log;
    // Results are alike in size: shrink in proportion, with a margin, until it fits.
    keep = Math.max(0, Math.min(keep - 1, Math.floor((keep * maxBytes * 0.9) / gzipped)));
  }
}

/** New (and unbaselined) findings first, errors before warnings, then existing ones, waived last. */
function byPriority(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding): number => (f.waiver ? 4 : f.baseline === 'existing' ? 2 : 0) + (f.severity === 'error' ? 0 : 1);
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

function sarifLog(
  report: CheckReport,
  options: SarifOptions,
  rules: Array<Record<string, unknown>>,
  ruleIndex: Map<string, number>,
  results: Array<Record<string, unknown>>,
  omitted: number,
  unplaced: Finding[],
): Record<string, unknown> {
  const category = sarifCategory(options.category);
  const notifications = notificationsOf(report, ruleIndex);
  for (const f of unplaced) {
    notifications.push({ level: f.severity, message: { text: `${f.message} (check "${f.check}" on ${f.site}; the site has no file to show it on)` } });
  }
  const total = results.length + omitted;
  if (omitted > 0) {
    notifications.push({
      level: 'warning',
      message: {
        text:
          `${omitted} of ${total} results were left out: GitHub code scanning takes at most ${(options.maxResults ?? SARIF_MAX_RESULTS).toLocaleString('en')} results per run ` +
          'and 10 MB per gzipped file. New findings and errors were kept first. The JSON report (--report json=FILE) lists every finding.',
      },
    });
  }
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: 'netq',
        version: report.netqVersion,
        ...(/^\d+\.\d+\.\d+/.test(report.netqVersion) ? { semanticVersion: report.netqVersion } : {}),
        rules,
      },
    },
    automationDetails: { id: `${category}/` },
    invocations: [
      {
        // The gate's verdict is in the exit code; "successful" means everything could run.
        executionSuccessful: !report.error && report.checks.every((c) => c.status !== 'error') && report.sites.every((s) => !s.error),
        exitCode: report.exitCode,
        ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    columnKind: 'unicodeCodePoints',
    results,
    properties: {
      batfishVersion: report.batfishVersion,
      failOn: report.failOn,
      category,
      ...(report.baseline ? { baseline: report.baseline, fixedNotListed: report.fixed.length } : {}),
      ...(omitted > 0 ? { resultsOmitted: omitted, resultsTotal: total, fullReport: 'the JSON report (--report json=FILE) lists every finding' } : {}),
      ...(report.error ? { error: { message: report.error.message, exitCode: report.error.exitCode, hint: report.error.hint } } : {}),
      summary: report.summary,
    },
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

/** `--sarif-category` as the id's text: trailing slashes dropped (the id adds one). */
export function sarifCategory(category: string | undefined): string {
  const text = (category ?? DEFAULT_SARIF_CATEGORY).replace(/\/+$/, '');
  return text || DEFAULT_SARIF_CATEGORY;
}

/** The SARIF log as text, pretty-printed with a final newline. */
export function renderCheckSarif(report: CheckReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(checkReportSarif(report, options), null, 2)}\n`;
}

function rule(kind: string, checks: CheckResult[], options: SarifOptions): Record<string, unknown> {
  const declared = kindByName(kind)?.rule;
  const description = options.kindDescriptions?.[kind] ?? declared?.short ?? `netq check ${kind}`;
  // A kind used at both severities reports each result's own level; the default is the higher.
  const level: Severity = checks.length === 0 || checks.some((c) => c.severity === 'error') ? 'error' : 'warning';
  const names = [...new Set(checks.map((c) => c.name))].sort();
  return {
    id: kind,
    name: kind.replace(/(^|[-_\s]+)(\w)/g, (_, __: string, c: string) => c.toUpperCase()),
    shortDescription: { text: description },
    fullDescription: { text: (options.kindDescriptions?.[kind] === undefined ? declared?.full : undefined) ?? `${description} (netq check kind ${kind}).` },
    help: {
      text: `netq check kind ${kind}.${names.length ? ` Checks of this kind in this run: ${names.join(', ')}.` : ''}`,
    },
    defaultConfiguration: { level },
    properties: { tags: ['netq', 'network-configuration'] },
  };
}

function result(report: CheckReport, f: Finding, ruleIndex: number): Record<string, unknown> {
  const anchor = anchorOf(f, report);
  const physicalLocation: Record<string, unknown> = {
    artifactLocation: artifactLocation(anchor.file),
    region: { startLine: anchor.line ?? 1 },
  };
  const partialFingerprints: Record<string, string> = { 'netqFingerprint/v1': f.fingerprint };
  if (!anchor.lineKnown) partialFingerprints.primaryLocationLineHash = `${createHash('sha256').update(f.fingerprint).digest('hex').slice(0, 16)}:1`;
  const where = anchor.isSite
    ? `No file was named for this finding; it is shown on the first config file of ${f.site}.`
    : !anchor.lineKnown
      ? 'No line was named for this finding; it is shown on line 1 of its file.'
      : undefined;
  const out: Record<string, unknown> = {
    ruleId: f.kind,
    ruleIndex,
    level: f.severity,
    // GitHub titles an alert with the first sentence: the finding's own message comes first.
    message: { text: `${f.message.replace(/\s+$/, '')}${/[.!?]$/.test(f.message.trim()) ? '' : '.'} Check "${f.check}" on ${f.site}.` },
    locations: [{ physicalLocation, ...(where ? { message: { text: where } } : {}) }],
    partialFingerprints,
    properties: {
      check: f.check,
      site: f.site,
      ...(Object.keys(f.row).length ? { evidence: rowText(f.row), row: f.row } : {}),
    },
  };
  if (report.baseline) out.baselineState = f.baseline === 'existing' ? 'unchanged' : 'new';
  if (f.waiver) {
    // GitHub closes an alert whose suppression is accepted; the reason shows as the justification.
    out.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: f.waiver.expires ? `${f.waiver.reason} (waived until ${f.waiver.expires})` : f.waiver.reason,
      },
    ];
  }
  return out;
}

/**
 * A repository-relative path as a URI reference (each segment percent-encoded, so spaces and
 * `#` survive) based on `%SRCROOT%`; an absolute path (a snapshot folder outside the
 * repository) as a `file:` URI.
 */
function artifactLocation(file: string): Record<string, unknown> {
  if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file)) return { uri: pathToFileURL(file).href };
  const uri = file
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return { uri, uriBaseId: '%SRCROOT%' };
}

/** Checks and sites that could not run, as tool notifications (they have no result to carry them). */
function notificationsOf(report: CheckReport, ruleIndex: Map<string, number>): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  if (report.error) {
    const e = report.error;
    out.push({ level: 'error', message: { text: `netq check could not run (exit ${e.exitCode}): ${e.message}${e.hint ? `. Hint: ${e.hint}` : ''}` } });
    for (const p of e.problems) {
      out.push({
        level: 'error',
        message: { text: p.message },
        locations: [{ physicalLocation: { artifactLocation: artifactLocation(p.file), region: { startLine: p.line, startColumn: p.column } } }],
      });
    }
  }
  for (const group of groupBySite(report)) {
    if (group.report?.error) {
      out.push({ level: 'error', message: { text: `${group.site} could not be checked: ${group.report.error.message}` } });
    }
  }
  for (const c of report.checks) {
    if (c.status === 'error') {
      out.push({
        level: 'error',
        message: { text: `Check "${c.name}" could not run on ${c.site}: ${c.error?.message ?? 'unknown error'}` },
        associatedRule: { id: c.kind, index: ruleIndex.get(c.kind)! },
      });
    }
  }
  for (const w of report.expiredWaivers) {
    out.push({ level: 'warning', message: { text: `The waiver for "${w.check}" expired on ${w.expires ?? '?'}: ${w.reason}` } });
  }
  return out;
}
