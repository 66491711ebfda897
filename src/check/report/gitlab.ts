import type { CheckReport, Finding } from '../model.js';
import { anchorOf, clip, orderFindings, rowText } from './common.js';

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
 * The current findings as a GitLab Code Quality report (a JSON array). GitLab compares it with
 * the target branch's report by fingerprint, so fixed findings are not listed: their absence is
 * what marks them fixed. A finding without a file points at its site's folder, line 1 (GitLab
 * needs a path and a line for every entry). Fingerprints are made unique within the report,
 * since GitLab shows only the first entry of a fingerprint.
 */
export function codeQualityIssues(report: CheckReport): CodeQualityIssue[] {
  const seen = new Map<string, number>();
  return orderFindings(report.findings).map((f) => {
    const anchor = anchorOf(f, report);
    const n = (seen.get(f.fingerprint) ?? 0) + 1;
    seen.set(f.fingerprint, n);
    const evidence = clip(rowText(f.row), 500);
    const tags = [f.waiver ? `waived: ${f.waiver.reason}` : '', anchor.isSite ? `site ${f.site}` : ''].filter(Boolean);
    return {
      description: `${f.check}: ${f.message}${tags.length ? ` (${tags.join('; ')})` : ''}${evidence ? ` [${evidence}]` : ''}`,
      check_name: f.kind,
      fingerprint: n === 1 ? f.fingerprint : `${f.fingerprint}#${n}`,
      severity: codeQualitySeverity(f),
      location: { path: anchor.file.replace(/\\/g, '/').replace(/^\.\//, ''), lines: { begin: anchor.line ?? 1 } },
      type: 'issue',
      categories: ['Bug Risk'],
    };
  });
}

/** The Code Quality report as text (`artifacts:reports:codequality`). */
export function renderCheckGitlab(report: CheckReport): string {
  return `${JSON.stringify(codeQualityIssues(report), null, 2)}\n`;
}
