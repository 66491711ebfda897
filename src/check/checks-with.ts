/**
 * A check's `with`, validated from its kind's option schema: template variables by the template's
 * own checks (as `netq ask` runs them), the kind's options by their declared type.
 */
import { isMap, isScalar, type Node } from 'yaml';
import { isObject } from '../batfish/answer.js';
import { suggestion, validateParameters, type QuestionTemplate, type TemplateVariable } from '../batfish/question.js';
import { InputError } from '../errors.js';
import { describe, type Entry, type YamlReader } from './checks-yaml.js';
import { kindParameters, type CheckKind, type OwnOption } from './kinds/index.js';
import { kindTemplate, ownOption } from './kinds/parameters.js';

/**
 * What is wrong with a value for one template variable, or undefined. The template's own checks
 * (`validateParameters`, as `netq ask` runs them) come first; it stops at the first problem, so it
 * is called one variable at a time and the checks file reports every variable's problem.
 */
export function variableProblem(
  template: QuestionTemplate,
  name: string,
  variable: TemplateVariable,
  value: unknown,
): string | undefined {
  if (value === null || value === undefined) return `parameter '${name}' of ${template.name} needs a value`;
  try {
    validateParameters({ ...template, variables: { [name]: variable } }, { [name]: value });
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  return undefined;
}

/** Validates `with` for a kind; returns the parameters with allowed values in canonical case. */
export function validateWith(
  r: YamlReader,
  templates: ReadonlyMap<string, QuestionTemplate>,
  kind: CheckKind,
  entry: Entry | undefined,
  checkNode: Node,
): Record<string, unknown> {
  return new WithValidator(r, templates, kind).run(entry, checkNode);
}

class WithValidator {
  constructor(
    readonly r: YamlReader,
    readonly templates: ReadonlyMap<string, QuestionTemplate>,
    readonly kind: CheckKind,
  ) {}

  run(entry: Entry | undefined, checkNode: Node): Record<string, unknown> {
    const { r, kind } = this;
    const params = kindParameters(kind, this.templates);
    const value = entry?.value ?? null;
    const empty = value === null || (isScalar(value) && value.value === null);
    if (!empty && !isMap(value)) {
      r.problem(value, `with must be a map of ${kind.kind}'s parameters (found ${describe(r.js(value))})`);
      return {};
    }
    const result: Record<string, unknown> = {};
    const template = kindTemplate(kind, this.templates);
    const entries = empty || !value ? [] : r.entries(value, null, 'with');
    // An option's `parametersOf` sibling names the template its parameters are checked against.
    const templateNamedBy = (name: string): QuestionTemplate | undefined => {
      const named = r.js(entries.find((e) => e.key === name)?.value ?? null);
      return typeof named === 'string' ? this.templates.get(named.trim().toLowerCase()) : undefined;
    };
    const parameterOptions = kind.options.filter((o): o is OwnOption & { parametersOf: string } => o.source !== 'variable' && o.parametersOf !== undefined);
    const named = new Map(parameterOptions.map((o) => [o.name, templateNamedBy(o.parametersOf)]));
    for (const e of entries) {
      const param = params.find((p) => p.name === e.key);
      if (!param) {
        const valid = params.map((p) => p.name);
        const fixed = template?.variables[e.key] !== undefined;
        r.problem(
          e.keyNode,
          fixed
            ? `parameter '${e.key}' of ${template?.name ?? ''} is set by ${kind.kind} itself (valid parameters: ${valid.join(', ') || 'none'})`
            : `unknown parameter '${e.key}' for ${kind.kind}${suggestion(e.key, valid)} (valid parameters: ${valid.join(', ') || 'none'})`,
        );
        continue;
      }
      const given = r.js(e.value);
      const checked =
        param.source === 'option' ? this.#option(ownOption(kind, param.name), given, e, named.get(param.name)) : this.#variable(template, e.key, given, e);
      if (checked !== undefined) result[e.key] = checked;
    }
    for (const param of params) {
      if (param.required && !(param.name in result) && !r.given(value, param.name)) {
        r.problem(entry?.keyNode ?? checkNode, `${kind.kind} needs parameter '${param.name}' in with (${param.description})`);
      }
    }
    // A template with required parameters needs them even when the parameters map is left out.
    for (const o of parameterOptions) {
      const asked = named.get(o.name);
      if (asked && !r.given(value, o.name)) this.#missingRequired(asked, {}, entry?.keyNode ?? checkNode);
    }
    return result;
  }

  #option(opt: OwnOption | undefined, value: unknown, entry: Entry, asked: QuestionTemplate | undefined): unknown {
    if (!opt) return undefined;
    const at = entry.value ?? entry.keyNode;
    const fail = (message: string): undefined => {
      this.r.problem(at, `parameter '${opt.name}' of ${this.kind.kind} ${message}`);
      return undefined;
    };
    const canonical = (s: string): string | undefined =>
      opt.allowed ? opt.allowed.find((a) => a.toLowerCase() === s.toLowerCase()) : s;
    if (opt.template) return this.#templateName(opt, value, entry);
    if (opt.parametersOf !== undefined) return this.#templateParameters(opt, value, entry, asked);
    switch (opt.type) {
      case 'boolean':
        return typeof value === 'boolean' ? value : fail(`takes true or false (found ${describe(value)})`);
      case 'integer':
        return typeof value === 'number' && Number.isInteger(value) ? value : fail(`takes a whole number (found ${describe(value)})`);
      case 'map':
        return isObject(value) && Object.keys(value).length > 0 ? value : fail(`takes a non-empty map (found ${describe(value)})`);
      case 'string': {
        if (typeof value !== 'string' || !value.trim()) return fail(`takes text (found ${describe(value)})`);
        return canonical(value) ?? fail(`must be one of ${opt.allowed?.join(', ') ?? ''} (found '${value}')`);
      }
      case 'string[]': {
        if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
          return fail(`takes a list of text, e.g. [${(opt.allowed ?? ['a', 'b']).slice(0, 2).join(', ')}] (found ${describe(value)})`);
        }
        const out = value.map((v: string) => canonical(v));
        const bad = value.filter((_, i) => out[i] === undefined);
        if (bad.length) return fail(`takes only ${opt.allowed?.join(', ') ?? ''} (found ${bad.join(', ')})`);
        return out;
      }
    }
  }

  /** A question variable: the template's own checks (as `netq ask`), then the value's shape. */
  #variable(template: QuestionTemplate | undefined, name: string, value: unknown, entry: Entry): unknown {
    const variable = template?.variables[name];
    if (!template || !variable) return value;
    const problem = variableProblem(template, name, variable, value);
    if (problem) {
      this.r.problem(entry.value ?? entry.keyNode, problem);
      return undefined;
    }
    return value;
  }

  #templateName(opt: OwnOption, value: unknown, entry: Entry): string | undefined {
    const names = [...this.templates.values()].map((t) => t.name);
    if (typeof value !== 'string' || !value.trim()) {
      this.r.problem(entry.value ?? entry.keyNode, `parameter '${opt.name}' of ${this.kind.kind} takes a template name, e.g. routes (found ${describe(value)})`);
      return undefined;
    }
    const template = this.templates.get(value.trim().toLowerCase());
    if (!template) {
      this.r.problem(entry.value, `unknown question '${value}'${suggestion(value, names)} (netq questions lists the ${names.length} templates)`);
      return undefined;
    }
    return template.name;
  }

  /** A map of a template's parameters, validated against the template (when it is valid). */
  #templateParameters(opt: OwnOption, value: unknown, entry: Entry, template: QuestionTemplate | undefined): Record<string, unknown> | undefined {
    if (value === null) return this.#missingRequired(template, {}, entry.keyNode);
    if (!isObject(value) || !isMap(entry.value)) {
      this.r.problem(entry.value ?? entry.keyNode, `parameter '${opt.name}' of ${this.kind.kind} takes a map of the template's parameters (found ${describe(value)})`);
      return undefined;
    }
    if (!template) return value;
    const names = Object.keys(template.variables);
    const result: Record<string, unknown> = {};
    for (const e of this.r.entries(entry.value, null, 'parameters')) {
      const variable = template.variables[e.key];
      if (!variable) {
        this.r.problem(
          e.keyNode,
          `${template.name} has no parameter '${e.key}'${suggestion(e.key, names)} (valid parameters: ${names.join(', ') || 'none'})`,
        );
        continue;
      }
      const checked = this.#variable(template, e.key, this.r.js(e.value), e);
      if (checked !== undefined) result[e.key] = checked;
    }
    return this.#missingRequired(template, result, entry.keyNode, entry.value);
  }

  /** Reports the template's required variables (no default) that `given` lacks. */
  #missingRequired(template: QuestionTemplate | undefined, given: Record<string, unknown>, at: Node, node: Node | null = null): Record<string, unknown> {
    for (const [name, v] of Object.entries(template?.variables ?? {})) {
      if (!v.optional && v.value === undefined && !(name in given) && !this.r.given(node, name)) {
        this.r.problem(at, `${template?.name ?? ''} needs parameter '${name}' (${v.description})`);
      }
    }
    return given;
  }
}
