import { findingFails } from '../engine.js';
import type { CheckReport, CheckResult, CheckStatus, Finding, FindingLocation, SiteReport } from '../model.js';
import { kindDraws } from '../kinds/index.js';

/**
 * What several report formats share: grouping by site, finding order, and the one-line texts a
 * person reads (evidence, locations, roll-up), so every format says the same thing the same way.
 */

/** Display order of the statuses, worst first where an order is needed. */
export const STATUS_ORDER: readonly CheckStatus[] = ['fail', 'error', 'warn', 'pass', 'skipped'];

/** One site with its checks, in the report's site order (sites only named by a check come last). */
export interface SiteGroup {
  site: string;
  report: SiteReport | null;
  checks: CheckResult[];
}

export function groupBySite(report: CheckReport): SiteGroup[] {
  const groups = new Map<string, SiteGroup>();
  for (const s of report.sites) groups.set(s.site, { site: s.site, report: s, checks: [] });
  for (const c of report.checks) {
    let g = groups.get(c.site);
    if (!g) {
      g = { site: c.site, report: null, checks: [] };
      groups.set(c.site, g);
    }
    g.checks.push(c);
  }
  return [...groups.values()];
}

/** The findings of one check on one site, in the order `orderFindings` gives. */
export function findingsOf(report: CheckReport, check: CheckResult): Finding[] {
  return orderFindings(report.findings.filter((f) => f.check === check.name && f.site === check.site));
}

/** The fixed findings of one check on one site. */
export function fixedOf(report: CheckReport, check: CheckResult): Finding[] {
  return report.fixed.filter((f) => f.check === check.name && f.site === check.site);
}

/**
 * New findings first, then those without a base, then existing ones, waived ones last; stable
 * otherwise, so the engine's order (site, check, location) is kept within each group.
 */
export function orderFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding): number => (f.waiver ? 3 : f.baseline === 'new' ? 0 : f.baseline === null ? 1 : 2);
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

/** `file:line`, `file`, or '' without a location. */
export function locationText(location: FindingLocation | null): string {
  if (!location) return '';
  return location.line === null ? location.file : `${location.file}:${location.line}`;
}

/** Where a reader that needs a file puts a finding (see anchorOf). */
export interface Anchor {
  file: string;
  /** 1-based; null only when the finding has no file and its site no config file either. */
  line: number | null;
  /** True when the finding named no file and this is the site's (first config file, or folder). */
  isSite: boolean;
  /** True when `line` is the finding's own line, not 1 put there for want of one. */
  lineKnown: boolean;
}

/**
 * Where a finding goes for the readers that need a file and a line for every entry (SARIF,
 * Code Quality): its own file and line; its file at line 1 when Batfish named no line; and when
 * it named no file at all, the site's first config file at line 1 (see `firstConfigOf` in
 * app/check-run.ts for why that file). Only a site without any device file falls back to its
 * folder, with no line.
 */
export function anchorOf(finding: Finding, report: CheckReport): Anchor {
  if (finding.location) {
    const known = finding.location.line !== null;
    return { file: finding.location.file, line: finding.location.line ?? 1, isSite: false, lineKnown: known };
  }
  const site = report.sites.find((s) => s.site === finding.site);
  if (site?.firstConfig) return { file: site.firstConfig, line: 1, isSite: true, lineKnown: false };
  return { file: site?.dir || finding.site, line: null, isSite: true, lineKnown: false };
}

/** Where a reader that needs a file puts something about a whole site (an error, a check that could not run). */
export function siteAnchor(report: CheckReport, site: string): { file: string; line: number | null } {
  const s = report.sites.find((x) => x.site === site);
  if (s?.firstConfig) return { file: s.firstConfig, line: 1 };
  return { file: s?.dir || site, line: null };
}

/** Whether a finding fails this report's gate (the same rule the exit code follows). */
export function failsGate(finding: Finding, report: CheckReport): boolean {
  return findingFails(finding, report.failOn, report.failOnExisting);
}

