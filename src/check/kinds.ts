/**
 * The check kinds of `netq check`: for each, the Batfish question(s) it asks and how it turns the
 * answers into findings. Verdicts follow pybatfish's `assert_*` functions where one exists
 * (pybatfish/client/asserts.py), so a team moving from pybatfish gets the same pass/fail.
 * Everything here is pure: answers in, finding drafts out.
 */
import path from 'node:path';
import { isObject, type ColumnMetadata, type TableAnswer } from '../batfish/answer.js';
import type { QuestionTemplate } from '../batfish/question.js';
import { BatfishAnswerError } from '../errors.js';
import { jsonRows, toJsonValue, toText } from '../render/index.js';
import { flowText } from '../render/values.js';
import type { CheckSpec, FindingLocation, QuestionAsk, SessionEdge, Severity } from './model.js';

/** The site a check runs on, and where its files are as report paths give them. */
export interface SiteContext {
  /** `region/site`, or the snapshot folder as given. */
  site: string;
  /**
   * The site folder as report paths give it, `/`-separated: relative to the root of the git
   * repository that holds the site, else to the current folder (`regions/north_america/nyc`,
   * `.` for the root itself), or absolute when the folder is outside that root, so no report
   * path ever has a `..` segment. (The name is from when it was always relative to the current
   * folder; app/check-run.ts computes it.)
   */
  dirFromCwd: string;
}

/** What a kind reports for one failing row; the engine adds check, site, fingerprint, baseline. */
export interface FindingDraft {
  /** One line: what is wrong, on what. */
  message: string;
  /** The evidence row, cells as JSON values. */
  row: Record<string, unknown>;
  location: FindingLocation | null;
  /** The values that identify the finding across runs (never line numbers). */
  keyValues: string[];
  /** Only ever lowers the check's severity (partially recognised files are warnings). */
  severity?: Severity;
}

/** An option a kind reads itself (kebab-case, never sent to Batfish). */
export interface KindOption {
  name: string;
  type: 'boolean' | 'integer' | 'string' | 'string[]' | 'map';
  description: string;
  default?: unknown;
  required?: boolean;
  /** For `string` and `string[]`: the values accepted (compared case-insensitively). */
  allowed?: string[];
}

export interface CheckKind {
  kind: string;
  description: string;
  defaultSeverity: Severity;
  /** The template whose variables `with` takes; null for `question` (the template is a parameter). */
  template: string | null;
  /** The template variables `with` may set (the others are fixed by the kind). */
  variables: string[];
  /** Variables the kind needs although the template makes them optional. */
  requiredVariables?: string[];
  options: KindOption[];
  /** The pybatfish function the verdict matches, for docs and `--list`. */
  pybatfish?: string;
  /** The questions to ask; `evaluate` gets their answers in this order. */
  questions(spec: CheckSpec): QuestionAsk[];
  /** Questions that only add locations: when one fails the check still runs, without them. */
  contextQuestions?(spec: CheckSpec): QuestionAsk[];
  evaluate(
    spec: CheckSpec,
    answers: TableAnswer[],
    site: SiteContext,
    context: Array<TableAnswer | undefined>,
  ): FindingDraft[];
}

// ---------------------------------------------------------------- answer helpers

function column(answer: TableAnswer, name: string): ColumnMetadata | undefined {
  return answer.columns.find((c) => c.name === name);
}

/** The column or a BatfishAnswerError: a Batfish whose answer lacks it cannot be judged. */
function need(answer: TableAnswer, name: string, question: string): ColumnMetadata {
  const found = column(answer, name);
  if (!found) {
    throw new BatfishAnswerError(`the ${question} answer has no column ${name}`, {
      hint: `columns: ${answer.columns.map((c) => c.name).join(', ')}; this Batfish may be too old or too new for netq`,
    });
  }
  return found;
}

/** A cell as the table shows it ('' when absent or null). */
function text(answer: TableAnswer, row: Record<string, unknown>, name: string): string {
  const meta = column(answer, name);
  return meta ? toText(meta.schema, row[name]) : '';
}

function json(answer: TableAnswer, row: Record<string, unknown>, name: string): unknown {
  const meta = column(answer, name);
  return meta ? toJsonValue(meta.schema, row[name]) : null;
}

