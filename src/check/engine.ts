/**
 * The engine of `netq check`, without I/O: which checks run on a site, which questions that
 * takes (each once), how answers become results and findings, waivers, the comparison with a
 * base, and the report with its exit code. The command asks Batfish and renders; this decides.
 */
import { createHash } from 'node:crypto';
import { isObject, type TableAnswer } from '../batfish/answer.js';
import { ExitCode, InputError, InternalError, NetqError, toNetqError } from '../errors.js';
import { checkAsks, followUpAsks, kindByName, type FindingDraft, type NamedAnswers, type SiteContext } from './kinds/index.js';
import { askKey, asksOf } from './plan.js';
import { globRegExp } from './kinds/helpers.js';
import { redactSecrets, redactValue } from './redact.js';
import type {
  BaselineState,
  CheckReport,
  CheckResult,
  CheckSpec,
  CheckStatus,
  ChecksFile,
  FailOn,
  Finding,
  QuestionAsk,
  SiteReport,
  Waiver,
} from './model.js';

export { askKey, planFollowUps, planQuestions } from './plan.js';

/** `--only` and `--tag`: which checks of the file the user asked for. */
export interface CheckFilter {
  only?: string[];
  tag?: string;
}

/**
 * The checks that run on a site: those `--only`/`--tag` select whose `sites` globs match the
 * site (`region/site`; `*` and `?` match within one part). An `--only` name or `--tag` that no
 * check of the file has is an InputError listing the ones there are, since a typo there would
 * otherwise pass the gate silently. A `--snapshot-dir` run passes its folder as the site: checks
 * without `sites` run on it, checks with `sites` only when a glob matches that text.
 */
export function checksForSite(file: ChecksFile, site: string, filter: CheckFilter = {}): CheckSpec[] {
  return selected(file, filter).filter((check) => siteMatches(check.sites, site));
}

/** Results with status `skipped` for the selected checks whose `sites` globs leave this site out. */
export function skippedForSite(file: ChecksFile, site: string, filter: CheckFilter = {}): CheckResult[] {
  return selected(file, filter)
    .filter((check) => !siteMatches(check.sites, site))
    .map((check) => ({
      name: check.name,
      kind: check.check,
      site,
      status: 'skipped',
      severity: check.severity,
      findings: 0,
      durationMs: 0,
      error: { message: `not for this site (sites: ${(check.sites ?? []).join(', ')})`, exitCode: ExitCode.ok },
      questions: [],
    }));
}

function selected(file: ChecksFile, filter: CheckFilter): CheckSpec[] {
  const names = file.checks.map((c) => c.name);
  const unknown = (filter.only ?? []).filter((n) => !names.includes(n));
  if (unknown.length) {
    throw new InputError(`--only names ${unknown.length > 1 ? 'checks' : 'a check'} that ${file.source} does not have: ${unknown.join(', ')}`, {
      hint: `checks: ${names.join(', ')}`,
    });
  }
  const tags = [...new Set(file.checks.flatMap((c) => c.tags))];
  if (filter.tag !== undefined && !tags.includes(filter.tag)) {
    throw new InputError(`no check of ${file.source} has tag '${filter.tag}'`, {
      hint: tags.length ? `tags: ${tags.join(', ')}` : `${file.source} has no tags`,
    });
  }
  return file.checks.filter(
    (c) => (!filter.only || filter.only.includes(c.name)) && (filter.tag === undefined || c.tags.includes(filter.tag)),
  );
}

/** Whether one of the globs matches the site; no globs means every site. */
export function siteMatches(globs: string[] | undefined, site: string): boolean {
  if (!globs) return true;
  return globs.some((glob) => globRegExp(glob).test(site));
}

// ---------------------------------------------------------------- evaluation

/** sha256 (hex, first 32 characters) of the check's name, the site and the row's key values. */
export function fingerprint(check: string, site: string, keyValues: string[]): string {
  return createHash('sha256').update(JSON.stringify([check, site, ...keyValues])).digest('hex').slice(0, 32);
}

