import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table, spec, evaluate, questionsOf, contextQuestionsOf, node, flow } from './check-kinds-fixture.js';

describe('check kinds: filters', () => {
  it("locates unreachable filter lines at the filter's definition when definedStructures says where", () => {
    const answer = table('filterLineReachability', [
      { Sources: ['edge-sw01: EDGE-IN'], Unreachable_Line: 'permit tcp any any eq 22', Unreachable_Line_Action: 'PERMIT', Blocking_Lines: ['deny ip any any'], Different_Action: true, Reason: 'BLOCKING_LINES' },
    ]);
    const defined = table('definedStructures', [
      { Structure_Type: 'ipv4 access-list extended', Structure_Name: 'EDGE-IN', Source_Lines: { filename: 'configs/edge-sw01.cfg', lines: [30, 31, 32] } },
      { Structure_Type: 'ipv4 access-list extended', Structure_Name: 'EDGE-IN', Source_Lines: { filename: 'configs/edge-sw02.cfg', lines: [7, 8] } },
    ]);
    const files = table('fileParseStatus', [
      { File_Name: 'configs/edge-sw01.cfg', Status: 'PASSED', Nodes: [node('edge-sw01')] },
      { File_Name: 'configs/edge-sw02.cfg', Status: 'PASSED', Nodes: [node('edge-sw02')] },
    ]);
    const check = spec('no-unreachable-filter-lines');
    const [located] = evaluate(check, [answer], [defined, files]);
    assert.equal(located?.message, "filter line 'permit tcp any any eq 22' of edge-sw01: EDGE-IN can never match (BLOCKING_LINES: deny ip any any)");
    assert.deepEqual(located?.location, { file: 'regions/north_america/nyc/configs/edge-sw01.cfg', line: 30 });
    // Two definitions of that name and no file map: no guess.
    assert.equal(evaluate(check, [answer], [defined, undefined])[0]?.location, null);
    assert.deepEqual(contextQuestionsOf(check).map((q) => q.question), ['definedStructures', 'fileParseStatus']);
  });

  it('filter-permits searches denied flows and filter-denies permitted ones, as the pybatfish asserts', () => {
    const permits = spec('filter-permits', { filters: 'EDGE-IN', headers: { dstIps: '10.9.9.9' } });
    const denies = spec('filter-denies', { filters: 'EDGE-IN', headers: { dstIps: '10.9.9.9' }, startLocation: 'edge-sw01' });
    assert.equal(questionsOf(permits)[0]?.parameters.action, 'deny');
    assert.deepEqual(questionsOf(denies)[0], {
      question: 'searchFilters',
      parameters: { filters: 'EDGE-IN', headers: { dstIps: '10.9.9.9' }, startLocation: 'edge-sw01', action: 'permit' },
    });
    const answer = table('searchFilters', [
      { Node: node('edge-sw01'), Filter_Name: 'EDGE-IN', Flow: flow('edge-sw01', '10.9.9.9'), Action: 'DENY', Line_Content: 'deny ip any any' },
    ]);
    const [draft] = evaluate(permits, [answer]);
    assert.equal(draft?.message, 'filter EDGE-IN on edge-sw01 denies start=edge-sw01 [10.0.0.5:49152->10.9.9.9:443 TCP] (deny ip any any)');
    // Batfish picks one example flow per filter: the identity is the filter, not the example.
    assert.deepEqual(draft?.keyValues, ['edge-sw01', 'EDGE-IN']);
    assert.deepEqual(evaluate(denies, [table('searchFilters', [])]), []);
  });
});
