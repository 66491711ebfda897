import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledTemplate, bundledTemplates } from '../../src/questions/bundled.js';

const QUESTIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../questions');

describe('bundled question templates', () => {
  // bundledTemplate reads one file, found by name: that only works if every file is named after its template.
  it('names every template file after the template it holds', () => {
    for (const folder of ['stable', 'experimental']) {
      for (const file of readdirSync(path.join(QUESTIONS, folder)).filter((f) => f.endsWith('.json'))) {
        const json = JSON.parse(readFileSync(path.join(QUESTIONS, folder, file), 'utf8')) as { instance: { instanceName: string } };
        assert.equal(`${json.instance.instanceName}.json`, file, `${folder}/${file}`);
      }
    }
  });

  // Before anything loads them all (the process-wide cache), so the one-file path is the one tested.
  it('finds one template by name in any case, reading its own file, the same as the full load', async () => {
    const one = await bundledTemplate('BGPSESSIONSTATUS');
    const experimental = await bundledTemplate('bgpPeerConfiguration');
    assert.equal(await bundledTemplate('noSuchQuestion'), undefined);
    const all = await bundledTemplates();
    assert.equal(all.size, readdirSync(path.join(QUESTIONS, 'stable')).length + readdirSync(path.join(QUESTIONS, 'experimental')).length);
    assert.deepEqual(one, all.get('bgpsessionstatus'));
    assert.equal(one?.name, 'bgpSessionStatus');
    assert.deepEqual(experimental, all.get('bgppeerconfiguration'));
    // Once everything is loaded, lookups come from it.
    assert.equal(await bundledTemplate('bgpsessionstatus'), all.get('bgpsessionstatus'));
  });
});
