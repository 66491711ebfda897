import { Command, Option } from 'clipanion';
import * as t from 'typanion';
import { ExitCode, InputError } from '../errors.js';
import { DATAPLANE_QUESTIONS } from '../questions/catalog.js';
import { OUTPUT_FORMATS, renderJson, renderText } from '../render/index.js';
import type { QuestionAsk, QuestionParameters, QuestionTemplate } from '../app/site-run.js';
import { serverTemplate, serverTemplates } from '../app/templates.js';
import { NETQ_VERSION } from '../version.js';
import { NetqCommand, Verbose } from './base.js';
import { BatfishFlags, batfishTargetOf } from './flags.js';
import { SiteCommand } from './site-command.js';

/** Whether a template's question needs the data plane: known from Batfish's question classes, or tagged so. */
export function needsDataplane(template: QuestionTemplate): boolean {
  return DATAPLANE_QUESTIONS.has(template.name) || template.tags.includes('dataplane');
}

abstract class QuestionsFlags extends NetqCommand {
  format = Option.String('--format,-f', 'table', { description: 'Output format: table, json, csv or markdown', validator: t.isEnum(OUTPUT_FORMATS) });
}

export class QuestionsCommand extends Verbose(BatfishFlags(QuestionsFlags)) {
  static override paths = [['questions']];
  static override usage = Command.Usage({
    category: 'Any question',
    description: 'list the questions the Batfish server offers',
    details: `
      One row per question template the server serves: its name (use it with \`netq ask\`), what
      it answers, its tags, and whether it needs the data plane (slower on first use).

      Exit codes: 0 ok, 3 Batfish, 4 Docker.
    `,
    examples: [
      ['Every question', '$0 questions'],
      ['As JSON', '$0 questions --format json'],
    ],
  });

  async run(): Promise<number> {
    const target = batfishTargetOf(this);
    const { batfishVersion, templates } = await this.withProgress((onEvent) => serverTemplates(this.context.batfish, target, onEvent));
    const rows = templates.map((q) => ({ name: q.name, description: q.description, tags: q.tags, dataPlane: needsDataplane(q) }));
    const format = this.format;
    if (format === 'json') {
      return this.emit({ stdout: renderJson({ netqVersion: NETQ_VERSION, batfishVersion, questions: rows }), stderr: '', exitCode: ExitCode.ok });
    }
    const table = {
      columns: [
        { name: 'Question', schema: 'String' },
        { name: 'Description', schema: 'String' },
        { name: 'Tags', schema: 'List<String>' },
        { name: 'Data_Plane', schema: 'Boolean' },
      ],
      rows: rows.map((r) => ({ Question: r.name, Description: r.description, Tags: r.tags, Data_Plane: r.dataPlane })),
    };
    return this.emit({ stdout: renderText(table, format, this.terminal()), stderr: '', exitCode: ExitCode.ok });
  }
}

abstract class AskFlags extends NetqCommand {
  question = Option.String({ name: 'question' });
  params = Option.Array('--param', [], { description: 'A template variable as name=value (repeatable)' });
  helpParams = Option.Boolean('--help-params', false, { description: "List the question's parameters and exit" });
}

export class AskCommand extends SiteCommand(AskFlags) {
  static override paths = [['ask']];
  static override usage = Command.Usage({
    category: 'Any question',
    description: 'ask any question the Batfish server offers',
    details: `
      Asks the question template named by the first argument (as \`netq questions\` lists it) about
      a site. \`--param name=value\` sets a template variable; the value is read as JSON when it is
      JSON (\`true\`, \`5\`, \`{"dstIps": "10.0.0.1"}\`, \`["a","b"]\`) and as a string otherwise.
      Parameters are checked against the template (name, type, required, allowed values) before
      anything is uploaded. \`--help-params\` lists the template's variables and needs no site.

      Exit codes: 0 ok, 2 bad command line, site or parameter, 3 Batfish, 4 Docker, 70 bug.
    `,
    examples: [
      ['Interfaces whose MTU is not 1500', '$0 ask interfaceMtu -r north_america -s nyc --param mtuBytes=1500 --param comparator="<>"'],
      ['Which parameters does lpmRoutes take?', '$0 ask lpmRoutes --help-params'],
      ['Longest-prefix match for an IP', '$0 ask lpmRoutes -r north_america -s nyc --param ip=198.51.100.7'],
    ],
  });

  questions(): QuestionAsk[] {
    return [{ question: this.question, parameters: parseParams(this.params) }];
  }

  override async run(): Promise<number> {
    return this.helpParams ? this.printParameters() : super.run();
  }

  async printParameters(): Promise<number> {
    const format = this.format;
    if (format === 'dot' || format === 'mermaid') {
      throw new InputError(`--format ${format} draws an answer, and --help-params lists parameters`, { hint: 'formats of --help-params: table, json, csv, markdown' });
    }
    const target = batfishTargetOf(this);
    const template = await this.withProgress((onEvent) => serverTemplate(this.context.batfish, target, this.question, onEvent));
    const rows = template.orderedVariableNames
      .concat(Object.keys(template.variables).filter((n) => !template.orderedVariableNames.includes(n)))
      .filter((name) => template.variables[name])
      .map((name) => {
        const v = template.variables[name]!;
        return {
          Parameter: name,
          Type: v.minElements !== undefined ? `list of ${v.type}` : v.type,
          Required: !v.optional && v.value === undefined,
          Default: v.value === undefined ? null : JSON.stringify(v.value),
          Allowed: v.allowed ?? null,
          Description: v.description,
        };
      });
    if (format === 'json') {
      const document = { netqVersion: NETQ_VERSION, question: template.name, description: template.description, dataPlane: needsDataplane(template), parameters: rows };
      return this.emit({ stdout: renderJson(document), stderr: '', exitCode: ExitCode.ok });
    }
    this.note(`netq: ${template.name}: ${template.description}${needsDataplane(template) ? ' (needs the data plane)' : ''}`);
    const table = {
      columns: ['Parameter', 'Type', 'Required', 'Default', 'Allowed', 'Description'].map((name) => ({
        name,
        schema: name === 'Required' ? 'Boolean' : name === 'Allowed' ? 'List<String>' : 'String',
      })),
      rows,
    };
    return this.emit({ stdout: renderText(table, format, this.terminal()), stderr: '', exitCode: ExitCode.ok });
  }
}

/** `name=value` pairs; values that parse as JSON are JSON, others strings. */
export function parseParams(pairs: string[]): QuestionParameters {
  // No prototype: `--param __proto__=1` is a parameter name like any other (and refused as one).
  const parameters: QuestionParameters = Object.create(null) as QuestionParameters;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`--param '${pair}' is not name=value`, { hint: 'write it as --param nodes=core.*' });
    const name = pair.slice(0, eq);
    if (Object.hasOwn(parameters, name)) {
      throw new InputError(`--param ${name} is given twice`, { hint: `give each parameter once (for a list, one JSON value: --param ${name}='["a","b"]')` });
    }
    const text = pair.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: the plain string is the value.
    }
    parameters[name] = value;
  }
  return parameters;
}