/**
 * Runs the checks of one site on the answers: `answerOf` gives each planned question's answer,
 * or the NetqError that asking it ended with. A check whose question failed is `error` with that
 * error's message and exit code; the others are still evaluated. `durations` (by askKey, in ms)
 * makes each check's duration the sum of its questions'.
 */
export function evaluateSite(
  checks: CheckSpec[],
  answerOf: (ask: QuestionAsk) => TableAnswer | NetqError,
  site: SiteContext,
  durations?: ReadonlyMap<string, number>,
  options: { redact?: boolean } = {},
): { results: CheckResult[]; findings: Finding[] } {
  const results: CheckResult[] = [];
  const findings: Finding[] = [];
  for (const check of checks) {
    const { main, context } = asksOf(check);
    const durationMs = [...main, ...context].reduce((sum, ask) => sum + (durations?.get(askKey(ask)) ?? 0), 0);
    const base = {
      name: check.name,
      kind: check.check,
      site: site.site,
      severity: check.severity,
      durationMs,
      questions: main.map((a) => a.question),
    };
    const drafts = draftsOf(check, answerOf, site);
    if (drafts instanceof NetqError) {
      results.push({ ...base, status: 'error', findings: 0, error: { message: drafts.message, exitCode: drafts.exitCode } });
      continue;
    }
    const mine = toFindings(check, site.site, drafts, options.redact ?? true);
    // A loop, not push(...mine): spreading 120 000 findings overflows the call stack.
    for (const finding of mine) findings.push(finding);
    results.push({ ...base, status: statusOf(mine), findings: mine.length, error: null });
  }
  return { results, findings };
}

function draftsOf(
  check: CheckSpec,
  answerOf: (ask: QuestionAsk) => TableAnswer | NetqError,
  site: SiteContext,
): FindingDraft[] | NetqError {
  const kind = kindByName(check.check);
  if (!kind) return new InternalError(`unknown check kind '${check.check}' (the checks file was not validated)`);
  if (kind.needsBase && !site.hasBase) {
    return new InputError(`the check '${check.name}' (${check.check}) compares the change with its base, and this run has none: give --base-ref REF or --base-dir DIR`, {
      hint: 'give the base with --base-ref REF (e.g. origin/main) or --base-dir DIR',
    });
  }
  const { main, context } = checkAsks(check);
  const answers: NamedAnswers = {};
  for (const [name, ask] of main) {
    const answer = answerOf(ask);
    if (answer instanceof NetqError) return answer;
    answers[name] = answer;
  }
  for (const [name, ask] of followUpAsks(check, answerOf)) {
    const answer = answerOf(ask);
    if (answer instanceof NetqError) return answer;
    answers[name] = answer;
  }
  // Context questions only add locations: without them the findings are the same, unlocated.
  const extra: Partial<NamedAnswers> = {};
  for (const [name, ask] of context) {
    const answer = answerOf(ask);
    if (!(answer instanceof NetqError)) extra[name] = answer;
  }
  try {
    return kind.evaluate(check, answers, site, extra);
  } catch (error) {
    return toNetqError(error);
  }
}

function toFindings(check: CheckSpec, site: string, drafts: FindingDraft[], redact: boolean): Finding[] {
  const seen = new Map<string, number>();
  return drafts.map((draft) => {
    // Two rows with the same key values (an ACL line text twice in one file) still need
    // distinct fingerprints: the second and later get their occurrence number. The keys are
    // redacted whatever --no-redact says: a fingerprint of a line with a weak community could
    // be reversed by guessing, and it stays the same with or without the flag.
    let keys = draft.keyValues.map((k) => redactSecrets(k));
    const base = fingerprint(check.name, site, keys);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    if (count > 1) keys = [...keys, `#${count}`];
    return {
      check: check.name,
      kind: check.check,
      site,
      severity: draft.severity === 'warning' ? 'warning' : check.severity,
      message: redact ? redactSecrets(draft.message) : draft.message,
      row: redact ? redactValue(draft.row) : draft.row,
      location: draft.location,
      fingerprint: count > 1 ? fingerprint(check.name, site, keys) : base,
      baseline: null,
      waiver: null,
    };
  });
}

