import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table, recorded, spec, evaluate } from './check-kinds-fixture.js';

describe('check kinds: references and structures', () => {
  it('puts undefined references on their file and first line', () => {
    const answer = table('undefinedReferences', [
      { File_Name: 'configs/core-rtr01.cfg', Struct_Type: 'route-map', Ref_Name: 'RM-OUT', Context: 'bgp outbound route-map', Lines: { filename: 'configs/core-rtr01.cfg', lines: [44, 40] } },
    ]);
    const [draft, ...rest] = evaluate(spec('no-undefined-references'), [answer]);
    assert.equal(rest.length, 0);
    assert.equal(draft?.message, "route-map 'RM-OUT' is used (bgp outbound route-map) but not defined in configs/core-rtr01.cfg");
    assert.deepEqual(draft?.location, { file: 'regions/north_america/nyc/configs/core-rtr01.cfg', line: 40 });
    assert.deepEqual(draft?.keyValues, ['configs/core-rtr01.cfg', 'route-map', 'RM-OUT', 'bgp outbound route-map']);
    assert.deepEqual(evaluate(spec('no-undefined-references'), [table('undefinedReferences', [])]), []);
  });

  it('reports each unused structure of the recorded unit-tests answer, located, keyed without lines', () => {
    const answer = recorded('unusedStructures__unit-tests__all.json');
    const drafts = evaluate(spec('no-unused-structures'), [answer]);
    assert.equal(drafts.length, answer.rows.length);
    assert.equal(drafts.length, 245);
    assert.deepEqual(drafts[0], {
      message: "aaa server group tacacs+ 'tacacs' is defined but never used in configs/aaa_group_server_source_interface",
      row: {
        Structure_Type: 'aaa server group tacacs+',
        Structure_Name: 'tacacs',
        Source_Lines: { filename: 'configs/aaa_group_server_source_interface', lines: [4, 5] },
      },
      location: { file: 'regions/north_america/nyc/configs/aaa_group_server_source_interface', line: 4 },
      keyValues: ['aaa server group tacacs+', 'tacacs', 'configs/aaa_group_server_source_interface'],
    });
  });
});
