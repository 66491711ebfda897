/**
 * The simulator's differential answers follow Batfish's (batfish/batfish @ cba1873338ae):
 * TableDiff.diffMetadata / diffTables, RoutesAnswererUtil.getRoutesDiff, and the tables of the
 * two differential-only questions. netq reads these columns from real Batfish; a simulator that
 * shaped them otherwise would let netq's readers pass here and break there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffRoutes, diffTables, emptyDifferential, type Column } from '../support/sim-diff.js';

const col = (name: string, isKey: boolean, isValue: boolean, schema = 'String'): Column => ({ name, schema, isKey, isValue, description: name });
const element = (columns: Column[], rows: Array<Record<string, unknown>>) => ({ metadata: { columnMetadata: columns }, rows });
type Table = { metadata: { columnMetadata: Column[]; textDesc: string }; rows: Array<Record<string, unknown>> };

describe('simulator: TableDiff as Batfish computes it', () => {
  // A key, a value column and a column that is neither (as bgpSessionStatus' Local_Interface).
  const columns = [col('Node', true, false, 'Node'), col('Status', false, true), col('Note', false, false)];

  it('keys first (not values), KeyPresence a value, then Snapshot_/Reference_ for every non-key column, neither key nor value', () => {
    const diff = diffTables(element(columns, []), element(columns, [])) as unknown as Table;
    assert.deepEqual(
      diff.metadata.columnMetadata.map((c) => [c.name, c.isKey, c.isValue]),
      [['Node', true, false], ['KeyPresence', false, true], ['Snapshot_Status', false, false], ['Reference_Status', false, false], ['Snapshot_Note', false, false], ['Reference_Note', false, false]],
    );
    assert.equal(diff.metadata.columnMetadata[1]!.description, 'In which table(s) is the key present');
    assert.equal(diff.metadata.textDesc, '[Node]');
  });

  it('a key in both is a row only when a value column differs; a key on one side is a row with nulls on the other', () => {
    const head = element(columns, [
      { Node: 'a', Status: 'UP', Note: 'new note' },
      { Node: 'b', Status: 'DOWN', Note: 'x' },
      { Node: 'c', Status: 'UP', Note: '' },
    ]);
    const base = element(columns, [
      { Node: 'a', Status: 'UP', Note: 'old note' },
      { Node: 'b', Status: 'UP', Note: 'x' },
      { Node: 'd', Status: 'UP', Note: '' },
    ]);
    const diff = diffTables(head, base) as unknown as Table;
    assert.deepEqual(diff.rows, [
      { Node: 'b', KeyPresence: 'In both', Snapshot_Status: 'DOWN', Reference_Status: 'UP', Snapshot_Note: 'x', Reference_Note: 'x' },
      { Node: 'c', KeyPresence: 'Only in Snapshot', Snapshot_Status: 'UP', Reference_Status: null, Snapshot_Note: '', Reference_Note: null },
      { Node: 'd', KeyPresence: 'Only in Reference', Snapshot_Status: null, Reference_Status: 'UP', Snapshot_Note: null, Reference_Note: '' },
    ]);
  });
});

describe('simulator: the routes differential (main RIB)', () => {
  const route = (network: string, nextHop: string, protocol: string, metric: number) => ({
    Node: { id: 'node-r1', name: 'r1' },
    VRF: 'default',
    Network: network,
    Next_Hop: { type: 'ip', ip: nextHop },
    Protocol: protocol,
    Metric: metric,
    Admin_Distance: 20,
    Tag: null,
  });
  it('leaves out networks whose routes are the same; in one that changed, every route is Only in Snapshot/Reference, Changed or Unchanged', () => {
    const head = element([], [route('10.0.0.0/24', '1.1.1.1', 'bgp', 0), route('10.0.1.0/24', '1.1.1.1', 'bgp', 0), route('10.0.1.0/24', '2.2.2.2', 'ibgp', 5), route('10.0.2.0/24', '1.1.1.1', 'bgp', 7)]);
    const base = element([], [route('10.0.0.0/24', '1.1.1.1', 'bgp', 0), route('10.0.1.0/24', '1.1.1.1', 'bgp', 0), route('10.0.1.0/24', '3.3.3.3', 'bgp', 0), route('10.0.2.0/24', '1.1.1.1', 'bgp', 0)]);
    const diff = diffRoutes(head, base) as unknown as Table;
    assert.deepEqual(diff.metadata.columnMetadata.slice(0, 6).map((c) => c.name), ['Node', 'VRF', 'Network', 'Entry_Presence', 'Snapshot_Next_Hop', 'Reference_Next_Hop']);
    assert.deepEqual(
      diff.rows.map((r) => [r.Network, r.Entry_Presence, (r.Snapshot_Next_Hop as { ip?: string } | null)?.ip ?? null, (r.Reference_Next_Hop as { ip?: string } | null)?.ip ?? null]),
      [
        ['10.0.1.0/24', 'Unchanged', '1.1.1.1', '1.1.1.1'],
        ['10.0.1.0/24', 'Only in Snapshot', '2.2.2.2', null],
        ['10.0.1.0/24', 'Only in Reference', null, '3.3.3.3'],
        ['10.0.2.0/24', 'Changed', '1.1.1.1', '1.1.1.1'],
      ],
    );
  });
});

describe('simulator: differential-only questions', () => {
  it('differentialReachability has Flow and both sides\u2019 traces; compareFilters has both lines, with Reference_Line_Content a key', () => {
    const reach = emptyDifferential('differentialReachability') as unknown as Table;
    assert.deepEqual(reach.metadata.columnMetadata.map((c) => c.name), ['Flow', 'Snapshot_Traces', 'Snapshot_TraceCount', 'Reference_Traces', 'Reference_TraceCount']);
    const filters = emptyDifferential('compareFilters') as unknown as Table;
    assert.deepEqual(
      filters.metadata.columnMetadata.map((c) => [c.name, c.isKey]),
      [['Node', true], ['Filter_Name', false], ['Line_Index', true], ['Line_Content', false], ['Line_Action', false], ['Reference_Line_Index', false], ['Reference_Line_Content', true]],
    );
    assert.equal(emptyDifferential('routes'), undefined);
  });
});
