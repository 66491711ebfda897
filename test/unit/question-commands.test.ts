import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cli } from 'clipanion';
import { createServices } from '../../src/app/services.js';
import { createCli } from '../../src/cli.js';
import { QUESTION_COMMAND_CLASSES } from '../../src/commands/question-commands.js';
import type { NetqContext } from '../../src/context.js';
import { HEADER_FIELDS, PATH_FIELDS, QUESTION_COMMANDS, flagOf } from '../../src/questions/catalog.js';

const context: NetqContext = { ...Cli.defaultContext, env: {}, colorDepth: 1, ...createServices({ env: {} }) };
const cli = await createCli();

/** The question a command line asks for, from the command's pure flags → request function. */
function questionsOf(argv: string[]): Array<{ question: string; parameters: Record<string, unknown> }> {
  const command = cli.process(argv, context);
  assert.ok('questions' in command && typeof command.questions === 'function', `${argv[0]} has no questions()`);
  return command.questions();
}

describe('question commands turn every flag into its template variable', () => {
  for (const spec of QUESTION_COMMANDS) {
    it(`${spec.command} → ${spec.template}`, () => {
      const argv = [spec.command];
      const expected: Record<string, unknown> = {};
      for (const flag of spec.flags) {
        if (flag.kind === 'boolean') {
          argv.push(flagOf(flag));
          expected[flag.variable] = true;
        } else if (flag.kind === 'integer') {
          argv.push(flagOf(flag), '7');
          expected[flag.variable] = 7;
        } else {
          argv.push(flagOf(flag), `value-of-${flag.variable}`);
          expected[flag.variable] = `value-of-${flag.variable}`;
        }
      }
      if (spec.headers) {
        for (const h of HEADER_FIELDS) argv.push(h.flag, `h-${h.field}`);
        expected.headers = Object.fromEntries(HEADER_FIELDS.map((h) => [h.field, `h-${h.field}`]));
      }
      if (spec.paths) {
        for (const p of PATH_FIELDS) argv.push(p.flag, `p-${p.field}`);
        expected.pathConstraints = Object.fromEntries(PATH_FIELDS.map((p) => [p.field, `p-${p.field}`]));
      }
      const [ask, ...more] = questionsOf(argv);
      assert.equal(more.length, 0);
      assert.equal(ask!.question, spec.template);
      const given = Object.fromEntries(Object.entries(ask!.parameters).filter(([, v]) => v !== undefined));
      assert.deepEqual(given, expected);
    });
  }

  it('leaves out every flag that was not given', () => {
    for (const spec of QUESTION_COMMANDS.filter((s) => !s.headers || s.headers === 'optional')) {
      const [ask] = questionsOf([spec.command]);
      assert.deepEqual(Object.entries(ask!.parameters).filter(([, v]) => v !== undefined), [], spec.command);
    }
  });

  it('has one command class per catalogue entry', () => {
    assert.deepEqual(
      QUESTION_COMMAND_CLASSES.map((c) => c.paths?.[0]?.[0]),
      QUESTION_COMMANDS.map((s) => s.command),
    );
  });

  it("lists a question command's own flags before the shared ones in --help", () => {
    const usage = cli.usage(QUESTION_COMMAND_CLASSES[0]!, { detailed: true });
    const at = (flag: string) => usage.indexOf(flag);
    assert.ok(at('--remote-nodes') > 0 && at('--status') > 0);
    for (const shared of ['--region', '--batfish-url', '--format', '--verbose']) assert.ok(at('--status') < at(shared), `--status before ${shared}`);
  });
});
