import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECK_KINDS, kindByName, kindParameters, siteFile } from '../../src/check/kinds/index.js';
import { variableNames } from '../../src/check/kinds/types.js';
import { bundledTemplates } from '../../src/questions/bundled.js';
import { SITE, spec, questionsOf } from './check-kinds-fixture.js';

describe('check kinds: catalogue', () => {
  it('has every kind of issue 8 once, each with a question and a description', () => {
    assert.deepEqual(
      CHECK_KINDS.map((k) => k.kind),
      [
        'parse-clean', 'bgp-sessions-established', 'bgp-sessions-compatible', 'ospf-sessions-compatible',
        'no-undefined-references', 'no-unused-structures', 'no-unreachable-filter-lines', 'no-forwarding-loops',
        'no-duplicate-ips', 'no-duplicate-router-ids', 'flows-succeed', 'flows-fail', 'filter-permits', 'filter-denies',
        'route-present', 'route-absent', 'node-properties', 'parse-coverage',
        'no-reachability-change', 'survives-single-failure', 'filter-change-limited-to', 'question',
      ],
    );
    for (const kind of CHECK_KINDS) assert.ok(kind.description.length > 10, kind.kind);
    assert.equal(kindByName('no-unused-structures')?.defaultSeverity, 'warning');
    assert.equal(kindByName('parse-clean')?.defaultSeverity, 'error');
  });

  it('takes only variables its bundled template has, and lists them with its own options', async () => {
    const templates = await bundledTemplates();
    for (const kind of CHECK_KINDS) {
      if (!kind.template) continue;
      const template = templates.get(kind.template.toLowerCase());
      assert.ok(template, `${kind.kind}: no template ${kind.template}`);
      for (const v of variableNames(kind)) assert.ok(template.variables[v], `${kind.kind}: ${kind.template} has no variable ${v}`);
      for (const q of questionsOf(spec(kind.kind, { network: '10.0.0.0/8', headers: {}, filters: 'x', expect: { A: 1 } }))) {
        assert.ok(templates.has(q.question.toLowerCase()), `${kind.kind} asks unknown ${q.question}`);
      }
    }
    const flows = kindParameters(kindByName('flows-succeed')!, templates);
    assert.deepEqual(flows.map((p) => `${p.source}:${p.name}${p.required ? '!' : ''}`), [
      'variable:headers!', 'variable:pathConstraints', 'variable:ignoreFilters', 'variable:maxTraces', 'option:start-location',
    ]);
  });
});

describe('check kinds: paths', () => {
  it('maps snapshot paths to paths from the current folder', () => {
    assert.equal(siteFile(SITE, 'configs/core-rtr01.cfg'), 'regions/north_america/nyc/configs/core-rtr01.cfg');
    assert.equal(siteFile({ site: 'x', dirFromCwd: '.' }, 'configs/r1'), 'configs/r1');
    assert.equal(siteFile({ site: 'x', dirFromCwd: 'snap/' }, './configs/r1'), 'snap/configs/r1');
  });
});
