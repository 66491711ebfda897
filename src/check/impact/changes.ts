/**
 * What a change does, read from Batfish's differential answers (snapshot = the head, or a fork of
 * it; reference = the base, or the head itself): flows whose outcome changes
 * (differentialReachability: Flow, Snapshot_Traces, Reference_Traces), routes gained, lost and
 * changed (the routes differential: Entry_Presence, Snapshot_X / Reference_X), rows of any table
 * that differ (TableDiff: KeyPresence, Snapshot_X / Reference_X) and filter lines that treat some
 * packet differently (compareFilters). Pure functions of the answers.
 */
import { isObject, type TableAnswer } from '../../batfish/answer.js';
import { BatfishAnswerError } from '../../errors.js';
import { flowText, traceText } from '../../render/flow-text.js';
import { toJsonValue, toText } from '../../render/index.js';

/** Dispositions Batfish counts as success (`actions: success`). */
export const SUCCESS_DISPOSITIONS = new Set(['ACCEPTED', 'DELIVERED_TO_SUBNET', 'EXITS_NETWORK']);

function need(answer: TableAnswer, names: string[], question: string): void {
  const missing = names.filter((n) => !answer.columns.some((c) => c.name === n));
  if (missing.length) {
    throw new BatfishAnswerError(`the ${question} answer has no column ${missing.join(', ')}`, {
      hint: `columns: ${answer.columns.map((c) => c.name).join(', ')}; netq reads Batfish's differential answer (asked with a reference snapshot)`,
    });
  }
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** The outcome of a flow's traces: its dispositions, `|`-joined (one trace each: `ACCEPTED`). */
export function outcomeOf(traces: unknown): string {
  const found = [...new Set(list(traces).filter(isObject).map((t) => str(t.disposition)).filter(Boolean))].sort();
  return found.length ? found.join('|') : 'NO_TRACE';
}

/** Whether an outcome is a success (every trace delivered). */
export function succeeds(outcome: string): boolean {
  return outcome.split('|').every((d) => SUCCESS_DISPOSITIONS.has(d));
}

/** Where a flow starts, as pybatfish writes it: `node` or `node[interface]`. */
export function startOf(flow: unknown): string {
  if (!isObject(flow)) return '';
  return flow.ingressInterface != null ? `${str(flow.ingressNode)}[${str(flow.ingressInterface)}]` : str(flow.ingressNode);
}

/** Flows of one start location whose outcome changed the same way. */
export interface FlowChange {
  /** `node` or `node[interface]`. */
  start: string;
  /** The outcome in the reference (before) and in the snapshot (after), e.g. `ACCEPTED` → `DENIED_IN`. */
  before: string;
  after: string;
  /** `lost`: delivered before, not now; `gained`: the other way; `changed`: neither side delivered, differently. */
  change: 'lost' | 'gained' | 'changed';
  /** How many example flows Batfish gave for this group. */
  flows: number;
  example: {
    /** The Flow as JSON. */
    flow: unknown;
    text: string;
    dstIp: string;
    srcIp: string;
    /** pybatfish's text of each trace, before and after. */
    before: string[];
    after: string[];
  };
  /** The trace steps of the example's traces (JSON), for locating what denies it. */
  afterTraces: unknown[];
}

/** The rows of a differentialReachability answer, grouped by start location and outcome change. */
export function flowChanges(answer: TableAnswer): FlowChange[] {
  need(answer, ['Flow', 'Snapshot_Traces', 'Reference_Traces'], 'differentialReachability');
  const groups = new Map<string, FlowChange>();
  for (const row of answer.rows) {
    const flow = row.Flow;
    const after = outcomeOf(row.Snapshot_Traces);
    const before = outcomeOf(row.Reference_Traces);
    const start = startOf(flow);
    const key = `${start}\u0000${before}\u0000${after}`;
    const known = groups.get(key);
    if (known) {
      known.flows++;
      continue;
    }
    const change = succeeds(before) && !succeeds(after) ? 'lost' : !succeeds(before) && succeeds(after) ? 'gained' : 'changed';
    groups.set(key, {
      start,
      before,
      after,
      change,
      flows: 1,
      example: {
        flow: toJsonValue('Flow', flow),
        text: flowText(flow),
        dstIp: isObject(flow) ? str(flow.dstIp) : '',
        srcIp: isObject(flow) ? str(flow.srcIp) : '',
        before: list(row.Reference_Traces).map(traceText),
        after: list(row.Snapshot_Traces).map(traceText),
      },
      afterTraces: list(row.Snapshot_Traces),
    });
  }
  return [...groups.values()].sort((a, b) => a.start.localeCompare(b.start) || a.before.localeCompare(b.before) || a.after.localeCompare(b.after));
}

/** One route side of the routes differential. */
export interface RouteSide {
  nextHop: string;
  protocol: string;
  metric: string;
  adminDistance: string;
}

export interface RouteChange {
  node: string;
  vrf: string;
  network: string;
  /** Batfish's Entry_Presence: `Only in Snapshot` (gained), `Only in Reference` (lost), `Changed`… */
  presence: string;
  change: 'gained' | 'lost' | 'changed';
  before: RouteSide | null;
  after: RouteSide | null;
}

/** The routes differential (RoutesAnswerer in differential mode, main RIB), rows that changed. */
export function routeChanges(answer: TableAnswer): RouteChange[] {
  need(answer, ['Node', 'VRF', 'Network', 'Entry_Presence'], 'routes');
  const cell = (row: Record<string, unknown>, name: string): string => {
    const column = answer.columns.find((c) => c.name === name);
    return column ? toText(column.schema, row[name]) : '';
  };
  const side = (row: Record<string, unknown>, prefix: 'Snapshot_' | 'Reference_'): RouteSide | null => {
    const s: RouteSide = {
      nextHop: cell(row, `${prefix}Next_Hop`),
      protocol: cell(row, `${prefix}Protocol`),
      metric: cell(row, `${prefix}Metric`),
      adminDistance: cell(row, `${prefix}Admin_Distance`),
    };
    return s.nextHop || s.protocol ? s : null;
  };
  const changes: RouteChange[] = [];
  for (const row of answer.rows) {
    const presence = cell(row, 'Entry_Presence');
    if (/^unchanged$/i.test(presence)) continue;
    const after = side(row, 'Snapshot_');
    const before = side(row, 'Reference_');
    const change = /only in snapshot/i.test(presence) || (!before && after) ? 'gained' : /only in reference/i.test(presence) || (before && !after) ? 'lost' : 'changed';
    changes.push({ node: cell(row, 'Node'), vrf: cell(row, 'VRF'), network: cell(row, 'Network'), presence, change, before, after });
  }
  return changes;
}

/** A row of a TableDiff answer (any table question asked with a reference). */
export interface RowChange {
  /** The key columns as text. */
  key: Record<string, string>;
  /** `In both`, `Only in Snapshot` (added), `Only in Reference` (removed). */
  presence: string;
  change: 'added' | 'removed' | 'changed';
  /** Value columns whose text differs: before (Reference_) and after (Snapshot_). */
  values: Array<{ column: string; before: string; after: string }>;
}

/** The rows of a TableDiff answer. */
export function tableChanges(answer: TableAnswer, question: string): RowChange[] {
  need(answer, ['KeyPresence'], question);
  const keys = answer.columns.filter((c) => c.isKey);
  const pairs = answer.columns
    .filter((c) => c.name.startsWith('Snapshot_'))
    .map((c) => ({ name: c.name.slice('Snapshot_'.length), after: c, before: answer.columns.find((r) => r.name === `Reference_${c.name.slice('Snapshot_'.length)}`) }));
  return answer.rows.map((row) => {
    const presence = str(row.KeyPresence);
    const values = pairs
      .map((p) => ({ column: p.name, after: toText(p.after.schema, row[p.after.name]), before: p.before ? toText(p.before.schema, row[p.before.name]) : '' }))
      .filter((v) => v.before !== v.after);
    return {
      key: Object.fromEntries(keys.map((k) => [k.name, toText(k.schema, row[k.name])])),
      presence,
      change: /only in snapshot/i.test(presence) ? 'added' : /only in reference/i.test(presence) ? 'removed' : 'changed',
      values,
    };
  });
}

/** A pair of filter lines, one on each side, that treat some packet differently (compareFilters). */
export interface FilterChange {
  node: string;
  filter: string;
  /** The head's line: its index in the filter (`End of ACL` for the implicit deny), text and action. */
  line: { index: string; content: string; action: string };
  reference: { index: string; content: string };
}

export function filterChanges(answer: TableAnswer): FilterChange[] {
  need(answer, ['Node', 'Filter_Name', 'Line_Index', 'Line_Content', 'Reference_Line_Index', 'Reference_Line_Content'], 'compareFilters');
  const cell = (row: Record<string, unknown>, name: string): string => {
    const column = answer.columns.find((c) => c.name === name);
    return column ? toText(column.schema, row[name]) : str(row[name]);
  };
  return answer.rows.map((row) => ({
    node: cell(row, 'Node'),
    filter: cell(row, 'Filter_Name'),
    line: { index: cell(row, 'Line_Index'), content: cell(row, 'Line_Content'), action: cell(row, 'Line_Action') },
    reference: { index: cell(row, 'Reference_Line_Index'), content: cell(row, 'Reference_Line_Content') },
  }));
}

/** Whether an IPv4 address is in a prefix (`10.0.0.0/8`) or equal to an address. */
export function ipIn(ip: string, prefix: string): boolean {
  const [net, lengthText] = prefix.trim().split('/');
  const a = ipv4(ip);
  const b = ipv4(net ?? '');
  if (a === undefined || b === undefined) return false;
  const length = lengthText === undefined ? 32 : Number(lengthText);
  if (!Number.isInteger(length) || length < 0 || length > 32) return false;
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0) >>> 0;
}