/**
 * Why open findings of a check do not fail the gate, for readers that only know pass and fail:
 * `warnings do not fail the gate (--fail-on error)`.
 */
export function notFailingText(findings: readonly Finding[], report: CheckReport): string {
  const open = findings.filter((f) => !f.waiver);
  if (report.failOn === 'never') return 'nothing fails the gate (--fail-on never)';
  const reasons: string[] = [];
  if (open.some((f) => f.severity === 'warning') && report.failOn === 'error') reasons.push('warnings do not fail the gate (--fail-on error)');
  if (open.some((f) => f.baseline === 'existing') && !report.failOnExisting) reasons.push('findings that already existed in the base do not fail it (--fail-on-existing would)');
  return reasons.join('; ') || 'none fails the gate';
}

/** A cell of an evidence row as one line of text: strings as they are, anything else as JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The evidence row as `Column=value` pairs on one line (empty cells left out). */
export function rowText(row: Record<string, unknown>): string {
  return Object.entries(row)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${cellText(v).replace(/\s*[\r\n]+\s*/g, ' ')}`)
    .join(', ');
}

/** `new`, `existing`, `waived` and `waiver expires …` tags of a finding, for people. */
export function findingTags(finding: Finding): string[] {
  const tags: string[] = [];
  if (finding.baseline) tags.push(finding.baseline);
  if (finding.waiver) tags.push(finding.waiver.expires ? `waived until ${finding.waiver.expires}` : 'waived');
  return tags;
}

/** `3 findings (2 new, 1 waived)`; `no findings`. */
export function findingCountText(findings: readonly Finding[], total: number): string {
  if (total === 0) return 'no findings';
  const parts: string[] = [];
  const fresh = findings.filter((f) => f.baseline === 'new').length;
  const existing = findings.filter((f) => f.baseline === 'existing').length;
  const waived = findings.filter((f) => f.waiver).length;
  if (fresh) parts.push(`${fresh} new`);
  if (existing) parts.push(`${existing} existing`);
  if (waived) parts.push(`${waived} waived`);
  const noun = total === 1 ? 'finding' : 'findings';
  return parts.length ? `${total} ${noun} (${parts.join(', ')})` : `${total} ${noun}`;
}

/** `340 ms`, `2.4 s`, `1 min 5 s`. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** The one-line roll-up every human format ends with. */
export function rollUpText(report: CheckReport): string {
  const c = report.summary.checks;
  const f = report.summary.findings;
  const siteCount = groupBySite(report).length;
  const checks = `${report.checks.length} ${report.checks.length === 1 ? 'check' : 'checks'} on ${siteCount} ${siteCount === 1 ? 'site' : 'sites'}`;
  const statuses = `${c.pass} pass, ${c.fail} fail, ${c.warn} warn, ${c.error} error, ${c.skipped} skipped`;
  const counts = [`${f.error} ${f.error === 1 ? 'error' : 'errors'}`, `${f.warning} ${f.warning === 1 ? 'warning' : 'warnings'}`];
  if (report.baseline) counts.push(`${f.new} new`, `${f.existing} existing`, `${f.fixed} fixed`);
  if (f.waived) counts.push(`${f.waived} waived`);
  return `${checks}: ${statuses}; ${counts.join(', ')}`;
}

/** Whether the report's gate passed, failed on findings, or could not run everything. */
export type Verdict = 'pass' | 'fail' | 'error';

export function verdictOf(report: CheckReport): Verdict {
  if (report.exitCode === 0) return 'pass';
  return report.exitCode === 1 ? 'fail' : 'error';
}

/** Kinds that check BGP sessions (they declare `draws: 'bgp-sessions'`): a failure of one of these gets the session graph. */
export function isBgpKind(kind: string): boolean {
  return kindDraws(kind, 'bgp-sessions');
}

/** Shortens text to at most `max` characters, ending with `…` when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

// Control characters shown as escapes: one definition for every terminal and report (src/text.ts).
export { printable } from '../../text.js';
