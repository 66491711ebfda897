import type { CheckReport, CheckResult, CheckStatus, Finding, RunError, SessionEdge, SiteReport } from '../../src/check/model.js';

/**
 * Hand-built `netq check` reports for the report-format tests: several sites, every status,
 * findings with and without a location, waived, new, existing and fixed ones, and text that
 * every format has to escape.
 */

/** A message with every character some format treats specially. */
export const NASTY = 'peer "10.0.0.2" <AS 65001> & 100% down, state: idle | `x` #1 \u0001\uFFFE end';

export function finding(overrides: Partial<Finding> & Pick<Finding, 'check' | 'kind' | 'site' | 'fingerprint'>): Finding {
  return {
    severity: 'error',
    message: `problem ${overrides.fingerprint}`,
    row: { Node: 'core-rtr01', Remote_IP: '10.10.3.2', Established_Status: 'NOT_ESTABLISHED' },
    location: null,
    baseline: null,
    waiver: null,
    ...overrides,
  };
}

export function check(overrides: Partial<CheckResult> & Pick<CheckResult, 'name' | 'kind' | 'site' | 'status'>): CheckResult {
  return { severity: 'error', findings: 0, durationMs: 120, error: null, questions: [], ...overrides };
}

function site(name: string, overrides: Partial<SiteReport> = {}): SiteReport {
  const [region = null] = name.split('/');
  return {
    site: name,
    region,
    dir: `regions/${name}`,
    firstConfig: `regions/${name}/configs/border01.cfg`,
    network: region,
    snapshot: `${name.split('/')[1]}-abc123`,
    error: null,
    sessions: null,
    ...overrides,
  };
}

export const NYC = 'north_america/nyc';
export const SFO = 'north_america/sfo';
export const LON = 'europe/lon';
export const BGP = 'core BGP sessions are up';

export const SESSIONS: SessionEdge[] = [
  { node: 'core-rtr01', remote: 'core-rtr02', status: 'ESTABLISHED', state: 'ok', failing: false },
  { node: 'core-rtr02', remote: 'core-rtr01', status: 'ESTABLISHED', state: 'ok', failing: false },
  { node: 'core-rtr01', remote: 'dist-rtr01', status: 'NOT_ESTABLISHED', state: 'broken', failing: true },
  { node: 'border01', remote: '104.34.34.34', status: 'UNKNOWN_REMOTE', state: 'external', failing: false },
];

type ReportInput = Omit<CheckReport, 'summary' | 'error' | 'failOnExisting' | 'checksFile'> & Partial<Pick<CheckReport, 'error' | 'failOnExisting' | 'checksFile'>>;

/** Recomputes the summary from checks and findings, so hand-made variants stay consistent. */
export function summarise(input: ReportInput): CheckReport {
  const report = { error: null, failOnExisting: false, checksFile: 'netq-checks.yaml', ...input };
  const checks = { pass: 0, fail: 0, warn: 0, error: 0, skipped: 0 } as Record<CheckStatus, number>;
  for (const c of report.checks) checks[c.status]++;
  const f = report.findings;
  return {
    ...report,
    summary: {
      checks,
      findings: {
        error: f.filter((x) => x.severity === 'error').length,
        warning: f.filter((x) => x.severity === 'warning').length,
        waived: f.filter((x) => x.waiver).length,
        new: f.filter((x) => x.baseline === 'new').length,
        existing: f.filter((x) => x.baseline === 'existing').length,
        fixed: report.fixed.length,
      },
    },
  };
}

/** The main example: nyc fails (BGP) and warns, one check errors, one is skipped; sfo passes;
 * lon could not be checked at all; compared with a git ref. */
