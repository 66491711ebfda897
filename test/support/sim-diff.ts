/**
 * How Batfish answers a question asked with a reference snapshot (batfish/batfish @ cba1873338ae):
 * `Answerer.answerDiff` by default asks both snapshots and joins the tables (`TableDiff.diffTables`);
 * routes (`RoutesAnswerer.answerDiff`) has its own table with `Entry_Presence`; and two questions
 * exist only in differential mode (differentialReachability, compareFilters), failing when asked
 * of one snapshot. Pure functions of answer elements, for the simulator.
 */

export interface Column {
  name: string;
  schema: string;
  isKey: boolean;
  isValue: boolean;
  description?: string;
}

type Row = Record<string, unknown>;
type Element = Record<string, unknown>;

const column = (name: string, schema: string, description: string, isKey: boolean, isValue: boolean): Column => ({
  description,
  isKey,
  isValue,
  name,
  schema,
});

/**
 * Differential-only questions: the message their `answer(snapshot)` throws, and their table
 * (TracerouteAnswerer.metadata(true), CompareFiltersAnswerer.metadata()).
 */
export const DIFFERENTIAL_ONLY: Record<string, { notDifferential: string; columns: Column[]; textDesc: string }> = {
  differentialreachability: {
    notDifferential: 'DifferentialReachabilityAnswerer can only be run in differential mode',
    columns: [
      column('Flow', 'Flow', 'The flow', true, false),
      column('Snapshot_Traces', 'Set<Trace>', 'The traces in the BASE snapshot', false, true),
      column('Snapshot_TraceCount', 'Integer', 'The total number traces in the BASE snapshot', false, true),
      column('Reference_Traces', 'Set<Trace>', 'The traces in the DELTA snapshot', false, true),
      column('Reference_TraceCount', 'Integer', 'The total number traces in the DELTA snapshot', false, true),
    ],
    textDesc: 'Paths for flow ${Flow}',
  },
  comparefilters: {
    // `String.format("%s can only be run in differential mode.", _question.getName())`
    notDifferential: 'compareFilters can only be run in differential mode.',
    columns: [
      column('Node', 'Node', 'Hostname.', true, false),
      column('Filter_Name', 'String', 'The filter name.', false, true),
      column('Line_Index', 'String', 'The index of the line in the current filter.', true, false),
      column('Line_Content', 'String', 'The current filter line content.', false, true),
      column('Line_Action', 'String', 'The current filter line action.', false, true),
      column('Reference_Line_Index', 'String', 'The index of the line in the reference filter.', false, true),
      column('Reference_Line_Content', 'String', 'The reference filter line content.', true, false),
    ],
    textDesc: 'Lines that change treat flows differently.',
  },
};

const ROUTE_ATTRIBUTES: Array<[string, string, string]> = [
  ['Next_Hop', 'NextHop', "Route's Next Hop"],
  ['Protocol', 'String', "Route's Protocol"],
  ['Metric', 'Long', "Route's Metric"],
  ['Admin_Distance', 'Long', "Route's Admin distance"],
  ['Tag', 'Long', 'Tag for this route'],
];

/** RoutesAnswerer.getDiffTableMetadata(MAIN). */
export const ROUTES_DIFF_COLUMNS: Column[] = [
  column('Node', 'Node', 'Node', true, false),
  column('VRF', 'String', 'VRF name', true, false),
  column('Network', 'Prefix', 'Network for this route', true, true),
  column('Entry_Presence', 'String', 'Presence of a Route for the given Network (Prefix)', false, true),
  ...ROUTE_ATTRIBUTES.flatMap(([name, schema, description]) => [
    column(`Snapshot_${name}`, schema, description, false, true),
    column(`Reference_${name}`, schema, description, false, true),
  ]),
];

function table(columnMetadata: Column[], rows: Row[], textDesc: string): Element {
  return {
    class: 'org.batfish.datamodel.table.TableAnswerElement',
    excludedRows: [],
    metadata: { columnMetadata, textDesc },
    rows,
    summary: { notes: `Found ${rows.length} results`, numFailed: 0, numPassed: 0, numResults: rows.length },
    warnings: [],
  };
}

