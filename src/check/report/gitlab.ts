import { createHash } from 'node:crypto';
import type { CheckReport, Finding } from '../model.js';
import { anchorOf, clip, groupBySite, orderFindings, rowText, siteAnchor } from './common.js';

/** One entry of a GitLab Code Quality report (the subset of the Code Climate spec GitLab reads). */
export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
  /** Code Climate's issue type; GitLab ignores it, other Code Climate readers want it. */
  type: 'issue';
  categories: string[];
}

/**
 * Severity in GitLab's five levels: an error-severity finding is `critical` (it fails the gate),
 * a warning `minor`, and a waived finding `info` (accepted, kept visible).
 */
export function codeQualitySeverity(f: Finding): CodeQualityIssue['severity'] {
  if (f.waiver) return 'info';
  return f.severity === 'error' ? 'critical' : 'minor';
}

/**
 * The gate as a GitLab Code Quality report (a JSON array). GitLab compares it with the target
 * branch's report by fingerprint, so fixed findings are not listed: their absence is what marks
 * them fixed. GitLab needs a path and a line for every entry (it builds a link from both, and
 * stops reading the report at the first entry its schema refuses), so:
 *
 * - a finding without a line is on line 1 of its file, one without a file on line 1 of its
 *   site's first config file;
 * - what could not be analysed is listed too, as `blocker` (the gate cannot pass while it
 *   lasts): a site that could not be checked (on its first config file, else its folder), a
 *   check that could not run (on its site's first config file), and a gate that could not run
 *   at all (each mistake of the checks file at its line, else one entry on the checks file);
 *   their fingerprints come from what failed, not from the message, so GitLab sees the same
 *   problem as the same entry from run to run.
 *
 * Fingerprints are made unique within the report, since GitLab shows only the first entry of a
 * fingerprint.
 */
export function codeQualityIssues(report: CheckReport): CodeQualityIssue[] {
  const out: CodeQualityIssue[] = [...notAnalysed(report)];
  for (const f of orderFindings(report.findings)) {
    const anchor = anchorOf(f, report);
    const evidence = clip(rowText(f.row), 500);
    const tags = [f.waiver ? `waived: ${f.waiver.reason}` : '', anchor.isSite ? `site ${f.site}` : ''].filter(Boolean);
    out.push({
      description: `${f.check}: ${f.message}${tags.length ? ` (${tags.join('; ')})` : ''}${evidence ? ` [${evidence}]` : ''}`,
      check_name: f.kind,
      fingerprint: f.fingerprint,
      severity: codeQualitySeverity(f),
      location: { path: cleanPath(anchor.file), lines: { begin: anchor.line ?? 1 } },
      type: 'issue',
      categories: ['Bug Risk'],
    });
  }
  const seen = new Map<string, number>();
  return out.map((issue) => {
    const n = (seen.get(issue.fingerprint) ?? 0) + 1;
    seen.set(issue.fingerprint, n);
    return n === 1 ? issue : { ...issue, fingerprint: `${issue.fingerprint}#${n}` };
  });
}

/** Entries for what could not be analysed: the whole gate, a site, a check. */
function notAnalysed(report: CheckReport): CodeQualityIssue[] {
  const out: CodeQualityIssue[] = [];
  const entry = (fingerprintOf: unknown[], description: string, where: { file: string; line: number | null }): CodeQualityIssue => ({
    description,
    check_name: 'netq-check-error',
    fingerprint: createHash('sha256').update(JSON.stringify(fingerprintOf)).digest('hex').slice(0, 32),
    severity: 'blocker',
    location: { path: cleanPath(where.file), lines: { begin: where.line ?? 1 } },
    type: 'issue',
    categories: ['Bug Risk'],
  });
  if (report.error) {
    const e = report.error;
    for (const p of e.problems) out.push(entry(['checks-file', p.file, p.message], `netq check: ${p.message}`, { file: p.file, line: p.line }));
    if (e.problems.length === 0) {
      out.push(entry(['run', e.exitCode], `netq check could not run (exit ${e.exitCode}): ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`, { file: report.checksFile ?? '.', line: 1 }));
    }
  }
  for (const g of groupBySite(report)) {
    if (g.report?.error) out.push(entry(['site', g.site], `${g.site} could not be checked: ${g.report.error.message}`, siteAnchor(report, g.site)));
  }
  for (const c of report.checks.filter((x) => x.status === 'error')) {
    out.push(entry(['check', c.site, c.name], `${c.name}: could not run on ${c.site}: ${c.error?.message ?? 'unknown error'}`, siteAnchor(report, c.site)));
  }
  return out;
}

function cleanPath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** The Code Quality report as text (`artifacts:reports:codequality`). */
export function renderCheckGitlab(report: CheckReport): string {
  return `${JSON.stringify(codeQualityIssues(report), null, 2)}\n`;
}
