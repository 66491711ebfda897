import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { instantiateQuestion, parseTemplate, serializeQuestion } from '../../src/batfish/question.js';
import { InputError } from '../../src/errors.js';
import { FIXTURES_DIR } from '../support/recorded.js';

function template(folder: string, name: string) {
  const text = readFileSync(path.join(FIXTURES_DIR, 'batfish-questions', folder, `${name}.json`), 'utf8');
  return parseTemplate(text, name);
}

describe('question templates', () => {
  it('instantiates bgpSessionStatus as pybatfish does: new name, values set, placeholders kept', () => {
    const t = template('experimental', 'bgpSessionStatus');
    const q = instantiateQuestion(t, { nodes: 'as2.*', remoteNodes: undefined }, '__bgpSessionStatus_x');
    const instance = q.instance as { instanceName: string; variables: Record<string, { value?: unknown }> };
    assert.equal(instance.instanceName, '__bgpSessionStatus_x');
    assert.equal(instance.variables.nodes!.value, 'as2.*');
    assert.ok(!('value' in instance.variables.remoteNodes!));
    assert.equal(q.nodes, '${nodes}');
    assert.equal(q.differential, false);
    // The template itself is untouched.
    assert.ok(!('value' in (t.raw.instance as { variables: Record<string, object> }).variables.nodes!));
  });

  it('serialises with sorted keys, two-space indent and ASCII only', () => {
    const text = serializeQuestion({ b: 1, a: { d: [1, 'é'], c: null }, e: [] });
    assert.equal(text, '{\n  "a": {\n    "c": null,\n    "d": [\n      1,\n      "\\u00e9"\n    ]\n  },\n  "b": 1,\n  "e": []\n}');
    assert.deepEqual(JSON.parse(text), { a: { c: null, d: [1, 'é'] }, b: 1, e: [] });
  });

  it('rejects an unknown parameter and lists the valid ones', () => {
    const t = template('experimental', 'bgpSessionStatus');
    assert.throws(
      () => instantiateQuestion(t, { node: 'x' }, 'q'),
      (e: unknown) => e instanceof InputError && /no parameter 'node'/.test(e.message) && /nodes, remoteNodes, status, type/.test(e.hint ?? ''),
    );
  });

  it('requires required parameters, checks types and allowed values', () => {
    const traceroute = template('experimental', 'traceroute');
    assert.throws(() => instantiateQuestion(traceroute, {}, 'q'), /needs parameter 'headers'/);
    const ipOwners = template('stable', 'ipOwners');
    assert.throws(() => instantiateQuestion(ipOwners, { duplicatesOnly: 'yes' }, 'q'), /takes true or false/);
    const routes = template('stable', 'routes');
    assert.throws(() => instantiateQuestion(routes, { rib: 'nope' }, 'q'), /must be one of/);
    assert.doesNotThrow(() => instantiateQuestion(routes, { rib: 'BGP' }, 'q'));
  });

  it('reads every one of the 75 templates the server ships', () => {
    let count = 0;
    for (const folder of ['stable', 'experimental']) {
      for (const file of readdirSync(path.join(FIXTURES_DIR, 'batfish-questions', folder)).filter((f) => f.endsWith('.json'))) {
        const t = template(folder, file.replace(/\.json$/, ''));
        assert.equal(`${t.name}.json`, file);
        count++;
      }
    }
    assert.equal(count, 75);
  });
});

