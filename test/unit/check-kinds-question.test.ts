import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableAnswer } from '../../src/batfish/answer.js';
import { table, recorded, spec, evaluate, questionsOf } from './check-kinds-fixture.js';

describe('check kinds: any question', () => {
  const routes = recorded('routes__dc-as-reuse__all.json');
  // Batfish filters by network itself; the recorded answer holds every route, so pick as it would.
  const routesTo = (network: string): TableAnswer => ({ ...routes, rows: routes.rows.filter((r) => r.Network === network) });

  it('question expects no rows by default and reports each row, located when the row says where', () => {
    const answer = table('undefinedReferences', [
      { File_Name: 'configs/a.cfg', Struct_Type: 'acl', Ref_Name: 'X', Context: 'interface', Lines: { filename: 'configs/a.cfg', lines: [7] } },
    ]);
    const check = spec('question', { question: 'undefinedReferences', parameters: { nodes: 'a' } });
    assert.deepEqual(questionsOf(check), [{ question: 'undefinedReferences', parameters: { nodes: 'a' } }]);
    const drafts = evaluate(check, [answer]);
    assert.deepEqual(drafts.map((d) => [d.message, d.location]), [
      ['undefinedReferences: File_Name=configs/a.cfg, Struct_Type=acl, Ref_Name=X, Context=interface', { file: 'regions/north_america/nyc/configs/a.cfg', line: 7 }],
    ]);
  });

  it('question checks rows and min-rows', () => {
    const two = routesTo('2.0.0.0/31');
    const count = two.rows.length;
    const ask = { question: 'routes', parameters: {} };
    assert.deepEqual(evaluate(spec('question', ask, { expect: { rows: count } }), [two]), []);
    assert.deepEqual(evaluate(spec('question', ask, { expect: { rows: count + 1 } }), [two]).map((d) => d.message), [
      `routes returned ${count} row${count === 1 ? '' : 's'}, expected ${count + 1}`,
    ]);
    assert.deepEqual(evaluate(spec('question', ask, { expect: { minRows: count } }), [two]), []);
    assert.deepEqual(evaluate(spec('question', ask, { expect: { minRows: 500 } }), [two]).map((d) => d.keyValues), [['min-rows']]);
  });
});