export function sampleReport(): CheckReport {
  const findings: Finding[] = [
    finding({
      check: BGP,
      kind: 'bgp-sessions-established',
      site: NYC,
      fingerprint: 'fp-bgp-1',
      message: 'core-rtr01 → 10.10.3.2 (dist-rtr01) is NOT_ESTABLISHED',
      location: { file: 'regions/north_america/nyc/configs/core-rtr01.cfg', line: 42 },
      baseline: 'new',
    }),
    finding({
      check: 'no undefined references',
      kind: 'no-undefined-references',
      site: NYC,
      severity: 'warning',
      fingerprint: 'fp-undef-1',
      message: 'route-map EDGE-IN is used but not defined',
      row: { File_Name: 'configs/edge sw01.cfg', Struct_Type: 'route-map', Ref_Name: 'EDGE-IN', Lines: { filename: 'configs/edge sw01.cfg', lines: [7] } },
      location: { file: 'regions/north_america/nyc/configs/edge sw01.cfg', line: 7 },
      baseline: 'new',
    }),
    finding({
      check: BGP,
      kind: 'bgp-sessions-established',
      site: NYC,
      fingerprint: 'fp-bgp-2',
      message: NASTY,
      baseline: 'existing',
    }),
    finding({
      check: BGP,
      kind: 'bgp-sessions-established',
      site: NYC,
      fingerprint: 'fp-bgp-3',
      message: 'border01 → 104.34.34.34 is NOT_ESTABLISHED',
      location: { file: 'regions/north_america/nyc/configs/border01.cfg', line: null },
      baseline: 'existing',
      waiver: { reason: 'ISP side not in the snapshot, CHG-1234', expires: '2027-01-31' },
    }),
  ];
  const fixed: Finding[] = [
    finding({
      check: BGP,
      kind: 'bgp-sessions-established',
      site: NYC,
      fingerprint: 'fp-bgp-old',
      message: 'core-rtr02 → 10.10.4.2 was NOT_ESTABLISHED',
      location: { file: 'regions/north_america/nyc/configs/core-rtr02.cfg', line: 12 },
    }),
  ];
  const checks: CheckResult[] = [
    check({ name: 'parse health', kind: 'parse-clean', site: NYC, status: 'pass', durationMs: 80 }),
    check({ name: BGP, kind: 'bgp-sessions-established', site: NYC, status: 'fail', findings: 3, durationMs: 340 }),
    check({ name: 'no undefined references', kind: 'no-undefined-references', site: NYC, status: 'warn', severity: 'warning', findings: 1, durationMs: 95 }),
    check({
      name: 'no duplicate IPs',
      kind: 'no-duplicate-ips',
      site: NYC,
      status: 'error',
      durationMs: 2100,
      error: { message: 'Batfish work failed: ipOwners <question> & "answer" broke', exitCode: 3 },
    }),
    check({ name: 'ospf adjacencies', kind: 'ospf-sessions-compatible', site: NYC, status: 'skipped', durationMs: 0, error: { message: 'not for this site (sites: europe/*)', exitCode: 0 } }),
    check({ name: 'parse health', kind: 'parse-clean', site: SFO, status: 'pass', durationMs: 60 }),
    check({ name: BGP, kind: 'bgp-sessions-established', site: SFO, status: 'pass', durationMs: 70 }),
  ];
  return summarise({
    netqVersion: '0.1.0',
    batfishVersion: '2025.07.07.2423',
    failOn: 'error',
    baseline: { kind: 'ref', value: 'origin/main' },
    sites: [
      site(NYC, { sessions: SESSIONS }),
      site(SFO),
      site(LON, { snapshot: null, network: null, firstConfig: null, error: { message: 'no configs under regions/europe/lon/configs', exitCode: 2 } }),
    ],
    checks,
    findings,
    fixed,
    expiredWaivers: [{ check: BGP, where: { Remote_IP: '10.9.9.9' }, reason: 'old ISP link', expires: '2024-01-31' }],
    exitCode: 1,
  });
}

/** The same run without a base: no new/existing marks and nothing fixed. */
export function reportWithoutBase(): CheckReport {
  const r = sampleReport();
  return summarise({
    ...r,
    baseline: null,
    findings: r.findings.map((f) => ({ ...f, baseline: null })),
    fixed: [],
  });
}

/** Nothing found anywhere. */
export function passingReport(): CheckReport {
  return summarise({
    netqVersion: '0.1.0',
    batfishVersion: '2025.07.07.2423',
    failOn: 'error',
    baseline: null,
    sites: [site(SFO)],
    checks: [check({ name: 'parse health', kind: 'parse-clean', site: SFO, status: 'pass' })],
    findings: [],
    fixed: [],
    expiredWaivers: [],
    exitCode: 0,
  });
}

/** One check on one site with `count` new findings (for the caps of markdown and GitHub). */
export function floodReport(count: number, severity: 'error' | 'warning' = 'error'): CheckReport {
  const findings = Array.from({ length: count }, (_, i) =>
    finding({
      check: BGP,
      kind: 'bgp-sessions-established',
      site: NYC,
      severity,
      fingerprint: `fp-${i}`,
      message: `core-rtr${i} → 10.0.${Math.floor(i / 250)}.${i % 250} is NOT_ESTABLISHED`,
      location: { file: `regions/north_america/nyc/configs/core-rtr${i}.cfg`, line: i + 1 },
      baseline: i % 2 === 0 ? 'existing' : 'new',
    }),
  );
  return summarise({
    netqVersion: '0.1.0',
    batfishVersion: null,
    failOn: 'error',
    baseline: { kind: 'dir', value: '../base' },
    sites: [site(NYC)],
    checks: [check({ name: BGP, kind: 'bgp-sessions-established', site: NYC, status: severity === 'error' ? 'fail' : 'warn', severity, findings: count })],
    findings,
    fixed: [],
    expiredWaivers: [],
    exitCode: 1,
  });
}

/** A gate that could not run: a checks file with two mistakes (exit 2), or Batfish unreachable (exit 3). */
export function failedRunReport(exitCode: 2 | 3 = 2): CheckReport {
  const error: RunError =
    exitCode === 2
      ? {
          message: 'netq-checks.yaml has 2 problems',
          exitCode,
          hint: 'netq check --list shows the check kinds',
          problems: [
            { file: 'network/netq-checks.yaml', line: 4, column: 12, message: "unknown check kind 'bgp-sessions-establishd' <&>" },
            { file: 'network/netq-checks.yaml', line: 7, column: 5, message: 'unknown parameter ipz' },
          ],
        }
      : { message: 'Batfish is not reachable at http://127.0.0.1:9 (ECONNREFUSED)', exitCode, hint: 'check that Batfish is running', problems: [] };
  return summarise({ ...passingReport(), batfishVersion: null, sites: [], checks: [], error, exitCode });
}