/** The row with cells converted as `--format json` prints them. */
function evidence(answer: TableAnswer, row: Record<string, unknown>): Record<string, unknown> {
  return jsonRows({ columns: answer.columns, rows: [row] })[0] ?? {};
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const isFileLinesSchema = (schema: string): boolean => /FileLines/i.test(schema);

/**
 * The row's identity for a fingerprint: the given columns (default: the answer's key columns) as
 * text. File-and-line cells contribute only their file names, so moving lines never changes it.
 */
function keyTexts(answer: TableAnswer, row: Record<string, unknown>, names?: string[]): string[] {
  const columns = names
    ? names.map((n) => column(answer, n)).filter((c): c is ColumnMetadata => c !== undefined)
    : answer.columns.filter((c) => c.isKey && c.name !== 'Line' && c.name !== 'Lines');
  return columns.map((c) =>
    isFileLinesSchema(c.schema) ? fileLinesOf(row[c.name]).map((f) => f.filename).join(', ') : toText(c.schema, row[c.name]),
  );
}

interface FileLines {
  filename: string;
  lines: number[];
}

/** FileLines or List<FileLines> cells as a list. */
function fileLinesOf(value: unknown): FileLines[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter(isObject).flatMap((v) =>
    typeof v.filename === 'string'
      ? [{ filename: v.filename, lines: Array.isArray(v.lines) ? v.lines.filter((l): l is number => typeof l === 'number') : [] }]
      : [],
  );
}

/**
 * A snapshot-relative file (`configs/r1.cfg`) as report paths give it (see SiteContext.dirFromCwd),
 * or null when the name Batfish gave cannot be a file of the site: one that climbs out of it
 * (`../../../../etc/passwd`), or holds control characters. Such a name never becomes a
 * report's location (a SARIF uri, an annotation's file), which readers would resolve outside the
 * repository.
 */
export function siteFile(site: SiteContext, file: string): string | null {
  const dir = site.dirFromCwd.replace(/\\/g, '/').replace(/\/+$/, '');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(file)) return null;
  const rel = path.posix.normalize(file.replace(/\\/g, '/').replace(/^\/+/, ''));
  if (rel === '.' || rel === '..' || rel.startsWith('../') || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return null;
  return dir === '' || dir === '.' ? rel : `${dir}/${rel}`;
}

/** A location on `file` of the site (see siteFile), or null when the name is not one. */
function fileLocation(site: SiteContext, file: string, line: number | null): FindingLocation | null {
  const inside = siteFile(site, file);
  // A line is a positive whole number (SARIF's startLine is at least 1); anything else: the file only.
  const valid = line !== null && Number.isSafeInteger(line) && line >= 1 ? line : null;
  return inside === null ? null : { file: inside, line: valid };
}

function locationOf(site: SiteContext, fileLines: FileLines | undefined): FindingLocation | null {
  if (!fileLines || fileLines.filename === '') return null;
  // reduce, not Math.min(...lines): a structure spanning 200 000 lines would overflow the stack.
  const line = fileLines.lines.length ? fileLines.lines.reduce((a, b) => Math.min(a, b)) : null;
  return fileLocation(site, fileLines.filename, line);
}

/**
 * Where a row points in the site's files, from the columns Batfish uses for that: `Lines`
 * (undefinedReferences), `Source_Lines` (initIssues, unusedStructures, parseWarning),
 * `Filename`/`Line` (parseWarning per line), `File_Name` (fileParseStatus).
 */
export function rowLocation(answer: TableAnswer, row: Record<string, unknown>, site: SiteContext): FindingLocation | null {
  for (const name of ['Lines', 'Source_Lines']) {
    if (column(answer, name)) {
      const found = locationOf(site, fileLinesOf(row[name])[0]);
      if (found) return found;
    }
  }
  for (const name of ['Filename', 'File_Name']) {
    const file = text(answer, row, name);
    if (file) {
      const line = row.Line;
      return fileLocation(site, file, typeof line === 'number' ? line : null);
    }
  }
  return null;
}

function firstLineOf(value: string, max = 160): string {
  const line = value.split(/\r?\n/).find((l) => l.trim().length > 0)?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The variables of `with` that the kind passes to Batfish (options stay with the kind). */
function given(spec: CheckSpec, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => spec.with[n] !== undefined).map((n) => [n, spec.with[n]]));
}

function option<T>(spec: CheckSpec, name: string, fallback: T): T {
  const value = spec.with[name];
  return value === undefined ? fallback : (value as T);
}

const vrfSuffix = (vrf: string): string => (vrf && vrf !== 'default' ? ` vrf ${vrf}` : '');

// ---------------------------------------------------------------- BGP sessions

/** Statuses of sessions that are fine (established, or compatible configuration). */
const SESSION_OK = new Set(['ESTABLISHED', 'UNIQUE_MATCH', 'DYNAMIC_MATCH']);
/** Statuses of sessions whose peer is outside the snapshot. */
const SESSION_EXTERNAL = new Set(['UNKNOWN_REMOTE', 'LOCAL_IP_UNKNOWN_STATICALLY']);
/** pybatfish's assert_no_incompatible_bgp_sessions ignores these when no status is given. */
const COMPATIBLE_BY_DEFAULT = ['UNIQUE_MATCH', 'DYNAMIC_MATCH', 'UNKNOWN_REMOTE'];
/** Batfish's ConfiguredSessionStatus values. */
const BGP_COMPAT_STATUSES = [
  'LOCAL_IP_UNKNOWN_STATICALLY', 'NO_LOCAL_IP', 'NO_LOCAL_AS', 'NO_REMOTE_IP', 'NO_REMOTE_PREFIX', 'NO_REMOTE_AS',
  'INVALID_LOCAL_IP', 'UNKNOWN_REMOTE', 'HALF_OPEN', 'MULTIPLE_REMOTES', 'UNIQUE_MATCH', 'DYNAMIC_MATCH', 'NO_MATCH_FOUND',
];

/** Identifies a BGP session across answers and findings: node, VRF and remote IP as text. */
export function bgpSessionKey(node: string, vrf: string, remoteIp: string): string {
  return `${node}\u0000${vrf}\u0000${remoteIp}`;
}

/** The sessions named by BGP findings (their rows carry Node, VRF and Remote_IP). */
export function failingSessionKeys(findings: Array<{ kind: string; row: Record<string, unknown> }>): Set<string> {
  const keys = new Set<string>();
  for (const f of findings) {
    if (!f.kind.startsWith('bgp-sessions-')) continue;
    const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
    keys.add(bgpSessionKey(str(f.row.Node), str(f.row.VRF), str(f.row.Remote_IP)));
  }
  return keys;
}

function bgpStatusColumn(answer: TableAnswer): string | undefined {
  return ['Established_Status', 'Configured_Status'].find((n) => column(answer, n));
}

