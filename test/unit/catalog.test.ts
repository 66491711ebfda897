import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseTemplate } from '../../src/batfish/question.js';
import { DATAPLANE_QUESTIONS, QUESTION_COMMANDS, flagOf } from '../../src/questions/catalog.js';
import { FIXTURES_DIR } from '../support/recorded.js';

function served(name: string) {
  for (const folder of ['stable', 'experimental']) {
    try {
      return parseTemplate(readFileSync(path.join(FIXTURES_DIR, 'batfish-questions', folder, `${name}.json`), 'utf8'), name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`no template ${name}`);
}

describe('question command catalogue', () => {
  it('no question flag shadows a flag every site command has', async () => {
    const { runNetq } = await import('../support/harness.js');
    const help = (await runNetq(['sites', '--help'])).stdout + (await runNetq(['ask', '--help'])).stdout;
    const shared = new Set([...help.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]));
    for (const spec of QUESTION_COMMANDS) {
      for (const flag of spec.flags) assert.ok(!shared.has(flagOf(flag)) || flagOf(flag) === '--nodes', `${spec.command}: ${flagOf(flag)} is already a netq flag`);
    }
  });

  for (const spec of QUESTION_COMMANDS) {
    it(`${spec.command} maps onto real variables of ${spec.template}`, () => {
      const template = served(spec.template);
      for (const flag of spec.flags) {
        const variable = template.variables[flag.variable];
        assert.ok(variable, `${flagOf(flag)}: ${spec.template} has no variable ${flag.variable}`);
        if (flag.kind === 'boolean') assert.equal(variable.type, 'boolean', `${flagOf(flag)} is a switch but ${flag.variable} is ${variable.type}`);
        if (flag.kind === 'integer') assert.equal(variable.type, 'integer');
      }
      if (spec.headers) {
        assert.equal(template.variables.headers?.type, 'headerConstraint');
        assert.equal(spec.headers === 'required', !template.variables.headers!.optional);
      }
      if (spec.paths) assert.equal(template.variables.pathConstraints?.type, 'pathConstraint');
      assert.equal(DATAPLANE_QUESTIONS.has(spec.template), template.tags.includes('dataplane'), `${spec.template}: data-plane flag and tags disagree`);
    });
  }
});
