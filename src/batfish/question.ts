import { BatfishAnswerError, InputError } from '../errors.js';
import { isObject } from './answer.js';

/** One variable of a question template (`instance.variables.<name>`). */
export interface TemplateVariable {
  type: string;
  description: string;
  optional: boolean;
  displayName?: string;
  /** The template's default value, when it has one. */
  value?: unknown;
  /** Allowed values, from `values[].name` or the older `allowedValues`. */
  allowed?: string[];
  /** Present when the value is a list. */
  minElements?: number;
}

/** A question template as the server serves it, with the parts netq needs picked out. */
export interface QuestionTemplate {
  /** `instance.instanceName`, e.g. `bgpSessionStatus`. */
  name: string;
  description: string;
  tags: string[];
  orderedVariableNames: string[];
  variables: Record<string, TemplateVariable>;
  /** The template JSON as served; instantiation works on a copy of it. */
  raw: Record<string, unknown>;
}

/** Reads one template (the server sends each as a JSON string inside the JSON map). */
export function parseTemplate(text: unknown, key: string): QuestionTemplate {
  let raw: unknown = text;
  if (typeof text === 'string') {
    try {
      raw = JSON.parse(text) as unknown;
    } catch {
      throw new BatfishAnswerError(`question template '${key}' from Batfish is not valid JSON`);
    }
  }
  if (!isObject(raw) || !isObject(raw.instance) || typeof raw.instance.instanceName !== 'string') {
    throw new BatfishAnswerError(`question template '${key}' from Batfish has no instance.instanceName`);
  }
  const instance = raw.instance;
  // No prototype: a variable name such as `constructor` or `__proto__` is only ever a name.
  const variables: Record<string, TemplateVariable> = Object.create(null) as Record<string, TemplateVariable>;
  for (const [name, v] of Object.entries(isObject(instance.variables) ? instance.variables : {})) {
    if (!isObject(v)) continue;
    const allowed = Array.isArray(v.values)
      ? v.values.map((x) => (isObject(x) ? String(x.name) : String(x)))
      : Array.isArray(v.allowedValues)
        ? v.allowedValues.map(String)
        : undefined;
    variables[name] = {
      type: typeof v.type === 'string' ? v.type.trim() : 'string',
      description: typeof v.description === 'string' ? v.description : '',
      optional: v.optional === true,
      ...(typeof v.displayName === 'string' ? { displayName: v.displayName } : {}),
      ...('value' in v ? { value: v.value } : {}),
      ...(allowed ? { allowed } : {}),
      ...(typeof v.minElements === 'number' ? { minElements: v.minElements } : {}),
    };
  }
  return {
    name: instance.instanceName as string,
    description: typeof instance.description === 'string' ? instance.description : '',
    tags: Array.isArray(instance.tags) ? instance.tags.map(String) : [],
    orderedVariableNames: Array.isArray(instance.orderedVariableNames)
      ? instance.orderedVariableNames.map(String)
      : Object.keys(variables),
    variables,
    raw,
  };
}

/** Parameters a user gives a question; `undefined` means "not given" and is dropped. */
export type QuestionParameters = Record<string, unknown>;

/** The parameters without the ones left undefined (not given). */
export function definedParameters(parameters: QuestionParameters): QuestionParameters {
  return Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== undefined));
}

/**
 * Builds the question to upload from a template, as pybatfish does: a copy of the template with a
 * fresh `instance.instanceName` and each given parameter set as `variables.<name>.value`. The
 * `${...}` placeholders stay for the server to substitute. Parameters are checked first, so a
 * mistake is reported before anything is uploaded.
 */
export function instantiateQuestion(
  template: QuestionTemplate,
  parameters: QuestionParameters,
  questionName: string,
): Record<string, unknown> {
  const given = definedParameters(parameters);
  validateParameters(template, given);
  const question = structuredClone(template.raw);
  const instance = question.instance as Record<string, unknown>;
  instance.instanceName = questionName;
  const variables = instance.variables as Record<string, Record<string, unknown>>;
  for (const [name, value] of Object.entries(given)) {
    const variable = variables[name];
    if (variable) variable.value = value;
  }
  return question;
}

/** Checks names, required values, allowed values and rough types against the template. */
export function validateParameters(template: QuestionTemplate, given: QuestionParameters): void {
  const names = Object.keys(template.variables);
  for (const [name, value] of Object.entries(given)) {
    const variable = Object.hasOwn(template.variables, name) ? template.variables[name] : undefined;
    if (!variable) {
      throw new InputError(`question ${template.name} has no parameter '${name}'`, {
        hint: names.length ? `valid parameters: ${names.join(', ')}` : `${template.name} takes no parameters`,
      });
    }
    const problem = typeProblem(variable, value);
    if (problem) throw new InputError(`parameter '${name}' of ${template.name} ${problem}`);
  }
  for (const [name, variable] of Object.entries(template.variables)) {
    if (!variable.optional && variable.value === undefined && given[name] === undefined) {
      throw new InputError(`question ${template.name} needs parameter '${name}' (${variable.description})`);
    }
  }
}