/**
 * The sessions of a bgpSessionStatus or bgpSessionCompatibility answer for a picture: ok
 * (ESTABLISHED, UNIQUE_MATCH, DYNAMIC_MATCH), external (UNKNOWN_REMOTE,
 * LOCAL_IP_UNKNOWN_STATICALLY), otherwise broken; `failing` when its key is in `failingKeys`.
 */
export function bgpSessionEdges(answer: TableAnswer, failingKeys: ReadonlySet<string> = new Set()): SessionEdge[] {
  const statusColumn = bgpStatusColumn(answer);
  return answer.rows.map((row) => {
    const node = text(answer, row, 'Node');
    const remoteIp = text(answer, row, 'Remote_IP');
    const status = statusColumn ? text(answer, row, statusColumn) : '';
    return {
      node,
      remote: text(answer, row, 'Remote_Node') || remoteIp,
      status,
      state: SESSION_OK.has(status) ? 'ok' : SESSION_EXTERNAL.has(status) ? 'external' : 'broken',
      failing: failingKeys.has(bgpSessionKey(node, text(answer, row, 'VRF'), remoteIp)),
    };
  });
}

function bgpSessionDraft(answer: TableAnswer, row: Record<string, unknown>, status: string): FindingDraft {
  const node = text(answer, row, 'Node');
  const type = text(answer, row, 'Session_Type');
  // The remote node, when Batfish knows it, is in the evidence row; the IP is what configs name.
  return {
    message: `BGP session ${node}${vrfSuffix(text(answer, row, 'VRF'))} → ${text(answer, row, 'Remote_IP')}${type ? ` (${type})` : ''} is ${status}`,
    row: evidence(answer, row),
    location: null,
    keyValues: keyTexts(answer, row, ['Node', 'VRF', 'Remote_IP']),
  };
}

const bgpSessionsEstablished: CheckKind = {
  kind: 'bgp-sessions-established',
  description: 'BGP sessions that are compatible but not established (bgpSessionStatus NOT_ESTABLISHED)',
  defaultSeverity: 'error',
  template: 'bgpSessionStatus',
  variables: ['nodes', 'remoteNodes', 'type'],
  options: [],
  pybatfish: 'assert_no_unestablished_bgp_sessions',
  // Asked without a status filter and filtered here, so the same answer also draws the session
  // graph and serves other checks on the same nodes.
  questions: (spec) => [{ question: 'bgpSessionStatus', parameters: given(spec, ['nodes', 'remoteNodes', 'type']) }],
  evaluate: (_spec, [answer]) => {
    if (!answer) return [];
    need(answer, 'Established_Status', 'bgpSessionStatus');
    return answer.rows
      .filter((row) => text(answer, row, 'Established_Status') === 'NOT_ESTABLISHED')
      .map((row) => bgpSessionDraft(answer, row, 'NOT_ESTABLISHED'));
  },
};

const bgpSessionsCompatible: CheckKind = {
  kind: 'bgp-sessions-compatible',
  description: 'BGP sessions whose configuration does not match a peer (bgpSessionCompatibility)',
  defaultSeverity: 'error',
  template: 'bgpSessionCompatibility',
  variables: ['nodes', 'remoteNodes', 'status', 'type'],
  options: [
    {
      name: 'allowed-statuses',
      type: 'string[]',
      description:
        'Configured_Status values that pass (default UNIQUE_MATCH, DYNAMIC_MATCH, UNKNOWN_REMOTE; none when `status` is given, as pybatfish)',
      allowed: BGP_COMPAT_STATUSES,
    },
  ],
  pybatfish: 'assert_no_incompatible_bgp_sessions',
  questions: (spec) => [
    { question: 'bgpSessionCompatibility', parameters: given(spec, ['nodes', 'remoteNodes', 'status', 'type']) },
  ],
  evaluate: (spec, [answer]) => {
    if (!answer) return [];
    need(answer, 'Configured_Status', 'bgpSessionCompatibility');
    // pybatfish: with an explicit status every returned session fails; otherwise the usual
    // good statuses pass.
    const fallback = spec.with.status === undefined ? COMPATIBLE_BY_DEFAULT : [];
    const allowed = new Set(option<string[]>(spec, 'allowed-statuses', fallback).map((s) => s.toUpperCase()));
    return answer.rows
      .map((row) => ({ row, status: text(answer, row, 'Configured_Status') }))
      .filter(({ status }) => !allowed.has(status.toUpperCase()))
      .map(({ row, status }) => bgpSessionDraft(answer, row, status));
  },
};

// ---------------------------------------------------------------- OSPF

const ospfSessionsCompatible: CheckKind = {
  kind: 'ospf-sessions-compatible',
  description: 'OSPF adjacencies that would not come up (ospfSessionCompatibility status other than ESTABLISHED)',
  defaultSeverity: 'error',
  template: 'ospfSessionCompatibility',
  variables: ['nodes', 'remoteNodes'],
  options: [],
  pybatfish: 'assert_no_incompatible_ospf_sessions',
  questions: (spec) => [{ question: 'ospfSessionCompatibility', parameters: given(spec, ['nodes', 'remoteNodes']) }],
  evaluate: (_spec, [answer]) => {
    if (!answer) return [];
    need(answer, 'Session_Status', 'ospfSessionCompatibility');
    // pybatfish asks for statuses matching /^(?!ESTABLISHED).*$/; the same filter, applied here.
    return answer.rows
      .filter((row) => !text(answer, row, 'Session_Status').startsWith('ESTABLISHED'))
      .map((row) => {
        const local = text(answer, row, 'Interface');
        const remote = text(answer, row, 'Remote_Interface') || text(answer, row, 'Remote_IP');
        const area = text(answer, row, 'Area');
        return {
          message: `OSPF session ${local}${vrfSuffix(text(answer, row, 'VRF'))}${remote ? ` → ${remote}` : ''}${area ? ` (area ${area})` : ''} is ${text(answer, row, 'Session_Status')}`,
          row: evidence(answer, row),
          location: null,
          keyValues: keyTexts(answer, row, ['Interface', 'VRF', 'IP', 'Area']),
        };
      });
  },
};