/** pass, fail (a finding at error severity) or warn (only warnings); waived findings do not count. */
function statusOf(findings: Finding[]): CheckStatus {
  const open = findings.filter((f) => f.waiver === null);
  if (open.some((f) => f.severity === 'error')) return 'fail';
  return open.length ? 'warn' : 'pass';
}

// ---------------------------------------------------------------- waivers and base

/**
 * The text of a finding's cell as the table shows it, for waivers' `where`: JSON values are
 * already what pybatfish gives (a Node is its name, an IP its text); interfaces and file lines
 * get their table forms.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (isObject(value)) {
    if (typeof value.hostname === 'string' && typeof value.interface === 'string') return `${value.hostname}[${value.interface}]`;
    if (typeof value.filename === 'string' && Array.isArray(value.lines)) return `${value.filename}:[${value.lines.join(', ')}]`;
    if (typeof value.name === 'string' && Object.keys(value).length <= 2) return value.name;
  }
  return JSON.stringify(value);
}

function waives(waiver: Waiver, finding: Finding): boolean {
  return (
    waiver.check === finding.check &&
    Object.entries(waiver.where).every(([column, want]) => column in finding.row && cellText(finding.row[column]) === want)
  );
}

/**
 * Marks the findings a waiver accepts (same check, every `where` column equal to the row's text).
 * A waiver whose `expires` day is before `today` (YYYY-MM-DD) waives nothing and is returned in
 * `expired`, so the report can say so; it is valid through its expiry day.
 */
export function applyWaivers(
  findings: Finding[],
  waivers: Waiver[],
  today: string,
): { findings: Finding[]; expired: Waiver[] } {
  const expired = waivers.filter((w) => w.expires !== undefined && w.expires < today);
  const active = waivers.filter((w) => !expired.includes(w));
  return {
    findings: findings.map((finding) => {
      const waiver = active.find((w) => waives(w, finding));
      return waiver ? { ...finding, waiver: { reason: waiver.reason, expires: waiver.expires ?? null } } : finding;
    }),
    expired,
  };
}

/**
 * Marks each finding `new` or `existing` by whether the base run has its fingerprint, and returns
 * the base's findings that the change made disappear as `fixed`.
 */
export function compareWithBase(head: Finding[], base: Finding[]): { findings: Finding[]; fixed: Finding[] } {
  const before = new Set(base.map((f) => f.fingerprint));
  const after = new Set(head.map((f) => f.fingerprint));
  return {
    findings: head.map((f): Finding => ({ ...f, baseline: before.has(f.fingerprint) ? 'existing' : 'new' })),
    fixed: base.filter((f) => !after.has(f.fingerprint)).map((f) => ({ ...f, baseline: null })),
  };
}

// ---------------------------------------------------------------- the report

/** What a run gathered, for buildReport. */
export interface ReportParts {
  netqVersion: string;
  batfishVersion: string | null;
  failOn: FailOn;
  /** --fail-on-existing: with a base, existing findings fail the gate too. */
  failOnExisting?: boolean;
  baseline: CheckReport['baseline'];
  sites: SiteReport[];
  checks: CheckResult[];
  findings: Finding[];
  fixed?: Finding[];
  expiredWaivers?: Waiver[];
  /** The checks file as report paths give it; null (the default) for the built-in checks. */
  checksFile?: string | null;
}

const BASELINE_RANK: Record<BaselineState | 'none', number> = { new: 0, none: 0, existing: 1 };