/**
 * The fields of a structured parameter type, as pybatfish's datamodel writes them on the wire
 * (pybatfish/datamodel/flow.py and route.py): Batfish reads these objects with Jackson, so a
 * misspelt field is at best ignored (a header constraint that no longer constrains) and at worst
 * fails the question on the server after the upload.
 */
interface ObjectShape {
  /** The pybatfish class, for messages. */
  name: string;
  fields: string[];
  /** Fields pybatfish requires (from_dict reads them without a default). */
  required?: string[];
  /** Fields that hold objects (or lists of objects) of another shape. */
  nested?: Record<string, ObjectShape>;
}

const TCP_FLAGS: ObjectShape = { name: 'TcpFlags', fields: ['ack', 'cwr', 'ece', 'fin', 'psh', 'rst', 'syn', 'urg'] };
const MATCH_TCP_FLAGS: ObjectShape = {
  name: 'MatchTcpFlags',
  fields: ['tcpFlags', 'useAck', 'useCwr', 'useEce', 'useFin', 'usePsh', 'useRst', 'useSyn', 'useUrg'],
  nested: { tcpFlags: TCP_FLAGS },
};

/** Object-valued template variable types and their shapes (the types the stock templates use). */
export const OBJECT_PARAMETER_TYPES: Readonly<Record<string, { shape: ObjectShape; list?: boolean; example: string }>> = {
  headerConstraint: {
    shape: {
      name: 'HeaderConstraints',
      fields: [
        'srcIps', 'dstIps', 'srcPorts', 'dstPorts', 'ipProtocols', 'applications', 'icmpCodes', 'icmpTypes', 'dscps', 'ecns',
        'packetLengths', 'fragmentOffsets', 'tcpFlags',
      ],
      nested: { tcpFlags: MATCH_TCP_FLAGS },
    },
    example: '{"dstIps": "10.0.0.1", "applications": ["SSH"]}',
  },
  pathConstraint: {
    shape: { name: 'PathConstraints', fields: ['startLocation', 'endLocation', 'transitLocations', 'forbiddenLocations'] },
    example: '{"startLocation": "edge-sw01"}',
  },
  bgpRouteConstraints: {
    shape: { name: 'BgpRouteConstraints', fields: ['prefix', 'complementPrefix', 'localPreference', 'med', 'communities', 'asPath'] },
    example: '{"prefix": ["10.0.0.0/8:8-32"]}',
  },
  bgpSessionProperties: {
    shape: {
      name: 'BgpSessionProperties',
      fields: ['localAs', 'remoteAs', 'localIp', 'remoteIp'],
      required: ['localAs', 'remoteAs', 'localIp', 'remoteIp'],
    },
    example: '{"localAs": 65001, "remoteAs": 65002, "localIp": "10.0.0.1", "remoteIp": "10.0.0.2"}',
  },
  bgpRoutes: {
    shape: {
      name: 'BgpRoute',
      fields: [
        'network', 'originatorIp', 'originType', 'protocol', 'asPath', 'communities', 'localPreference', 'metric', 'nextHopIp',
        'srcProtocol', 'tag', 'weight', 'class',
      ],
      required: ['network', 'originatorIp', 'originType', 'protocol'],
    },
    list: true,
    example: '[{"network": "10.0.0.0/24", "originatorIp": "10.0.0.1", "originType": "egp", "protocol": "bgp"}]',
  },
};

/** What is wrong with an object parameter's fields, as the rest of a message `parameter 'x' of q ...`. */
function objectProblem(type: { shape: ObjectShape; list?: boolean; example: string }, value: unknown): string | undefined {
  const { shape } = type;
  // A list type also takes one object, as Jackson reads a single value where a list is expected.
  const items = type.list && Array.isArray(value) ? value : [value];
  for (const [index, item] of items.entries()) {
    const where = type.list && Array.isArray(value) ? `[${index}]` : '';
    if (!isObject(item)) {
      return `takes ${type.list ? 'a list of objects' : 'an object'} with the fields ${shape.fields.join(', ')}, e.g. ${type.example} (got ${describeValue(item)}${where ? ` at ${where}` : ''})`;
    }
    const problem = fieldsProblem(shape, item, where);
    if (problem) return problem;
  }
  return undefined;
}