// ---------------------------------------------------------------- parse health

const PARSE_WARNING = 'Parse warning';
const PARSE_ERROR = 'Parse error';
const CONVERT_ERROR = 'Convert error';

const parseClean: CheckKind = {
  kind: 'parse-clean',
  description:
    'config files Batfish could not parse (FAILED), or only partly (PARTIALLY_UNRECOGNIZED, warnings), and nodes it could not convert',
  defaultSeverity: 'error',
  template: null,
  variables: [],
  options: [
    { name: 'allow-partial', type: 'boolean', description: 'accept partially recognised files', default: false },
  ],
  questions: () => [
    { question: 'fileParseStatus', parameters: {} },
    { question: 'initIssues', parameters: {} },
  ],
  evaluate: (spec, [files, issues], site) => {
    if (!files || !issues) return [];
    need(files, 'Status', 'fileParseStatus');
    need(files, 'File_Name', 'fileParseStatus');
    const allowPartial = option(spec, 'allow-partial', false);
    // initIssues rows that name a file, so a file's finding can point at the offending line.
    const issuesOf = (file: string, type: string): Array<{ row: Record<string, unknown>; lines: FileLines }> =>
      issues.rows.flatMap((row) => {
        if (text(issues, row, 'Type') !== type) return [];
        const lines = fileLinesOf(row.Source_Lines).find((fl) => fl.filename === file);
        return lines ? [{ row, lines }] : [];
      });
    const drafts: FindingDraft[] = [];
    for (const row of files.rows) {
      const file = text(files, row, 'File_Name');
      const status = text(files, row, 'Status');
      if (status === 'FAILED') {
        const error = issuesOf(file, PARSE_ERROR)[0];
        const details = error ? firstLineOf(text(issues, error.row, 'Details')) : '';
        drafts.push({
          message: `${file} failed to parse${details ? `: ${details}` : ''}`,
          row: evidence(files, row),
          location: locationOf(site, error?.lines) ?? fileLocation(site, file, null),
          keyValues: ['FAILED', file],
        });
      } else if (status === 'PARTIALLY_UNRECOGNIZED' && !allowPartial) {
        const warnings = issuesOf(file, PARSE_WARNING);
        if (warnings.length === 0) {
          drafts.push({
            message: `${file} is only partially recognised`,
            row: evidence(files, row),
            location: fileLocation(site, file, null),
            keyValues: ['PARTIALLY_UNRECOGNIZED', file],
            severity: 'warning',
          });
        }
        for (const { row: issue, lines } of warnings) {
          const lineText = text(issues, issue, 'Line_Text');
          drafts.push({
            message: `${file}: Batfish does not recognise '${firstLineOf(lineText, 100)}'`,
            row: evidence(issues, issue),
            location: locationOf(site, lines),
            keyValues: ['PARTIALLY_UNRECOGNIZED', file, lineText],
            severity: 'warning',
          });
        }
      }
    }
    // A node that failed to convert is missing from every other answer: as bad as a failed parse.
    for (const row of issues.rows) {
      if (text(issues, row, 'Type') !== CONVERT_ERROR) continue;
      const nodes = text(issues, row, 'Nodes');
      const details = text(issues, row, 'Details');
      drafts.push({
        message: `${nodes || 'a node'} could not be converted: ${firstLineOf(details)}`,
        row: evidence(issues, row),
        location: rowLocation(issues, row, site),
        keyValues: ['CONVERT_ERROR', nodes, firstLineOf(details)],
      });
    }
    return drafts;
  },
};

// ---------------------------------------------------------------- references and structures

const noUndefinedReferences: CheckKind = {
  kind: 'no-undefined-references',
  description: 'references to structures that are not defined (undefinedReferences)',
  defaultSeverity: 'error',
  template: 'undefinedReferences',
  variables: ['nodes'],
  options: [],
  pybatfish: 'assert_no_undefined_references',
  questions: (spec) => [{ question: 'undefinedReferences', parameters: given(spec, ['nodes']) }],
  evaluate: (_spec, [answer], site) => {
    if (!answer) return [];
    return answer.rows.map((row) => ({
      message: `${text(answer, row, 'Struct_Type')} '${text(answer, row, 'Ref_Name')}' is used (${text(answer, row, 'Context')}) but not defined in ${text(answer, row, 'File_Name')}`,
      row: evidence(answer, row),
      location: rowLocation(answer, row, site),
      keyValues: keyTexts(answer, row, ['File_Name', 'Struct_Type', 'Ref_Name', 'Context']),
    }));
  },
};

