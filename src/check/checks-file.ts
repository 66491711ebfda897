/**
 * The checks file of `netq check` (`netq-checks.yaml`): parsed with positions, validated in full
 * before anything is sent to Batfish (every mistake at once, as `file:line:column: message`), and
 * described as a JSON Schema so editors complete and check it.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { isObject } from '../batfish/answer.js';
import { suggestion, validateParameters, type QuestionTemplate, type TemplateVariable } from '../batfish/question.js';
import { InputError } from '../errors.js';
import { CHECK_KINDS, kindByName, kindParameters, type CheckKind, type KindOption, type KindParameter } from './kinds.js';
import type { CheckSpec, ChecksFile, Severity, SourcePosition, Waiver } from './model.js';

/** One mistake in a checks file (1-based line and column). */
export interface ChecksFileProblem {
  line: number;
  column: number;
  message: string;
}

/** A checks file that cannot be used; `details` lists every problem as `file:line:column: text`. */
export class ChecksFileError extends InputError {
  readonly file: string;
  readonly problems: ChecksFileProblem[];
  constructor(file: string, problems: ChecksFileProblem[]) {
    super(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
      details: problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`).join('\n'),
      hint: 'netq check --list shows the check kinds and their parameters; netq check --schema prints the JSON Schema for your editor',
    });
    this.file = file;
    this.problems = problems;
  }
}

const TOP_KEYS = ['version', 'checks', 'waivers'];
const CHECK_KEYS = ['name', 'check', 'severity', 'with', 'sites', 'tags', 'expect'];
const WAIVER_KEYS = ['check', 'where', 'reason', 'expires'];
const EXPECT_KEYS = ['rows', 'min-rows'];
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
const SITE_GLOB = /^[^/\s]+\/[^/\s]+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses and validates a checks file. Every mistake is collected, then thrown together as one
 * ChecksFileError (exit 2); `templates` are the bundled templates, so parameters are checked
 * without asking Batfish.
 */
export function parseChecksFile(text: string, file: string, templates: ReadonlyMap<string, QuestionTemplate>): ChecksFile {
  return new Validator(text, file, templates).run();
}

interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

class Validator {
  readonly #lines = new LineCounter();
  readonly #doc: Document.Parsed;
  readonly #problems: ChecksFileProblem[] = [];

  constructor(
    text: string,
    readonly file: string,
    readonly templates: ReadonlyMap<string, QuestionTemplate>,
  ) {
    this.#doc = parseDocument(text, { lineCounter: this.#lines, prettyErrors: false });
  }

  run(): ChecksFile {
    const syntax = this.#doc.errors;
    for (const error of syntax) this.#problemAt(error.pos[0], `YAML: ${error.message}`);
    // A broken tree only yields confusing follow-up problems; a repeated key leaves it whole.
    const result = syntax.every((e) => e.code === 'DUPLICATE_KEY') ? this.#file() : undefined;
    if (this.#problems.length > 0 || !result) {
      const sorted = [...this.#problems].sort((a, b) => a.line - b.line || a.column - b.column);
      throw new ChecksFileError(this.file, sorted);
    }
    return result;
  }

  // ---------------------------------------------------------------- positions and problems

  #problemAt(offset: number, message: string): void {
    const { line, col } = this.#lines.linePos(offset);
    this.#problems.push({ line, column: col, message });
  }

  #problem(node: Node | null | undefined, message: string): void {
    this.#problemAt(node?.range?.[0] ?? 0, message);
  }

  #position(node: Node | null | undefined): SourcePosition {
    const { line, col } = this.#lines.linePos(node?.range?.[0] ?? 0);
    return { file: this.file, line, column: col };
  }

  #js(node: Node | null): unknown {
    if (node === null) return null;
    let value: unknown;
    try {
      value = node.toJS(this.#doc);
    } catch (error) {
      // The YAML library refuses aliases that expand past its limit (a "billion laughs" file).
      if (!(error instanceof ReferenceError || /alias/i.test(String(error)))) throw error;
      this.#problem(node, `this value uses YAML aliases (*name) that expand to too much (${error instanceof Error ? error.message : String(error)}); write the value out, or alias less`);
      return null;
    }
    // YAML 1.1 documents turn dates into Date objects; a checks file means the text.
    return value instanceof Date ? value.toISOString().slice(0, 10) : value;
  }

  /** The pairs of a map, with keys as text; other keys are reported. */
  #entries(node: Node, allowed: string[] | null, where: string): Entry[] {
    if (!isMap(node)) return [];
    const entries: Entry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
        this.#problem(keyNode ?? node, `${where} keys must be plain text`);
        continue;
      }
      const key = String(keyNode.value);
      if (allowed && !allowed.includes(key)) {
        this.#problem(keyNode, `unknown key '${key}' in ${where}${suggestion(key, allowed)} (valid keys: ${allowed.join(', ')})`);
        continue;
      }
      entries.push({ key, keyNode, value: (pair.value as Node | null) ?? null });
    }
    return entries;
  }

  #text(entry: Entry, what: string): string | undefined {
    const value = entry.value;
    if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number')) {
      const text = String(value.value).trim();
      if (text) return text;
    }
    this.#problem(value ?? entry.keyNode, `${what} must be non-empty text`);
    return undefined;
  }

  // ---------------------------------------------------------------- the file

  #file(): ChecksFile | undefined {
    const root = this.#doc.contents;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
      this.#problemAt(0, 'the file is empty: it needs `version: 1` and a `checks:` list');
      return undefined;
    }
    if (!isMap(root)) {
      this.#problem(root, `the file must be a map with \`version: 1\` and \`checks:\` (found ${describe(this.#js(root))})`);
      return undefined;
    }
    const entries = this.#entries(root, TOP_KEYS, 'the file');
    const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);

    const version = get('version');
    if (!version) this.#problem(root, '`version: 1` is missing');
    else if (!(isScalar(version.value) && version.value.value === 1)) {
      this.#problem(version.value ?? version.keyNode, `version must be 1 (found ${describe(this.#js(version.value))})`);
    }

    const checksEntry = get('checks');
    let checks: CheckSpec[] = [];
    if (!checksEntry) this.#problem(root, '`checks:` is missing: list at least one check');
    else if (!isSeq(checksEntry.value)) {
      this.#problem(checksEntry.value ?? checksEntry.keyNode, `checks must be a list of checks (found ${describe(this.#js(checksEntry.value))})`);
    } else if (checksEntry.value.items.length === 0) {
      this.#problem(checksEntry.value, 'checks must list at least one check');
    } else {
      checks = this.#checks(checksEntry.value.items as Array<Node | null>);
    }

    const waiversEntry = get('waivers');
    let waivers: Waiver[] = [];
    if (waiversEntry && waiversEntry.value !== null && !(isScalar(waiversEntry.value) && waiversEntry.value.value === null)) {
      if (!isSeq(waiversEntry.value)) {
        this.#problem(waiversEntry.value, `waivers must be a list (found ${describe(this.#js(waiversEntry.value))})`);
      } else {
        waivers = this.#waivers(waiversEntry.value.items as Array<Node | null>, checks.map((c) => c.name));
      }
    }
    return { version: 1, checks, waivers, source: this.file };
  }

  // ---------------------------------------------------------------- checks

  #checks(items: Array<Node | null>): CheckSpec[] {
    const seen = new Map<string, number>();
    const checks: CheckSpec[] = [];
    for (const item of items) {
      if (!item || !isMap(item)) {
        this.#problem(item, `a check must be a map with at least \`name\` and \`check\` (found ${describe(this.#js(item))})`);
        continue;
      }
      const { name, spec } = this.#check(item);
      // Names count even when the rest of the check is wrong, so a duplicate is still reported.
      if (name !== undefined) {
        const first = seen.get(name);
        if (first !== undefined) this.#problem(item, `duplicate check name '${name}' (first used on line ${first})`);
        else seen.set(name, this.#position(item).line);
      }
      if (spec) checks.push(spec);
    }
    return checks;
  }

  #check(node: Node): { name?: string; spec?: CheckSpec } {
    const entries = this.#entries(node, CHECK_KEYS, 'a check');
    const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);

    const nameEntry = get('name');
    const name = nameEntry ? this.#text(nameEntry, 'name') : undefined;
    if (!nameEntry) this.#problem(node, 'this check has no `name`');

    const kindEntry = get('check');
    let kind: CheckKind | undefined;
    if (!kindEntry) this.#problem(node, `${name ? `check '${name}'` : 'this check'} has no \`check\` (the kind, e.g. bgp-sessions-established)`);
    else {
      const kindName = this.#text(kindEntry, 'check');
      if (kindName !== undefined) {
        kind = kindByName(kindName);
        const names = CHECK_KINDS.map((k) => k.kind);
        if (!kind) {
          this.#problem(kindEntry.value, `unknown check kind '${kindName}'${suggestion(kindName, names)} (valid kinds: ${names.join(', ')})`);
        }
      }
    }

    let severity: Severity = kind?.defaultSeverity ?? 'error';
    const severityEntry = get('severity');
    if (severityEntry) {
      const value = this.#js(severityEntry.value);
      if (value === 'error' || value === 'warning') severity = value;
      else this.#problem(severityEntry.value ?? severityEntry.keyNode, `severity must be error or warning (found ${describe(value)})`);
    }

    const withEntry = get('with');
    const parameters = kind ? this.#with(kind, withEntry, node) : {};

    const sites = this.#sites(get('sites'));
    const tags = this.#tags(get('tags'));
    const expect = this.#expect(get('expect'), kind);

    if (name === undefined || kind === undefined) return { ...(name !== undefined ? { name } : {}) };
    const spec: CheckSpec = {
      name,
      check: kind.kind,
      severity,
      with: parameters,
      ...(sites ? { sites } : {}),
      tags,
      ...(expect ? { expect } : {}),
      position: this.#position(node),
    };
    return { name, spec };
  }

  #sites(entry: Entry | undefined): string[] | undefined {
    if (!entry) return undefined;
    if (!isSeq(entry.value) || entry.value.items.length === 0) {
      this.#problem(entry.value ?? entry.keyNode, 'sites must be a non-empty list of region/site globs, e.g. [north_america/*]');
      return undefined;
    }
    const sites: string[] = [];
    for (const item of entry.value.items as Array<Node | null>) {
      const value = this.#js(item);
      if (typeof value === 'string' && SITE_GLOB.test(value.trim())) sites.push(value.trim());
      else {
        this.#problem(item ?? entry.value, `site ${describe(value)} must be a region/site glob, e.g. north_america/nyc, north_america/* or */nyc`);
      }
    }
    return sites;
  }

  #tags(entry: Entry | undefined): string[] {
    if (!entry) return [];
    if (!isSeq(entry.value)) {
      this.#problem(entry.value ?? entry.keyNode, 'tags must be a list of words, e.g. [bgp, core]');
      return [];
    }
    const tags: string[] = [];
    for (const item of entry.value.items as Array<Node | null>) {
      const value = this.#js(item);
      if ((typeof value === 'string' && value.trim()) || typeof value === 'number') tags.push(String(value).trim());
      else this.#problem(item ?? entry.value, `a tag must be non-empty text (found ${describe(value)})`);
    }
    return tags;
  }

  #expect(entry: Entry | undefined, kind: CheckKind | undefined): CheckSpec['expect'] {
    if (!entry) return undefined;
    if (kind && kind.kind !== 'question') {
      this.#problem(entry.keyNode, `\`expect\` is only for checks of kind question (this check is ${kind.kind})`);
      return undefined;
    }
    if (!isMap(entry.value)) {
      this.#problem(entry.value ?? entry.keyNode, 'expect must be a map: { rows: N } or { min-rows: N }');
      return undefined;
    }
    const entries = this.#entries(entry.value, EXPECT_KEYS, 'expect');
    const expect: { rows?: number; minRows?: number } = {};
    for (const e of entries) {
      const value = this.#js(e.value);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        this.#problem(e.value ?? e.keyNode, `${e.key} must be a whole number, 0 or more (found ${describe(value)})`);
      } else if (e.key === 'rows') expect.rows = value;
      else expect.minRows = value;
    }
    if (entries.length === 0) this.#problem(entry.value, 'expect needs rows or min-rows');
    if (entries.length === 2) this.#problem(entry.value, 'expect takes rows or min-rows, not both');
    return expect.rows !== undefined || expect.minRows !== undefined ? expect : undefined;
  }

  // ---------------------------------------------------------------- parameters

  /** Validates `with` for a kind; returns the parameters with allowed values in canonical case. */
  #with(kind: CheckKind, entry: Entry | undefined, checkNode: Node): Record<string, unknown> {
    const params = kindParameters(kind, this.templates);
    const value = entry?.value ?? null;
    const empty = value === null || (isScalar(value) && value.value === null);
    if (!empty && !isMap(value)) {
      this.#problem(value, `with must be a map of ${kind.kind}'s parameters (found ${describe(this.#js(value))})`);
      return {};
    }
    const result: Record<string, unknown> = {};
    const template = kind.template ? this.templates.get(kind.template.toLowerCase()) : undefined;
    const entries = empty || !value ? [] : this.#entries(value, null, 'with');
    // The question kind checks `parameters` against the template its sibling `question` names.
    const named = this.#js(entries.find((e) => e.key === 'question')?.value ?? null);
    const asked = typeof named === 'string' ? this.templates.get(named.trim().toLowerCase()) : undefined;
    for (const e of entries) {
      const param = params.find((p) => p.name === e.key);
      if (!param) {
        const valid = params.map((p) => p.name);
        const fixed = template?.variables[e.key] !== undefined;
        this.#problem(
          e.keyNode,
          fixed
            ? `parameter '${e.key}' of ${template?.name ?? ''} is set by ${kind.kind} itself (valid parameters: ${valid.join(', ') || 'none'})`
            : `unknown parameter '${e.key}' for ${kind.kind}${suggestion(e.key, valid)} (valid parameters: ${valid.join(', ') || 'none'})`,
        );
        continue;
      }
      const given = this.#js(e.value);
      const checked =
        param.source === 'option'
          ? this.#option(kind, option(kind, param.name), given, e, asked)
          : this.#variable(template, e.key, given, e);
      if (checked !== undefined) result[e.key] = checked;
    }
    for (const param of params) {
      if (param.required && !(param.name in result) && !this.#given(value, param.name)) {
        this.#problem(entry?.keyNode ?? checkNode, `${kind.kind} needs parameter '${param.name}' in with (${param.description})`);
      }
    }
    // A template with required parameters needs `parameters` even when it is left out.
    if (kind.kind === 'question' && asked && !this.#given(value, 'parameters')) {
      this.#missingRequired(asked, {}, entry?.keyNode ?? checkNode);
    }
    return result;
  }

  /** Whether a map node has the key at all (a key with a wrong value was reported already). */
  #given(node: Node | null, key: string): boolean {
    return isMap(node) && node.items.some((p) => isScalar(p.key) && String(p.key.value) === key);
  }

  #option(kind: CheckKind, opt: KindOption | undefined, value: unknown, entry: Entry, asked?: QuestionTemplate): unknown {
    if (!opt) return undefined;
    const at = entry.value ?? entry.keyNode;
    const fail = (message: string): undefined => {
      this.#problem(at, `parameter '${opt.name}' of ${kind.kind} ${message}`);
      return undefined;
    };
    const canonical = (s: string): string | undefined =>
      opt.allowed ? opt.allowed.find((a) => a.toLowerCase() === s.toLowerCase()) : s;
    if (kind.kind === 'question' && opt.name === 'question') return this.#questionName(value, entry);
    if (kind.kind === 'question' && opt.name === 'parameters') return this.#questionParameters(value, entry, asked);
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
      this.#problem(entry.value ?? entry.keyNode, problem);
      return undefined;
    }
    return value;
  }

  #questionName(value: unknown, entry: Entry): string | undefined {
    const names = [...this.templates.values()].map((t) => t.name);
    if (typeof value !== 'string' || !value.trim()) {
      this.#problem(entry.value ?? entry.keyNode, `parameter 'question' of question takes a template name, e.g. routes (found ${describe(value)})`);
      return undefined;
    }
    const template = this.templates.get(value.trim().toLowerCase());
    if (!template) {
      this.#problem(entry.value, `unknown question '${value}'${suggestion(value, names)} (netq questions lists the ${names.length} templates)`);
      return undefined;
    }
    return template.name;
  }

  /** `parameters` of the question kind, validated against the named template (when it is valid). */
  #questionParameters(value: unknown, entry: Entry, template: QuestionTemplate | undefined): Record<string, unknown> | undefined {
    if (value === null) return this.#missingRequired(template, {}, entry.keyNode);
    if (!isObject(value) || !isMap(entry.value)) {
      this.#problem(entry.value ?? entry.keyNode, `parameter 'parameters' of question takes a map of the template's parameters (found ${describe(value)})`);
      return undefined;
    }
    if (!template) return value;
    const names = Object.keys(template.variables);
    const result: Record<string, unknown> = {};
    for (const e of this.#entries(entry.value, null, 'parameters')) {
      const variable = template.variables[e.key];
      if (!variable) {
        this.#problem(
          e.keyNode,
          `${template.name} has no parameter '${e.key}'${suggestion(e.key, names)} (valid parameters: ${names.join(', ') || 'none'})`,
        );
        continue;
      }
      const checked = this.#variable(template, e.key, this.#js(e.value), e);
      if (checked !== undefined) result[e.key] = checked;
    }
    return this.#missingRequired(template, result, entry.keyNode, entry.value);
  }

  /** Reports the template's required variables (no default) that `given` lacks. */
  #missingRequired(
    template: QuestionTemplate | undefined,
    given: Record<string, unknown>,
    at: Node,
    node: Node | null = null,
  ): Record<string, unknown> {
    for (const [name, v] of Object.entries(template?.variables ?? {})) {
      if (!v.optional && v.value === undefined && !(name in given) && !this.#given(node, name)) {
        this.#problem(at, `${template?.name ?? ''} needs parameter '${name}' (${v.description})`);
      }
    }
    return given;
  }

  // ---------------------------------------------------------------- waivers

  #waivers(items: Array<Node | null>, checkNames: string[]): Waiver[] {
    const waivers: Waiver[] = [];
    for (const item of items) {
      if (!item || !isMap(item)) {
        this.#problem(item, `a waiver must be a map with check, where, reason and expires (found ${describe(this.#js(item))})`);
        continue;
      }
      const entries = this.#entries(item, WAIVER_KEYS, 'a waiver');
      const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);
      let ok = true;

      const checkEntry = get('check');
      const check = checkEntry ? this.#text(checkEntry, 'check') : undefined;
      if (!checkEntry) this.#problem(item, 'this waiver has no `check` (the name of a check)');
      else if (check !== undefined && !checkNames.includes(check)) {
        this.#problem(checkEntry.value, `waiver names check '${check}', which is not in checks${suggestion(check, checkNames)} (checks: ${checkNames.join(', ')})`);
        ok = false;
      }

      const where: Record<string, string> = {};
      const whereEntry = get('where');
      if (!whereEntry) this.#problem(item, 'this waiver has no `where` (column: value of the findings it accepts)');
      else if (!isMap(whereEntry.value) || whereEntry.value.items.length === 0) {
        this.#problem(whereEntry.value ?? whereEntry.keyNode, 'where must be a non-empty map of column: value, e.g. { Remote_IP: 104.34.34.34 }');
        ok = false;
      } else {
        for (const e of this.#entries(whereEntry.value, null, 'where')) {
          const value = this.#js(e.value);
          if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') where[e.key] = String(value);
          else {
            this.#problem(e.value ?? e.keyNode, `where.${e.key} must be a single value as the table shows it (found ${describe(value)})`);
            ok = false;
          }
        }
      }

      const reasonEntry = get('reason');
      const reason = reasonEntry ? this.#text(reasonEntry, 'reason') : undefined;
      if (!reasonEntry) this.#problem(item, 'this waiver has no `reason` (why the findings are accepted, e.g. a change ticket)');

      const expiresEntry = get('expires');
      let expires: string | undefined;
      if (expiresEntry) {
        const value = this.#js(expiresEntry.value);
        if (typeof value === 'string' && isIsoDate(value.trim())) expires = value.trim();
        else {
          this.#problem(expiresEntry.value ?? expiresEntry.keyNode, `expires must be a date as YYYY-MM-DD, e.g. 2027-01-31 (found ${describe(value)})`);
          ok = false;
        }
      }

      if (ok && check !== undefined && reason !== undefined && whereEntry) {
        waivers.push({ check, where, reason, ...(expires ? { expires } : {}), position: this.#position(item) });
      }
    }
    return waivers;
  }
}