function fieldsProblem(shape: ObjectShape, value: Record<string, unknown>, where: string): string | undefined {
  const unknown = Object.keys(value).filter((k) => !shape.fields.includes(k));
  const of = where ? ` of ${where}` : '';
  if (unknown.length) {
    const names = unknown.map((k) => `${where ? `${where}.` : ''}${k}`).join(', ');
    return `has unknown field${unknown.length > 1 ? 's' : ''} ${names}${suggestion(unknown[0]!, shape.fields)} (valid fields${of}: ${shape.fields.join(', ')})`;
  }
  const missing = (shape.required ?? []).filter((k) => value[k] === undefined || value[k] === null);
  if (missing.length) {
    return `needs the field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}${of} (${shape.name} fields: ${shape.fields.join(', ')})`;
  }
  for (const [field, nested] of Object.entries(shape.nested ?? {})) {
    const inner = value[field];
    if (inner === undefined || inner === null) continue;
    const list = Array.isArray(inner) ? inner : [inner];
    for (const [index, item] of list.entries()) {
      const path = `${where ? `${where}.` : ''}${field}${Array.isArray(inner) ? `[${index}]` : ''}`;
      if (!isObject(item)) return `takes an object (${nested.name}) at ${path} (got ${describeValue(item)})`;
      const problem = fieldsProblem(nested, item, path);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** `; did you mean X?` for the closest name, when one is close enough to be a typo. */
export function suggestion(word: string, candidates: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance < word.length && bestDistance <= Math.max(1, Math.floor(word.length / 3))
    ? `; did you mean ${best}?`
    : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'an object';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

function typeProblem(variable: TemplateVariable, value: unknown): string | undefined {
  const objectType = Object.hasOwn(OBJECT_PARAMETER_TYPES, variable.type) ? OBJECT_PARAMETER_TYPES[variable.type] : undefined;
  if (objectType) return objectProblem(objectType, value) ?? (variable.type === 'headerConstraint' ? headerProblem(value) : undefined);
  if (variable.minElements !== undefined) {
    if (!Array.isArray(value)) return `takes a list (${variable.type})`;
    if (value.length < variable.minElements) return `needs at least ${variable.minElements} element(s)`;
    return undefined;
  }
  switch (variable.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'takes true or false';
    case 'integer':
      // A Java int, as the server reads it.
      if (!Number.isInteger(value)) return 'takes a whole number';
      return Math.abs(value as number) <= 2 ** 31 - 1 ? undefined : `takes a whole number from ${-(2 ** 31 - 1)} to ${2 ** 31 - 1} (got ${String(value)})`;
    case 'long':
      return Number.isSafeInteger(value) ? undefined : 'takes a whole number';
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'takes a number';
    case 'question':
      return isObject(value) ? undefined : 'takes a question (a JSON object)';
    default:
      // Every other type (node, interface and filter specifiers, names, regexes, IPs, prefixes)
      // is text on the wire (a number is read as its text): an object or a list would reach
      // Batfish as something else.
      if (typeof value !== 'string' && typeof value !== 'number') return `takes text (a ${variable.type}) (found ${describeValue(value)})`;
      break;
  }
  if (variable.type === 'ip' && !isIpv4(String(value))) return `takes an IPv4 address such as 10.0.0.1 (got '${String(value)}')`;
  if (variable.type === 'prefix' && !isIpv4Prefix(String(value))) return `takes an IPv4 prefix such as 10.0.0.0/8 (got '${String(value)}')`;
  if (variable.allowed && typeof value === 'string') {
    const ok = variable.allowed.some((a) => a.toLowerCase() === value.toLowerCase());
    if (!ok) return `must be one of ${variable.allowed.join(', ')} (got '${value}')`;
  }
  return undefined;
}

/** `10.0.0.1`: four decimal octets of at most 255 (Batfish's Ip is IPv4). */
export function isIpv4(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255);
}

/** `10.0.0.0/8`: an IPv4 address and a length from 0 to 32. */
export function isIpv4Prefix(text: string): boolean {
  const [ip, length, ...rest] = text.split('/');
  return rest.length === 0 && ip !== undefined && isIpv4(ip) && length !== undefined && /^(0|[1-9]\d?)$/.test(length) && Number(length) <= 32;
}

/** Ports of a header constraint (`22`, `1024-65535`, `22,80`, `!23`, or a list of those): Batfish parses them as an integer space. */
function portsProblem(field: string, value: unknown): string | undefined {
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    const text = typeof item === 'number' ? String(item) : item;
    if (typeof text !== 'string') return `has ${field} that is not text or a number (got ${describeValue(item)})`;
    for (const part of text.split(',').map((p) => p.trim())) {
      const match = /^!?(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
      const ok = match && Number(match[1]) <= 65535 && (match[2] === undefined || (Number(match[2]) <= 65535 && Number(match[2]) >= Number(match[1])));
      if (!ok) return `has ${field} '${text}', which is not a port, a range or a list of them (e.g. 22, 1024-65535, 22,80)`;
    }
  }
  return undefined;
}

/** The port fields of a header constraint, checked before anything is uploaded (Batfish refuses a bad one only when it answers). */
function headerProblem(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  for (const field of ['srcPorts', 'dstPorts'] as const) {
    if (value[field] === undefined || value[field] === null) continue;
    const problem = portsProblem(field, value[field]);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Serialises a question the way pybatfish does (`json.dumps(sort_keys=True, indent=2)`, ASCII
 * only), so what a real server receives from netq matches what it receives from pybatfish.
 */
export function serializeQuestion(question: unknown): string {
  return stringifySorted(question, '');
}

function stringifySorted(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return asciiJson(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + stringifySorted(v ?? null, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${asciiJson(k)}: ${stringifySorted(v, inner)}`).join(',\n')}\n${indent}}`;
}

function asciiJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
