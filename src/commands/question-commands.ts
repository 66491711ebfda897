import { Command, Option, type CommandClass } from 'clipanion';
import type { NetqContext } from '../context.js';
import * as t from 'typanion';
import type { QuestionParameters } from '../batfish/question.js';
import { InputError } from '../errors.js';
import { DATAPLANE_QUESTIONS, HEADER_FIELDS, PATH_FIELDS, QUESTION_COMMANDS, flagOf, type QuestionCommandSpec } from '../questions/catalog.js';
import { SiteCommand } from './base.js';

const DATAPLANE_NOTE =
  'This question needs the data plane: the first answer for a snapshot waits while Batfish computes routes, which can take minutes on large networks (the spinner shows that phase).';
const EXIT_CODES = 'Exit codes: 0 ok, 2 bad command line, site or parameter, 3 Batfish failed or is unreachable, 4 Docker, 70 bug.';

/** Builds the command class for one catalogue entry: site flags plus one flag per template variable. */
export function questionCommand(spec: QuestionCommandSpec): CommandClass<NetqContext> {
  const needsDataplane = DATAPLANE_QUESTIONS.has(spec.template);
  class QuestionCommand extends SiteCommand {
    static override paths = [[spec.command]];
    static override usage = Command.Usage({
      category: spec.category,
      description: spec.description,
      details: [spec.details, needsDataplane ? DATAPLANE_NOTE : '', EXIT_CODES].filter(Boolean).join('\n\n'),
      examples: spec.examples,
    });

    // Options are class fields in clipanion; these are made per template variable, which clipanion
    // reads the same way from the instance.
    readonly #flags: Record<string, unknown> = this as unknown as Record<string, unknown>;

    constructor() {
      super();
      for (const flag of spec.flags) {
        this.#flags[`var:${flag.variable}`] =
          flag.kind === 'boolean'
            ? Option.Boolean(flagOf(flag), { description: flag.description })
            : flag.kind === 'integer'
              ? Option.String(flagOf(flag), { description: flag.description, validator: t.cascade(t.isNumber(), [t.isInteger()]) })
              : Option.String(flagOf(flag), { description: flag.description });
      }
      for (const h of spec.headers ? HEADER_FIELDS : []) this.#flags[`header:${h.field}`] = Option.String(h.flag, { description: h.description });
      for (const p of spec.paths ? PATH_FIELDS : []) this.#flags[`path:${p.field}`] = Option.String(p.flag, { description: p.description });
    }

    async run(): Promise<number> {
      return this.askAndPrint(spec.template, this.parameters());
    }

    parameters(): QuestionParameters {
      const parameters: QuestionParameters = {};
      for (const flag of spec.flags) parameters[flag.variable] = this.#flags[`var:${flag.variable}`];
      const headers = collect(this.#flags, 'header:', HEADER_FIELDS);
      if (spec.headers === 'required' && !headers) {
        throw new InputError(`${spec.command} needs a flow header`, {
          hint: `give at least one of ${HEADER_FIELDS.map((h) => h.flag).join(', ')}`,
        });
      }
      if (headers) parameters.headers = headers;
      const paths = collect(this.#flags, 'path:', PATH_FIELDS);
      if (paths) parameters.pathConstraints = paths;
      return parameters;
    }
  }
  Object.defineProperty(QuestionCommand, 'name', { value: `${spec.template}Command` });
  return QuestionCommand;
}

function collect(flags: Record<string, unknown>, prefix: string, fields: Array<{ field: string }>): Record<string, unknown> | undefined {
  const entries = fields.map((f) => [f.field, flags[`${prefix}${f.field}`]] as const).filter(([, v]) => v !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/** Every first-class question command. */
export const QUESTION_COMMAND_CLASSES = QUESTION_COMMANDS.map(questionCommand);
