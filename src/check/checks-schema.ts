/**
 * The JSON Schema (draft-07) of a checks file, made from the kinds' option schemas and the bundled
 * templates: `netq check --schema` prints it and `npm run schemas` writes it to schemas/.
 */
import type { QuestionTemplate, TemplateVariable } from '../batfish/question.js';
import { CHECK_KINDS, kindParameters, type CheckKind, type KindParameter } from './kinds/index.js';
import { kindTemplate, ownOption } from './kinds/parameters.js';
import type { Severity } from './model.js';

const SEVERITIES: Severity[] = ['error', 'warning'];

/** pybatfish's HeaderConstraints fields, the keys a `headers` map may have. */
export const HEADER_FIELDS = [
  'srcIps', 'dstIps', 'srcPorts', 'dstPorts', 'ipProtocols', 'applications', 'icmpCodes', 'icmpTypes', 'dscps', 'ecns',
  'packetLengths', 'fragmentOffsets', 'tcpFlags',
];
/** pybatfish's PathConstraints fields, the keys a `pathConstraints` map may have. */
export const PATH_FIELDS = ['startLocation', 'endLocation', 'transitLocations', 'forbiddenLocations'];
/** Template variable types whose value is a structure, not a specifier string. */
const STRUCTURED_TYPES = new Set(['headerConstraint', 'pathConstraint', 'question', 'bgpRouteConstraints', 'bgpRoutes', 'bgpSessionProperties']);

/** A site glob: `region/site`, where `*` and `?` match within one part. */
export const SITE_GLOB = /^[^/\s]+\/[^/\s]+$/;
export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// ---------------------------------------------------------------- JSON Schema

type Schema = Record<string, unknown>;

function variableSchema(variable: TemplateVariable): Schema {
  const base: Schema = { description: variable.description };
  if (variable.value !== undefined) base.default = variable.value;
  if (variable.minElements !== undefined) return { ...base, type: 'array', items: { type: 'string' }, minItems: variable.minElements };
  switch (variable.type) {
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'integer':
    case 'long':
      return { ...base, type: 'integer' };
    case 'double':
      return { ...base, type: 'number' };
    case 'headerConstraint':
      return { ...base, type: 'object', properties: Object.fromEntries(HEADER_FIELDS.map((f) => [f, {}])), additionalProperties: false };
    case 'pathConstraint':
      return { ...base, type: 'object', properties: Object.fromEntries(PATH_FIELDS.map((f) => [f, { type: f.endsWith('s') ? ['string', 'array'] : 'string' }])), additionalProperties: false };
    case 'bgpRoutes':
      return { ...base, type: 'array' };
    default:
      if (STRUCTURED_TYPES.has(variable.type)) return { ...base, type: 'object' };
      return variable.allowed ? { ...base, enum: variable.allowed } : { ...base, type: ['string', 'number'] };
  }
}

function parameterSchema(kind: CheckKind, param: KindParameter, templates: ReadonlyMap<string, QuestionTemplate>): Schema {
  const variable = param.source === 'variable' ? kindTemplate(kind, templates)?.variables[param.name] : undefined;
  if (variable) return variableSchema(variable);
  const own = ownOption(kind, param.name);
  if (own?.template) return { description: 'the question template, e.g. routes', enum: sortedTemplates(templates).map((t) => t.name) };
  // Completed per template through the if/then branches of withSchema.
  if (own?.parametersOf !== undefined) return { description: param.description, type: 'object' };
  const base: Schema = { description: param.description };
  if (param.default !== undefined) base.default = param.default;
  switch (param.type) {
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'integer':
      return { ...base, type: 'integer' };
    case 'map':
      return { ...base, type: 'object' };
    case 'string[]':
      return { ...base, type: 'array', minItems: 1, items: param.allowed ? { enum: param.allowed } : { type: 'string' } };
    default:
      return param.allowed ? { ...base, enum: param.allowed } : { ...base, type: 'string', minLength: 1 };
  }
}

function templateParametersSchema(template: QuestionTemplate): Schema {
  const required = Object.entries(template.variables)
    .filter(([, v]) => !v.optional && v.value === undefined)
    .map(([n]) => n);
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(template.variables).map(([n, v]) => [n, variableSchema(v)])),
    additionalProperties: false,
    ...(required.length ? { required } : {}),
  };
}