const noUnusedStructures: CheckKind = {
  kind: 'no-unused-structures',
  description: 'structures that are defined but never used (unusedStructures)',
  defaultSeverity: 'warning',
  template: 'unusedStructures',
  variables: ['nodes'],
  options: [],
  questions: (spec) => [{ question: 'unusedStructures', parameters: given(spec, ['nodes']) }],
  evaluate: (_spec, [answer], site) => {
    if (!answer) return [];
    return answer.rows.map((row) => {
      const where = fileLinesOf(row.Source_Lines)[0]?.filename ?? '';
      return {
        message: `${text(answer, row, 'Structure_Type')} '${text(answer, row, 'Structure_Name')}' is defined but never used${where ? ` in ${where}` : ''}`,
        row: evidence(answer, row),
        location: rowLocation(answer, row, site),
        keyValues: keyTexts(answer, row),
      };
    });
  },
};

/**
 * Finds where a filter named in filterLineReachability's `Sources` ("node: acl1, acl2") is
 * defined: definedStructures gives each structure's file and lines, fileParseStatus which file
 * made which node. Only a definition that can be told apart is used.
 */
function filterDefinition(
  sources: string[],
  defined: TableAnswer | undefined,
  files: TableAnswer | undefined,
  site: SiteContext,
): FindingLocation | null {
  if (!defined || !column(defined, 'Structure_Name')) return null;
  for (const source of sources) {
    const match = /^(.*?):\s*(.+)$/.exec(source);
    if (!match) continue;
    const node = match[1]!.trim();
    const nodeFiles = files
      ? new Set(
          files.rows
            .filter((r) => listOf(json(files, r, 'Nodes')).some((n) => n === node))
            .map((r) => text(files, r, 'File_Name')),
        )
      : undefined;
    for (const name of match[2]!.split(',').map((s) => s.trim())) {
      const candidates = defined.rows
        .filter((r) => text(defined, r, 'Structure_Name') === name)
        .map((r) => fileLinesOf(r.Source_Lines)[0])
        .filter((fl): fl is FileLines => fl !== undefined)
        .filter((fl) => !nodeFiles || nodeFiles.has(fl.filename));
      if (candidates.length === 1) return locationOf(site, candidates[0]);
    }
  }
  return null;
}

const noUnreachableFilterLines: CheckKind = {
  kind: 'no-unreachable-filter-lines',
  description: 'filter (ACL) lines that can never match (filterLineReachability)',
  defaultSeverity: 'error',
  template: 'filterLineReachability',
  variables: ['filters', 'nodes', 'ignoreComposites'],
  options: [],
  pybatfish: 'assert_filter_has_no_unreachable_lines',
  questions: (spec) => [
    { question: 'filterLineReachability', parameters: given(spec, ['filters', 'nodes', 'ignoreComposites']) },
  ],
  // filterLineReachability names the filter but not where it is written; these two say where.
  contextQuestions: () => [
    { question: 'definedStructures', parameters: {} },
    { question: 'fileParseStatus', parameters: {} },
  ],
  evaluate: (_spec, [answer], site, [defined, files]) => {
    if (!answer) return [];
    return answer.rows.map((row) => {
      const sources = listOf(json(answer, row, 'Sources')).map(String);
      const blocking = text(answer, row, 'Blocking_Lines');
      const reason = text(answer, row, 'Reason');
      return {
        message:
          `filter line '${text(answer, row, 'Unreachable_Line')}' of ${sources.join('; ') || 'a filter'} can never match` +
          `${reason ? ` (${reason}${blocking ? `: ${blocking}` : ''})` : ''}`,
        row: evidence(answer, row),
        location: filterDefinition(sources, defined, files, site),
        keyValues: keyTexts(answer, row, ['Sources', 'Unreachable_Line']),
      };
    });
  },
};

// ---------------------------------------------------------------- forwarding and addresses

/** A flow's start and destination, the parts that stay when Batfish picks another example. */
function flowKey(flow: unknown): string[] {
  if (!isObject(flow)) return [JSON.stringify(flow)];
  const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  return [s(flow.ingressNode), s(flow.ingressInterface), s(flow.ingressVrf)];
}

function dispositionsOf(traces: unknown): string[] {
  const list = Array.isArray(traces) ? traces : [];
  return [...new Set(list.filter(isObject).map((t) => String(t.disposition ?? '')).filter(Boolean))].sort();
}

const noForwardingLoops: CheckKind = {
  kind: 'no-forwarding-loops',
  description: 'flows that loop (detectLoops)',
  defaultSeverity: 'error',
  template: 'detectLoops',
  variables: ['maxTraces'],
  options: [],
  pybatfish: 'assert_no_forwarding_loops',
  questions: (spec) => [{ question: 'detectLoops', parameters: given(spec, ['maxTraces']) }],
  evaluate: (_spec, [answer]) => {
    if (!answer) return [];
    need(answer, 'Flow', 'detectLoops');
    return answer.rows.map((row) => {
      const flow = row.Flow;
      const dstIp = isObject(flow) ? String(flow.dstIp ?? '') : '';
      return {
        message: `forwarding loop: ${flowText(flow)}`,
        row: evidence(answer, row),
        location: null,
        keyValues: [...flowKey(flow), dstIp],
      };
    });
  },
};

const noDuplicateIps: CheckKind = {
  kind: 'no-duplicate-ips',
  description: 'IP addresses owned by more than one interface (ipOwners duplicatesOnly=true)',
  defaultSeverity: 'error',
  template: 'ipOwners',
  variables: ['ips'],
  options: [],
  questions: (spec) => [{ question: 'ipOwners', parameters: { ...given(spec, ['ips']), duplicatesOnly: true } }],
  evaluate: (_spec, [answer]) => {
    if (!answer) return [];
    need(answer, 'IP', 'ipOwners');
    const owner = (row: Record<string, unknown>): string => `${text(answer, row, 'Node')}[${text(answer, row, 'Interface')}]`;
    return answer.rows.map((row) => {
      const ip = text(answer, row, 'IP');
      const others = answer.rows.filter((r) => r !== row && text(answer, r, 'IP') === ip).map(owner);
      return {
        message: `IP ${ip} on ${owner(row)}${vrfSuffix(text(answer, row, 'VRF'))} is also owned by ${others.join(', ') || 'another interface'}`,
        row: evidence(answer, row),
        location: null,
        keyValues: keyTexts(answer, row, ['Node', 'VRF', 'Interface', 'IP']),
      };
    });
  },
};