function option(kind: CheckKind, name: string): KindOption | undefined {
  return kind.options.find((o) => o.name === name);
}

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

function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** A short description of a YAML value for a message. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a map';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

// ---------------------------------------------------------------- the built-in set

function builtIn(kind: string, name: string, tags: string[]): CheckSpec {
  return { name, check: kind, severity: kindByName(kind)?.defaultSeverity ?? 'error', with: {}, tags };
}

/**
 * The checks `netq check` runs without a checks file: parse health, BGP compatibility, BGP
 * established, undefined references and duplicate IPs.
 */
export const DEFAULT_CHECKS: ChecksFile = {
  version: 1,
  source: 'built-in',
  checks: [
    builtIn('parse-clean', 'parse-clean', ['parse']),
    builtIn('bgp-sessions-compatible', 'bgp-sessions-compatible', ['bgp']),
    builtIn('bgp-sessions-established', 'bgp-sessions-established', ['bgp']),
    builtIn('no-undefined-references', 'no-undefined-references', ['references']),
    builtIn('no-duplicate-ips', 'no-duplicate-ips', ['addresses']),
  ],
  waivers: [],
};

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

function parameterSchema(param: KindParameter, template: QuestionTemplate | undefined): Schema {
  const variable = param.source === 'variable' ? template?.variables[param.name] : undefined;
  if (variable) return variableSchema(variable);
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

function withSchema(kind: CheckKind, templates: ReadonlyMap<string, QuestionTemplate>): Schema {
  const params = kindParameters(kind, templates);
  const template = kind.template ? templates.get(kind.template.toLowerCase()) : undefined;
  const required = params.filter((p) => p.required).map((p) => p.name);
  const schema: Schema = {
    type: 'object',
    description: `parameters of ${kind.kind}`,
    properties: Object.fromEntries(params.map((p) => [p.name, parameterSchema(p, template)])),
    additionalProperties: false,
    ...(required.length ? { required } : {}),
  };
  if (kind.kind === 'question') {
    const all = [...templates.values()].sort((a, b) => a.name.localeCompare(b.name));
    schema.properties = {
      question: { description: 'the question template, e.g. routes', enum: all.map((t) => t.name) },
      parameters: { description: "the template's parameters", type: 'object' },
    };
    // One branch per template, so an editor completes that template's parameters.
    schema.allOf = all.map((t) => ({
      if: { properties: { question: { const: t.name } }, required: ['question'] },
      then: { properties: { parameters: templateParametersSchema(t) } },
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
          ...(kind.kind === 'question' ? {} : { not: { required: ['expect'] } }),
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