function sortedTemplates(templates: ReadonlyMap<string, QuestionTemplate>): QuestionTemplate[] {
  return [...templates.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function withSchema(kind: CheckKind, templates: ReadonlyMap<string, QuestionTemplate>): Schema {
  const params = kindParameters(kind, templates);
  const required = params.filter((p) => p.required).map((p) => p.name);
  const schema: Schema = {
    type: 'object',
    description: `parameters of ${kind.kind}`,
    properties: Object.fromEntries(params.map((p) => [p.name, parameterSchema(kind, p, templates)])),
    additionalProperties: false,
    ...(required.length ? { required } : {}),
  };
  for (const o of kind.options) {
    if (o.source === 'variable' || o.parametersOf === undefined) continue;
    const from = o.parametersOf;
    // One branch per template, so an editor completes that template's parameters.
    schema.allOf = sortedTemplates(templates).map((t) => ({
      if: { properties: { [from]: { const: t.name } }, required: [from] },
      then: { properties: { [o.name]: templateParametersSchema(t) } },
    }));
  }
  return schema;
}

/**
 * The JSON Schema (draft-07) of a checks file: the check kinds as an enum and, per kind, the
 * parameters `with` takes (through if/then on `check`, so editors complete them).
 * `schemas/netq-checks.schema.json` holds the same schema for the package.
 */
export function checksFileSchema(templates: ReadonlyMap<string, QuestionTemplate>): object {
  const kinds = CHECK_KINDS.map((k) => k.kind);
  const definitions: Schema = {};
  for (const kind of CHECK_KINDS) definitions[`with-${kind.kind}`] = withSchema(kind, templates);
  definitions.check = {
    type: 'object',
    required: ['name', 'check'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, description: 'unique name of the check, shown in reports' },
      check: {
        enum: kinds,
        description: CHECK_KINDS.map((k) => `${k.kind}: ${k.description}`).join('\n'),
      },
      severity: { enum: SEVERITIES, description: "error or warning (default: the kind's, mostly error)" },
      with: { type: 'object', description: "the kind's parameters: question variables and its own options" },
      sites: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', pattern: SITE_GLOB.source },
        description: 'region/site globs the check runs on (default: every site), e.g. north_america/*',
      },
      tags: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'words for --tag' },
      expect: {
        type: 'object',
        description: 'for kind question: how many rows are expected (default rows: 0)',
        properties: {
          rows: { type: 'integer', minimum: 0 },
          'min-rows': { type: 'integer', minimum: 0 },
        },
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
      },
    },
    allOf: CHECK_KINDS.map((kind) => {
      const required = kindParameters(kind, templates).some((p) => p.required);
      return {
        if: { properties: { check: { const: kind.kind } }, required: ['check'] },
        then: {
          properties: { with: { $ref: `#/definitions/with-${kind.kind}` } },
          ...(required ? { required: ['with'] } : {}),
          ...(kind.expect ? {} : { not: { required: ['expect'] } }),
        },
      };
    }),
  };
  definitions.waiver = {
    type: 'object',
    required: ['check', 'where', 'reason'],
    additionalProperties: false,
    properties: {
      check: { type: 'string', minLength: 1, description: 'the name of a check' },
      where: {
        type: 'object',
        minProperties: 1,
        additionalProperties: { type: ['string', 'number', 'boolean'] },
        description: "column: value of the findings' rows this waiver accepts",
      },
      reason: { type: 'string', minLength: 1, description: 'why, e.g. a change ticket' },
      expires: { type: 'string', pattern: ISO_DATE.source, description: 'YYYY-MM-DD; after that day the waiver stops waiving' },
    },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'netq checks file',
    description: 'The checks `netq check` runs on each site, and the findings it accepts for a while (netq-checks.yaml).',
    type: 'object',
    required: ['version', 'checks'],
    additionalProperties: false,
    properties: {
      version: { const: 1 },
      checks: { type: 'array', minItems: 1, items: { $ref: '#/definitions/check' } },
      waivers: { type: 'array', items: { $ref: '#/definitions/waiver' } },
    },
    definitions,
  };
}