const ROUTER_ID_PROTOCOLS = ['bgp', 'ospf'];

function routerIdProtocols(spec: CheckSpec): string[] {
  const chosen = option<string[]>(spec, 'protocols', ROUTER_ID_PROTOCOLS).map((p) => p.toLowerCase());
  // A fixed order, so questions() and evaluate() agree whatever order the file lists them in.
  return ROUTER_ID_PROTOCOLS.filter((p) => chosen.includes(p));
}

const noDuplicateRouterIds: CheckKind = {
  kind: 'no-duplicate-router-ids',
  description: 'router IDs used by more than one BGP or OSPF process (bgpProcessConfiguration, ospfProcessConfiguration)',
  defaultSeverity: 'error',
  template: 'bgpProcessConfiguration',
  variables: ['nodes'],
  options: [
    { name: 'protocols', type: 'string[]', description: 'which processes to compare', default: ROUTER_ID_PROTOCOLS, allowed: ROUTER_ID_PROTOCOLS },
    {
      name: 'ignore-same-node',
      type: 'boolean',
      description: 'only report a router ID shared by different nodes (not by VRFs of one node)',
      default: false,
    },
  ],
  pybatfish: 'assert_no_duplicate_router_ids',
  questions: (spec) =>
    routerIdProtocols(spec).map((p) => ({ question: `${p}ProcessConfiguration`, parameters: given(spec, ['nodes']) })),
  evaluate: (spec, answers) => {
    const ignoreSameNode = option(spec, 'ignore-same-node', false);
    return routerIdProtocols(spec).flatMap((protocol, index) => {
      const answer = answers[index];
      if (!answer) return [];
      need(answer, 'Router_ID', `${protocol}ProcessConfiguration`);
      const rows = answer.rows.map((row) => ({ row, id: text(answer, row, 'Router_ID'), node: text(answer, row, 'Node') }));
      const byId = new Map<string, typeof rows>();
      for (const r of rows) if (r.id) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
      return rows.flatMap(({ row, id, node }) => {
        const group = byId.get(id) ?? [];
        // pybatfish's default: any two processes with one router ID; with ignore-same-node
        // (the intent its docstring gives), only IDs that more than one node uses.
        const duplicated = ignoreSameNode ? new Set(group.map((g) => g.node)).size > 1 : group.length > 1;
        if (!id || !duplicated) return [];
        const others = group.filter((g) => g.row !== row).map((g) => `${g.node}${vrfSuffix(text(answer, g.row, 'VRF'))}`);
        return [
          {
            message: `${protocol.toUpperCase()} router ID ${id} of ${node}${vrfSuffix(text(answer, row, 'VRF'))} is also used by ${[...new Set(others)].join(', ')}`,
            row: { Protocol: protocol.toUpperCase(), ...evidence(answer, row) },
            location: null,
            keyValues: [protocol, ...keyTexts(answer, row, ['Node', 'VRF', 'Process_ID', 'Router_ID'])],
          },
        ];
      });
    });
  },
};

// ---------------------------------------------------------------- flows and filters

const START_LOCATION: KindOption = {
  name: 'start-location',
  type: 'string',
  description: 'where the flows start (location specifier); sets pathConstraints.startLocation',
};

function reachabilityAsk(spec: CheckSpec, actions: string): QuestionAsk {
  const parameters = given(spec, ['headers', 'pathConstraints', 'ignoreFilters', 'maxTraces']);
  const start = spec.with['start-location'];
  if (start !== undefined) {
    const paths = isObject(parameters.pathConstraints) ? parameters.pathConstraints : {};
    parameters.pathConstraints = { ...paths, startLocation: start };
  }
  return { question: 'reachability', parameters: { ...parameters, actions } };
}

function flowsKind(kind: 'flows-succeed' | 'flows-fail'): CheckKind {
  const succeed = kind === 'flows-succeed';
  return {
    kind,
    description: succeed
      ? 'flows from a start location with given headers that fail (reachability actions=failure)'
      : 'flows from a start location with given headers that succeed (reachability actions=success)',
    defaultSeverity: 'error',
    template: 'reachability',
    variables: ['headers', 'pathConstraints', 'ignoreFilters', 'maxTraces'],
    requiredVariables: ['headers'],
    options: [START_LOCATION],
    pybatfish: succeed ? 'assert_flows_succeed' : 'assert_flows_fail',
    // pybatfish searches for the opposite outcome: any flow found is a counterexample.
    questions: (spec) => [reachabilityAsk(spec, succeed ? 'failure' : 'success')],
    evaluate: (_spec, [answer]) => {
      if (!answer) return [];
      need(answer, 'Flow', 'reachability');
      return answer.rows.map((row) => {
        const outcomes = dispositionsOf(row.Traces);
        return {
          message: `flow ${flowText(row.Flow)} ${succeed ? 'fails' : 'succeeds'}${outcomes.length ? ` (${outcomes.join(', ')})` : ''}`,
          row: evidence(answer, row),
          location: null,
          keyValues: [...flowKey(row.Flow), ...outcomes],
        };
      });
    },
  };
}

