import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { CheckReport, CheckResult, Finding, Severity } from '../model.js';
import { anchorOf, groupBySite, rowText } from './common.js';

/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer), following GitHub's supported
 * subset: one rule per check kind, every result with a `ruleId`, a `level`, a message whose first
 * sentence stands alone, and exactly one physical location.
 *
 * Findings without a file: GitHub rejects a whole upload when any result has no location
 * ("locationFromSarifResult: expected at least one location"), so such a finding points at its
 * site's folder (`regions/<region>/<site>`) without a region. The upload action then computes
 * no line hash for it (it skips directories and results without a line), so netq gives those
 * results a `primaryLocationLineHash` derived from the finding's own fingerprint: GitHub then
 * tracks them across runs instead of opening a new alert each time.
 *
 * With a base, results carry `baselineState` (new / unchanged) and the fixed findings are added
 * as `absent` results; waived and fixed results carry an accepted suppression, which GitHub
 * honours by closing the alert.
 */

export interface SarifOptions {
  /** A one-line description per check kind (rule `shortDescription`); built-in ones otherwise. */
  kindDescriptions?: Record<string, string>;
}

/** What each built-in kind checks, as a rule's short description. */
const KIND_DESCRIPTIONS: Record<string, string> = {
  'parse-clean': 'Batfish reads every configuration file completely',
  'bgp-sessions-established': 'Compatible BGP sessions are established',
  'bgp-sessions-compatible': 'BGP peers are configured compatibly',
  'ospf-sessions-compatible': 'OSPF adjacencies are configured compatibly',
  'no-undefined-references': 'No reference to an undefined structure',
  'no-unused-structures': 'No structure is defined but never used',
  'no-unreachable-filter-lines': 'Every filter line can match some packet',
  'no-forwarding-loops': 'No forwarding loops',
  'no-duplicate-ips': 'No IP address is owned by two interfaces',
  'no-duplicate-router-ids': 'No two routers share a router ID',
  'flows-succeed': 'The flows are delivered',
  'flows-fail': 'The flows are dropped',
  'filter-permits': 'The filter permits the traffic',
  'filter-denies': 'The filter denies the traffic',
  'route-present': 'The route is in the routing table',
  'route-absent': 'The route is not in the routing table',
  'node-properties': 'Node properties have their expected values',
  question: 'A Batfish question answers as expected',
};

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The SARIF log as a value (for tests and callers that add to it). */
export function checkReportSarif(report: CheckReport, options: SarifOptions = {}): Record<string, unknown> {
  const kinds = [...new Set([...report.checks.map((c) => c.kind), ...report.findings.map((f) => f.kind), ...report.fixed.map((f) => f.kind)])].sort();
  const ruleIndex = new Map(kinds.map((k, i) => [k, i]));
  const rules = kinds.map((kind) => rule(kind, report.checks.filter((c) => c.kind === kind), options));
  const results = [
    ...report.findings.map((f) => result(report, f, ruleIndex.get(f.kind)!, false)),
    // Fixed findings are only worth telling a SARIF consumer when it can tell them from open ones.
    ...(report.baseline ? report.fixed.map((f) => result(report, f, ruleIndex.get(f.kind)!, true)) : []),
  ];
  const notifications = notificationsOf(report, ruleIndex);
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: 'netq',
        version: report.netqVersion,
        ...(/^\d+\.\d+\.\d+/.test(report.netqVersion) ? { semanticVersion: report.netqVersion } : {}),
        rules,
      },
    },
    automationDetails: { id: 'netq-check/' },
    invocations: [
      {
        // The gate's verdict is in the exit code; "successful" means every check could run.
        executionSuccessful: report.checks.every((c) => c.status !== 'error') && report.sites.every((s) => !s.error),
        exitCode: report.exitCode,
        ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    columnKind: 'unicodeCodePoints',
    results,
    properties: {
      batfishVersion: report.batfishVersion,
      failOn: report.failOn,
      ...(report.baseline ? { baseline: report.baseline } : {}),
      summary: report.summary,
    },
  };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

/** The SARIF log as text, pretty-printed with a final newline. */
export function renderCheckSarif(report: CheckReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(checkReportSarif(report, options), null, 2)}\n`;
}

function rule(kind: string, checks: CheckResult[], options: SarifOptions): Record<string, unknown> {
  const description = options.kindDescriptions?.[kind] ?? KIND_DESCRIPTIONS[kind] ?? `netq check ${kind}`;
  // A kind used at both severities reports each result's own level; the default is the higher.
  const level: Severity = checks.length === 0 || checks.some((c) => c.severity === 'error') ? 'error' : 'warning';
  const names = [...new Set(checks.map((c) => c.name))].sort();
  return {
    id: kind,
    name: kind.replace(/(^|[-_\s]+)(\w)/g, (_, __: string, c: string) => c.toUpperCase()),
    shortDescription: { text: description },
    fullDescription: { text: `${description} (netq check kind ${kind}).` },
    help: {
      text: `netq check kind ${kind}.${names.length ? ` Checks of this kind in this run: ${names.join(', ')}.` : ''}`,
    },
    defaultConfiguration: { level },
    properties: { tags: ['netq', 'network-configuration'] },
  };
}

function result(report: CheckReport, f: Finding, ruleIndex: number, fixed: boolean): Record<string, unknown> {
  const anchor = anchorOf(f, report);
  const physicalLocation: Record<string, unknown> = {
    artifactLocation: artifactLocation(anchor.isSite ? withSlash(anchor.file) : anchor.file),
    ...(anchor.line !== null ? { region: { startLine: anchor.line } } : {}),
  };
  const partialFingerprints: Record<string, string> = { 'netqFingerprint/v1': f.fingerprint };
  if (anchor.line === null) partialFingerprints.primaryLocationLineHash = `${createHash('sha256').update(f.fingerprint).digest('hex').slice(0, 16)}:1`;
  const out: Record<string, unknown> = {
    ruleId: f.kind,
    ruleIndex,
    level: f.severity,
    // GitHub titles an alert with the first sentence: the finding's own message comes first.
    message: { text: `${f.message.replace(/\s+$/, '')}${/[.!?]$/.test(f.message.trim()) ? '' : '.'} Check "${f.check}" on ${f.site}.` },
    locations: [
      {
        physicalLocation,
        ...(anchor.isSite ? { message: { text: `No file was named for this finding; ${f.site} is where it was found.` } } : {}),
      },
    ],
    partialFingerprints,
    properties: {
      check: f.check,
      site: f.site,
      ...(Object.keys(f.row).length ? { evidence: rowText(f.row), row: f.row } : {}),
    },
  };
  if (report.baseline) out.baselineState = fixed ? 'absent' : f.baseline === 'existing' ? 'unchanged' : 'new';
  if (fixed) {
    // GitHub ignores baselineState and would show an `absent` result as an open alert; an
    // accepted suppression makes it close the alert instead, while viewers that read
    // baselineState show it as fixed.
    out.suppressions = [{ kind: 'external', status: 'accepted', justification: 'fixed: no longer found after this change' }];
  } else if (f.waiver) {
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

function withSlash(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

/** Checks and sites that could not run, as tool notifications (they have no result to carry them). */
function notificationsOf(report: CheckReport, ruleIndex: Map<string, number>): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
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
