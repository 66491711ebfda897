import type { CheckReport, CheckStatus, Finding, Severity, Waiver } from '../model.js';

/**
 * The `--format json` document of `netq check`. It is a contract for scripts: fields are only
 * ever added, never renamed or removed (`schemas/netq-check-report.schema.json` describes it).
 */
export interface CheckReportDocument {
  netqVersion: string;
  batfishVersion: string | null;
  failOn: CheckReport['failOn'];
  /** --fail-on-existing: with a base, existing findings fail the gate too. */
  failOnExisting: boolean;
  /** Why the gate could not run at all (exit 2, 3 or 4), or null; then sites, checks and findings are empty. */
  error: {
    message: string;
    exitCode: number;
    hint: string | null;
    problems: Array<{ file: string; line: number; column: number; message: string }>;
  } | null;
  /** The base compared against (--base-dir / --base-ref), or null. */
  baseline: { kind: 'dir' | 'ref'; value: string } | null;
  /** The exit code the gate ends with. */
  exitCode: number;
  summary: CheckReport['summary'];
  sites: Array<{
    site: string;
    region: string | null;
    dir: string;
    network: string | null;
    snapshot: string | null;
    error: { message: string; exitCode: number } | null;
  }>;
  checks: Array<{
    name: string;
    /** The check kind. */
    check: string;
    site: string;
    status: CheckStatus;
    severity: Severity;
    findings: number;
    durationMs: number;
    error: { message: string; exitCode: number } | null;
  }>;
  findings: FindingDocument[];
  fixed: FindingDocument[];
  expiredWaivers: Array<{ check: string; where: Record<string, string>; reason: string; expires: string | null }>;
}

export interface FindingDocument {
  /** The check's name. */
  check: string;
  /** The check's kind. */
  kind: string;
  site: string;
  severity: Severity;
  message: string;
  row: Record<string, unknown>;
  location: { file: string; line: number | null } | null;
  fingerprint: string;
  baseline: 'new' | 'existing' | null;
  waiver: { reason: string; expires: string | null } | null;
}

function findingDocument(f: Finding): FindingDocument {
  return {
    check: f.check,
    kind: f.kind,
    site: f.site,
    severity: f.severity,
    message: f.message,
    row: f.row,
    location: f.location ? { file: f.location.file, line: f.location.line } : null,
    fingerprint: f.fingerprint,
    baseline: f.baseline,
    waiver: f.waiver ? { reason: f.waiver.reason, expires: f.waiver.expires } : null,
  };
}

function waiverDocument(w: Waiver): CheckReportDocument['expiredWaivers'][number] {
  return { check: w.check, where: w.where, reason: w.reason, expires: w.expires ?? null };
}

/**
 * The report as its JSON document. Fields are copied one by one (not spread), so a field added
 * to the model for internal use never leaks into the contract unannounced.
 */
export function checkReportDocument(report: CheckReport): CheckReportDocument {
  return {
    netqVersion: report.netqVersion,
    batfishVersion: report.batfishVersion,
    failOn: report.failOn,
    failOnExisting: report.failOnExisting,
    error: report.error
      ? {
          message: report.error.message,
          exitCode: report.error.exitCode,
          hint: report.error.hint,
          problems: report.error.problems.map((p) => ({ file: p.file, line: p.line, column: p.column, message: p.message })),
        }
      : null,
    baseline: report.baseline ? { kind: report.baseline.kind, value: report.baseline.value } : null,
    exitCode: report.exitCode,
    summary: {
      checks: { ...report.summary.checks },
      findings: { ...report.summary.findings },
    },
    sites: report.sites.map((s) => ({
      site: s.site,
      region: s.region,
      dir: s.dir,
      network: s.network,
      snapshot: s.snapshot,
      error: s.error ? { message: s.error.message, exitCode: s.error.exitCode } : null,
    })),
    checks: report.checks.map((c) => ({
      name: c.name,
      check: c.kind,
      site: c.site,
      status: c.status,
      severity: c.severity,
      findings: c.findings,
      durationMs: Math.round(c.durationMs),
      error: c.error ? { message: c.error.message, exitCode: c.error.exitCode } : null,
    })),
    findings: report.findings.map(findingDocument),
    fixed: report.fixed.map(findingDocument),
    expiredWaivers: report.expiredWaivers.map(waiverDocument),
  };
}

/** Pretty JSON with a final newline, as every netq JSON output. */
export function renderCheckJson(report: CheckReport): string {
  return `${JSON.stringify(checkReportDocument(report), null, 2)}\n`;
}