function filterKind(kind: 'filter-permits' | 'filter-denies'): CheckKind {
  const permits = kind === 'filter-permits';
  return {
    kind,
    description: permits
      ? 'filters that deny a flow they should permit (searchFilters action=deny)'
      : 'filters that permit a flow they should deny (searchFilters action=permit)',
    defaultSeverity: 'error',
    template: 'searchFilters',
    variables: ['filters', 'headers', 'startLocation', 'nodes'],
    requiredVariables: ['filters', 'headers'],
    options: [],
    pybatfish: permits ? 'assert_filter_permits' : 'assert_filter_denies',
    questions: (spec) => [
      {
        question: 'searchFilters',
        parameters: { ...given(spec, ['filters', 'headers', 'startLocation', 'nodes']), action: permits ? 'deny' : 'permit' },
      },
    ],
    evaluate: (_spec, [answer]) => {
      if (!answer) return [];
      return answer.rows.map((row) => {
        const line = text(answer, row, 'Line_Content');
        return {
          message: `filter ${text(answer, row, 'Filter_Name')} on ${text(answer, row, 'Node')} ${permits ? 'denies' : 'permits'} ${flowText(row.Flow)}${line ? ` (${line})` : ''}`,
          row: evidence(answer, row),
          location: null,
          // One example flow per filter; Batfish may pick another next time, so it is not key.
          keyValues: keyTexts(answer, row, ['Node', 'Filter_Name']),
        };
      });
    },
  };
}

// ---------------------------------------------------------------- routes and properties

const ROUTE_VARIABLES = ['nodes', 'network', 'prefixMatchType', 'protocols', 'vrfs', 'rib'];

function routeKind(kind: 'route-present' | 'route-absent'): CheckKind {
  const present = kind === 'route-present';
  return {
    kind,
    description: present
      ? 'a route that must be in the routing tables (routes: fails when none matches)'
      : 'a route that must not be in the routing tables (routes: each match fails)',
    defaultSeverity: 'error',
    template: 'routes',
    variables: ROUTE_VARIABLES,
    requiredVariables: ['network'],
    options: [],
    pybatfish: present ? 'assert_has_route' : 'assert_has_no_route',
    questions: (spec) => [{ question: 'routes', parameters: given(spec, ROUTE_VARIABLES) }],
    evaluate: (spec, [answer]) => {
      if (!answer) return [];
      const asked = given(spec, ROUTE_VARIABLES);
      const str = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
      if (present) {
        if (answer.rows.length > 0) return [];
        const scope = [
          `on ${str(asked.nodes) || 'any node'}`,
          asked.vrfs !== undefined ? `vrf ${str(asked.vrfs)}` : '',
          asked.protocols !== undefined ? `via ${str(asked.protocols)}` : '',
        ].filter(Boolean);
        return [
          {
            message: `no route to ${str(asked.network)} ${scope.join(' ')}`,
            // No answer row to show: the evidence is what was looked for.
            row: { ...asked },
            location: null,
            keyValues: ['network', str(asked.network), str(asked.nodes), str(asked.vrfs), str(asked.protocols)],
          },
        ];
      }
      const nextHop = ['Next_Hop', 'Next_Hop_IP', 'Next_Hop_Interface'].filter((n) => column(answer, n));
      return answer.rows.map((row) => {
        const hop = nextHop.map((n) => text(answer, row, n)).filter(Boolean).join(' ');
        return {
          message: `${text(answer, row, 'Node')}${vrfSuffix(text(answer, row, 'VRF'))} has a route to ${text(answer, row, 'Network')} via ${text(answer, row, 'Protocol') || 'unknown protocol'}${hop ? ` (${hop})` : ''}`,
          row: evidence(answer, row),
          location: null,
          keyValues: [...keyTexts(answer, row), text(answer, row, 'Protocol'), hop],
        };
      });
    },
  };
}

/** pybatfish's _assert_dict_subset: an expected map need only be a subset; anything else equal. */
function factMatches(actual: unknown, expected: unknown): boolean {
  if (isObject(expected)) {
    return isObject(actual) && Object.entries(expected).every(([k, v]) => k in actual && factMatches(actual[k], v));
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => factMatches(actual[i], v));
  }
  return actual === expected;
}

const nodeProperties: CheckKind = {
  kind: 'node-properties',
  description: 'node properties that differ from the expected values (nodeProperties, like pybatfish validate_facts)',
  defaultSeverity: 'error',
  template: 'nodeProperties',
  variables: ['nodes', 'properties'],
  options: [
    {
      name: 'expect',
      type: 'map',
      description: 'property name → expected value (as --format json prints it), for every node that `nodes` matches',
      required: true,
    },
  ],
  pybatfish: 'validate_facts',
  questions: (spec) => [{ question: 'nodeProperties', parameters: given(spec, ['nodes', 'properties']) }],
  evaluate: (spec, [answer]) => {
    if (!answer) return [];
    const expected = isObject(spec.with.expect) ? spec.with.expect : {};
    if (answer.rows.length === 0) {
      const nodes = typeof spec.with.nodes === 'string' ? spec.with.nodes : '.*';
      return [
        {
          message: `no node matches '${nodes}'`,
          row: { Node: null, Property: null, Expected: expected, Actual: null },
          location: null,
          keyValues: ['no-node', nodes],
        },
      ];
    }
    return answer.rows.flatMap((row) => {
      const node = text(answer, row, 'Node');
      return Object.entries(expected).flatMap(([property, want]): FindingDraft[] => {
        const present = column(answer, property) !== undefined;
        const actual = present ? json(answer, row, property) : null;
        if (present && factMatches(actual, want)) return [];
        return [
          {
            message: present
              ? `${node}: ${property} is ${JSON.stringify(actual)}, expected ${JSON.stringify(want)}`
              : `${node}: Batfish reports no property ${property} (expected ${JSON.stringify(want)})`,
            row: { Node: node, Property: property, Expected: want, Actual: actual },
            location: null,
            keyValues: [node, property],
          },
        ];
      });
    });
  },
};