/** An empty differential table of a differential-only question. */
export function emptyDifferential(question: string): Element | undefined {
  const shape = DIFFERENTIAL_ONLY[question.toLowerCase()];
  return shape && table(shape.columns, [], shape.textDesc);
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * `TableDiff.diffTables(snapshot, reference, includeOneTableKeys = true)`: the key columns
 * (isKey, not isValue), KeyPresence (a value), then Snapshot_X and Reference_X for every other
 * column (neither key nor value). A key in one table only is a row; a key in both is a row only
 * when the value columns differ.
 */
export function diffTables(current: Element, reference: Element): Element {
  const columns = (current.metadata as { columnMetadata: Column[] }).columnMetadata;
  const keys = columns.filter((c) => c.isKey);
  const others = columns.filter((c) => !c.isKey);
  const values = others.filter((c) => c.isValue);
  const keyOf = (row: Row): string => json(keys.map((k) => row[k.name] ?? null));
  const byKey = (rows: unknown): Map<string, Row[]> => {
    const map = new Map<string, Row[]>();
    for (const row of rows as Row[]) map.set(keyOf(row), [...(map.get(keyOf(row)) ?? []), row]);
    return map;
  };
  const build = (base: Row | undefined, delta: Row | undefined): Row => {
    const row: Row = Object.fromEntries(keys.map((k) => [k.name, (base ?? delta)![k.name] ?? null]));
    row.KeyPresence = !base ? 'Only in Reference' : !delta ? 'Only in Snapshot' : 'In both';
    for (const c of others) {
      row[`Snapshot_${c.name}`] = base?.[c.name] ?? null;
      row[`Reference_${c.name}`] = delta?.[c.name] ?? null;
    }
    return row;
  };
  const deltaMap = byKey(reference.rows);
  const baseKeys = new Set<string>();
  const rows: Row[] = [];
  for (const baseRow of current.rows as Row[]) {
    const key = keyOf(baseRow);
    baseKeys.add(key);
    const deltaRows = deltaMap.get(key);
    if (!deltaRows) {
      rows.push(build(baseRow, undefined));
      continue;
    }
    for (const deltaRow of deltaRows) {
      if (json(values.map((v) => baseRow[v.name])) !== json(values.map((v) => deltaRow[v.name]))) rows.push(build(baseRow, deltaRow));
    }
  }
  for (const deltaRow of reference.rows as Row[]) if (!baseKeys.has(keyOf(deltaRow))) rows.push(build(undefined, deltaRow));
  const columnMetadata: Column[] = [
    ...keys.map((k) => ({ ...k, isKey: true, isValue: false })),
    column('KeyPresence', 'String', 'In which table(s) is the key present', false, true),
    ...others.flatMap((c) => [
      { ...c, name: `Snapshot_${c.name}`, isKey: false, isValue: false },
      { ...c, name: `Reference_${c.name}`, isKey: false, isValue: false },
    ]),
  ];
  return table(columnMetadata, rows, `[${keys.map((k) => k.name).join(', ')}]`);
}

/**
 * The routes differential of the main RIB (`RoutesAnswererUtil.getRoutesDiff` and
 * `getAbstractRouteRowsDiff`): routes grouped by node, VRF and network, then by next hop and
 * protocol. A network whose routes are the same on both sides is left out; in one that changed,
 * each route is Only in Snapshot, Only in Reference, Changed (metric, admin distance or tag) or
 * Unchanged.
 */
export function diffRoutes(current: Element, reference: Element): Element {
  const group = (rows: unknown): Map<string, Map<string, Row>> => {
    const map = new Map<string, Map<string, Row>>();
    for (const row of rows as Row[]) {
      const key = json([row.Node, row.VRF, row.Network]);
      const secondary = json([row.Next_Hop, row.Protocol]);
      if (!map.has(key)) map.set(key, new Map());
      map.get(key)!.set(secondary, row);
    }
    return map;
  };
  const attributes = (row: Row | undefined): string => json(row && ['Metric', 'Admin_Distance', 'Tag'].map((a) => row[a]));
  const mine = group(current.rows);
  const theirs = group(reference.rows);
  const rows: Row[] = [];
  for (const key of new Set([...mine.keys(), ...theirs.keys()])) {
    const a = mine.get(key) ?? new Map<string, Row>();
    const b = theirs.get(key) ?? new Map<string, Row>();
    const same = a.size === b.size && [...a].every(([k, row]) => b.has(k) && attributes(row) === attributes(b.get(k)));
    if (same) continue;
    for (const secondary of new Set([...a.keys(), ...b.keys()])) {
      const base = a.get(secondary);
      const delta = b.get(secondary);
      const any = (base ?? delta)!;
      const row: Row = { Node: any.Node, VRF: any.VRF, Network: any.Network };
      row.Entry_Presence = !delta ? 'Only in Snapshot' : !base ? 'Only in Reference' : attributes(base) === attributes(delta) ? 'Unchanged' : 'Changed';
      for (const [name] of ROUTE_ATTRIBUTES) {
        row[`Snapshot_${name}`] = base?.[name] ?? null;
        row[`Reference_${name}`] = delta?.[name] ?? null;
      }
      rows.push(row);
    }
  }
  return table(ROUTES_DIFF_COLUMNS, rows, '');
}