/** New (or unbaselined) open findings first, then existing, then waived; each by site, check, place. */
function compareFindings(a: Finding, b: Finding): number {
  const rank = (f: Finding): number => (f.waiver ? 2 : BASELINE_RANK[f.baseline ?? 'none']);
  return (
    rank(a) - rank(b) ||
    a.site.localeCompare(b.site) ||
    a.check.localeCompare(b.check) ||
    (a.location?.file ?? '\uffff').localeCompare(b.location?.file ?? '\uffff') ||
    (a.location?.line ?? Infinity) - (b.location?.line ?? Infinity) ||
    a.message.localeCompare(b.message)
  );
}

/** Whether a finding fails the gate at this --fail-on level and baseline policy. */
export function findingFails(finding: Finding, failOn: FailOn, failOnExisting: boolean): boolean {
  if (finding.waiver !== null || failOn === 'never') return false;
  if (finding.severity === 'warning' && failOn !== 'warning') return false;
  return finding.baseline !== 'existing' || failOnExisting;
}

/**
 * Puts a run together: check statuses from the final findings (after waivers), summary counts,
 * findings ordered new first, and the exit code:
 *
 * 1. a site that could not be checked at all: its own code (2 input, 3 Batfish, 4 Docker), the
 *    first such site's;
 * 2. else a check that could not run: its code (3 for Batfish), since a gate must not pass when
 *    something was not analysed, even when other findings would give 1;
 * 3. else 1 when a finding fails at the `--fail-on` level (waived ones never; with a base only new
 *    ones unless `--fail-on-existing`; `never` never);
 * 4. else 0.
 */
export function buildReport(parts: ReportParts): CheckReport {
  const failOnExisting = parts.failOnExisting ?? false;
  const findings = [...parts.findings].sort(compareFindings);
  const fixed = parts.fixed ?? [];
  const ofCheck = (r: CheckResult): Finding[] => findings.filter((f) => f.check === r.name && f.site === r.site);
  const checks = parts.checks.map((r): CheckResult => {
    if (r.status === 'error' || r.status === 'skipped') return r;
    const mine = ofCheck(r);
    return { ...r, status: statusOf(mine), findings: mine.length };
  });

  const statuses: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, error: 0, skipped: 0 };
  for (const c of checks) statuses[c.status] += 1;
  const open = findings.filter((f) => f.waiver === null);

  const siteError = parts.sites.find((s) => s.error !== null)?.error;
  const checkError = checks.find((c) => c.status === 'error')?.error;
  const exitCode = siteError
    ? siteError.exitCode
    : checkError
      ? checkError.exitCode || ExitCode.batfish
      : findings.some((f) => findingFails(f, parts.failOn, failOnExisting))
        ? ExitCode.findings
        : ExitCode.ok;

  return {
    netqVersion: parts.netqVersion,
    batfishVersion: parts.batfishVersion,
    failOn: parts.failOn,
    failOnExisting,
    checksFile: parts.checksFile ?? null,
    error: null,
    baseline: parts.baseline,
    sites: parts.sites,
    checks,
    findings,
    fixed,
    expiredWaivers: uniqueWaivers(parts.expiredWaivers ?? []),
    summary: {
      checks: statuses,
      findings: {
        error: open.filter((f) => f.severity === 'error').length,
        warning: open.filter((f) => f.severity === 'warning').length,
        waived: findings.length - open.length,
        new: open.filter((f) => f.baseline === 'new').length,
        existing: open.filter((f) => f.baseline === 'existing').length,
        fixed: fixed.length,
      },
    },
    exitCode,
  };
}

/** Each site's run reports the same expired waivers; the report names each once. */
function uniqueWaivers(waivers: Waiver[]): Waiver[] {
  const seen = new Set<string>();
  return waivers.filter((w) => {
    const key = JSON.stringify([w.check, w.where, w.reason, w.expires ?? null, w.position?.line ?? null]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