// ---------------------------------------------------------------- any question

/** Key cells of a row as `Column=value`, for a one-line message. */
function rowSummary(answer: TableAnswer, row: Record<string, unknown>): string {
  const keys = answer.columns.filter((c) => c.isKey);
  const shown = (keys.length ? keys : answer.columns).slice(0, 4);
  return firstLineOf(shown.map((c) => `${c.name}=${toText(c.schema, row[c.name])}`).join(', '), 200);
}

const question: CheckKind = {
  kind: 'question',
  description: 'any Batfish question with its parameters, and how many rows it may return (expect: {rows: 0} by default)',
  defaultSeverity: 'error',
  template: null,
  variables: [],
  options: [
    { name: 'question', type: 'string', description: 'the question template, e.g. routes (netq questions lists them)', required: true },
    { name: 'parameters', type: 'map', description: "the template's parameters", default: {} },
  ],
  pybatfish: 'assert_zero_results / assert_num_results',
  questions: (spec) => [
    {
      question: String(spec.with.question),
      parameters: isObject(spec.with.parameters) ? spec.with.parameters : {},
    },
  ],
  evaluate: (spec, [answer], site) => {
    if (!answer) return [];
    const name = String(spec.with.question);
    const count = answer.rows.length;
    const expect = spec.expect ?? { rows: 0 };
    if (expect.minRows !== undefined) {
      if (count >= expect.minRows) return [];
      return [
        {
          message: `${name} returned ${count} row${count === 1 ? '' : 's'}, expected at least ${expect.minRows}`,
          row: { question: name, rows: count, minRows: expect.minRows },
          location: null,
          keyValues: ['min-rows'],
        },
      ];
    }
    const rows = expect.rows ?? 0;
    if (rows === 0) {
      // Each row is a problem of its own (pybatfish assert_zero_results), so each is a finding.
      return answer.rows.map((row) => ({
        message: `${name}: ${rowSummary(answer, row)}`,
        row: evidence(answer, row),
        location: rowLocation(answer, row, site),
        keyValues: keyTexts(answer, row),
      }));
    }
    if (count === rows) return [];
    return [
      {
        message: `${name} returned ${count} row${count === 1 ? '' : 's'}, expected ${rows}`,
        row: { question: name, rows: count, expected: rows },
        location: null,
        keyValues: ['rows'],
      },
    ];
  },
};

// ---------------------------------------------------------------- the catalogue

/** One parameter a kind takes in `with`: a question variable or one of the kind's own options. */
export interface KindParameter {
  name: string;
  source: 'variable' | 'option';
  /** For variables the template's type (`nodeSpec`, `headerConstraint`, ...); for options their type. */
  type: string;
  description: string;
  required: boolean;
  default?: unknown;
  allowed?: string[];
}

/**
 * The parameters `with` takes for a kind: the template variables it passes on (described by the
 * template) and its own options. For `question`, the template's parameters go under `parameters`.
 */
export function kindParameters(kind: CheckKind, templates: ReadonlyMap<string, QuestionTemplate>): KindParameter[] {
  const template = kind.template ? templates.get(kind.template.toLowerCase()) : undefined;
  const variables = kind.variables.flatMap((name): KindParameter[] => {
    const v = template?.variables[name];
    if (!v) return [];
    return [
      {
        name,
        source: 'variable',
        type: v.type,
        description: v.description,
        required: (kind.requiredVariables ?? []).includes(name) || (!v.optional && v.value === undefined),
        ...(v.value !== undefined ? { default: v.value } : {}),
        ...(v.allowed ? { allowed: v.allowed } : {}),
      },
    ];
  });
  const options = kind.options.map(
    (o): KindParameter => ({
      name: o.name,
      source: 'option',
      type: o.type,
      description: o.description,
      required: o.required === true,
      ...(o.default !== undefined ? { default: o.default } : {}),
      ...(o.allowed ? { allowed: o.allowed } : {}),
    }),
  );
  return [...variables, ...options];
}

/** Every check kind, in the order `netq check --list` shows them. */
export const CHECK_KINDS: readonly CheckKind[] = [
  parseClean,
  bgpSessionsEstablished,
  bgpSessionsCompatible,
  ospfSessionsCompatible,
  noUndefinedReferences,
  noUnusedStructures,
  noUnreachableFilterLines,
  noForwardingLoops,
  noDuplicateIps,
  noDuplicateRouterIds,
  flowsKind('flows-succeed'),
  flowsKind('flows-fail'),
  filterKind('filter-permits'),
  filterKind('filter-denies'),
  routeKind('route-present'),
  routeKind('route-absent'),
  nodeProperties,
  question,
];

const BY_NAME = new Map(CHECK_KINDS.map((k) => [k.kind, k]));

/** The kind of that name, or undefined. */
export function kindByName(name: string): CheckKind | undefined {
  return BY_NAME.get(name);
}
