/**
 * The checks file of `netq check` (`netq-checks.yaml`): parsed with positions, validated in full
 * before anything is sent to Batfish (every mistake at once, as `file:line:column: message`), and
 * described as a JSON Schema so editors complete and check it.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { suggestion, type QuestionTemplate } from '../batfish/question.js';
import { InputError } from '../errors.js';
import { SITE_GLOB, ISO_DATE } from './checks-schema.js';
import { validateWith } from './checks-with.js';
import { describe, YamlReader, type ChecksFileProblem, type Entry } from './checks-yaml.js';
import { CHECK_KINDS, kindByName, type CheckKind } from './kinds/index.js';
import type { CheckSpec, ChecksFile, Severity, Waiver } from './model.js';

export type { ChecksFileProblem } from './checks-yaml.js';
export { checksFileSchema, HEADER_FIELDS, PATH_FIELDS } from './checks-schema.js';
export { variableProblem } from './checks-with.js';

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

/**
 * Parses and validates a checks file. Every mistake is collected, then thrown together as one
 * ChecksFileError (exit 2); `templates` are the bundled templates, so parameters are checked
 * without asking Batfish.
 */
export function parseChecksFile(text: string, file: string, templates: ReadonlyMap<string, QuestionTemplate>): ChecksFile {
  return new Validator(text, file, templates).run();
}

class Validator {
  readonly #r: YamlReader;

  constructor(
    text: string,
    readonly file: string,
    readonly templates: ReadonlyMap<string, QuestionTemplate>,
  ) {
    this.#r = new YamlReader(text, file);
  }

  run(): ChecksFile {
    const syntax = this.#r.doc.errors;
    for (const error of syntax) this.#r.problemAt(error.pos[0], `YAML: ${error.message}`);
    // A broken tree only yields confusing follow-up problems; a repeated key leaves it whole.
    const result = syntax.every((e) => e.code === 'DUPLICATE_KEY') ? this.#file() : undefined;
    if (this.#r.problems.length > 0 || !result) {
      const sorted = [...this.#r.problems].sort((a, b) => a.line - b.line || a.column - b.column);
      throw new ChecksFileError(this.file, sorted);
    }
    return result;
  }

  // ---------------------------------------------------------------- the file

  #file(): ChecksFile | undefined {
    const root = this.#r.doc.contents;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
      this.#r.problemAt(0, 'the file is empty: it needs `version: 1` and a `checks:` list');
      return undefined;
    }
    if (!isMap(root)) {
      this.#r.problem(root, `the file must be a map with \`version: 1\` and \`checks:\` (found ${describe(this.#r.js(root))})`);
      return undefined;
    }
    const entries = this.#r.entries(root, TOP_KEYS, 'the file');
    const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);

    const version = get('version');
    if (!version) this.#r.problem(root, '`version: 1` is missing');
    else if (!(isScalar(version.value) && version.value.value === 1)) {
      this.#r.problem(version.value ?? version.keyNode, `version must be 1 (found ${describe(this.#r.js(version.value))})`);
    }

    const checksEntry = get('checks');
    let checks: CheckSpec[] = [];
    if (!checksEntry) this.#r.problem(root, '`checks:` is missing: list at least one check');
    else if (!isSeq(checksEntry.value)) {
      this.#r.problem(checksEntry.value ?? checksEntry.keyNode, `checks must be a list of checks (found ${describe(this.#r.js(checksEntry.value))})`);
    } else if (checksEntry.value.items.length === 0) {
      this.#r.problem(checksEntry.value, 'checks must list at least one check');
    } else {
      checks = this.#checks(checksEntry.value.items as Array<Node | null>);
    }

    const waiversEntry = get('waivers');
    let waivers: Waiver[] = [];
    if (waiversEntry && waiversEntry.value !== null && !(isScalar(waiversEntry.value) && waiversEntry.value.value === null)) {
      if (!isSeq(waiversEntry.value)) {
        this.#r.problem(waiversEntry.value, `waivers must be a list (found ${describe(this.#r.js(waiversEntry.value))})`);
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
        this.#r.problem(item, `a check must be a map with at least \`name\` and \`check\` (found ${describe(this.#r.js(item))})`);
        continue;
      }
      const { name, spec } = this.#check(item);
      // Names count even when the rest of the check is wrong, so a duplicate is still reported.
      if (name !== undefined) {
        const first = seen.get(name);
        if (first !== undefined) this.#r.problem(item, `duplicate check name '${name}' (first used on line ${first})`);
        else seen.set(name, this.#r.position(item).line);
      }
      if (spec) checks.push(spec);
    }
    return checks;
  }

  #check(node: Node): { name?: string; spec?: CheckSpec } {
    const entries = this.#r.entries(node, CHECK_KEYS, 'a check');
    const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);

    const nameEntry = get('name');
    const name = nameEntry ? this.#r.text(nameEntry, 'name') : undefined;
    if (!nameEntry) this.#r.problem(node, 'this check has no `name`');

    const kindEntry = get('check');
    let kind: CheckKind | undefined;
    if (!kindEntry) this.#r.problem(node, `${name ? `check '${name}'` : 'this check'} has no \`check\` (the kind, e.g. bgp-sessions-established)`);
    else {
      const kindName = this.#r.text(kindEntry, 'check');
      if (kindName !== undefined) {
        kind = kindByName(kindName);
        const names = CHECK_KINDS.map((k) => k.kind);
        if (!kind) {
          this.#r.problem(kindEntry.value, `unknown check kind '${kindName}'${suggestion(kindName, names)} (valid kinds: ${names.join(', ')})`);
        }
      }
    }

    let severity: Severity = kind?.defaultSeverity ?? 'error';
    const severityEntry = get('severity');
    if (severityEntry) {
      const value = this.#r.js(severityEntry.value);
      if (value === 'error' || value === 'warning') severity = value;
      else this.#r.problem(severityEntry.value ?? severityEntry.keyNode, `severity must be error or warning (found ${describe(value)})`);
    }

    const withEntry = get('with');
    const parameters = kind ? validateWith(this.#r, this.templates, kind, withEntry, node) : {};

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
      position: this.#r.position(node),
    };
    return { name, spec };
  }

  #sites(entry: Entry | undefined): string[] | undefined {
    if (!entry) return undefined;
    if (!isSeq(entry.value) || entry.value.items.length === 0) {
      this.#r.problem(entry.value ?? entry.keyNode, 'sites must be a non-empty list of region/site globs, e.g. [north_america/*]');
      return undefined;
    }
    const sites: string[] = [];
    for (const item of entry.value.items as Array<Node | null>) {
      const value = this.#r.js(item);
      if (typeof value === 'string' && SITE_GLOB.test(value.trim())) sites.push(value.trim());
      else {
        this.#r.problem(item ?? entry.value, `site ${describe(value)} must be a region/site glob, e.g. north_america/nyc, north_america/* or */nyc`);
      }
    }
    return sites;
  }

  #tags(entry: Entry | undefined): string[] {
    if (!entry) return [];
    if (!isSeq(entry.value)) {
      this.#r.problem(entry.value ?? entry.keyNode, 'tags must be a list of words, e.g. [bgp, core]');
      return [];
    }
    const tags: string[] = [];
    for (const item of entry.value.items as Array<Node | null>) {
      const value = this.#r.js(item);
      if ((typeof value === 'string' && value.trim()) || typeof value === 'number') tags.push(String(value).trim());
      else this.#r.problem(item ?? entry.value, `a tag must be non-empty text (found ${describe(value)})`);
    }
    return tags;
  }

  #expect(entry: Entry | undefined, kind: CheckKind | undefined): CheckSpec['expect'] {
    if (!entry) return undefined;
    if (kind && !kind.expect) {
      this.#r.problem(entry.keyNode, `\`expect\` is only for checks of kind question (this check is ${kind.kind})`);
      return undefined;
    }
    if (!isMap(entry.value)) {
      this.#r.problem(entry.value ?? entry.keyNode, 'expect must be a map: { rows: N } or { min-rows: N }');
      return undefined;
    }
    const entries = this.#r.entries(entry.value, EXPECT_KEYS, 'expect');
    const expect: { rows?: number; minRows?: number } = {};
    for (const e of entries) {
      const value = this.#r.js(e.value);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        this.#r.problem(e.value ?? e.keyNode, `${e.key} must be a whole number, 0 or more (found ${describe(value)})`);
      } else if (e.key === 'rows') expect.rows = value;
      else expect.minRows = value;
    }
    if (entries.length === 0) this.#r.problem(entry.value, 'expect needs rows or min-rows');
    if (entries.length === 2) this.#r.problem(entry.value, 'expect takes rows or min-rows, not both');
    return expect.rows !== undefined || expect.minRows !== undefined ? expect : undefined;
  }

  // ---------------------------------------------------------------- waivers

  #waivers(items: Array<Node | null>, checkNames: string[]): Waiver[] {
    const waivers: Waiver[] = [];
    for (const item of items) {
      if (!item || !isMap(item)) {
        this.#r.problem(item, `a waiver must be a map with check, where, reason and expires (found ${describe(this.#r.js(item))})`);
        continue;
      }
      const entries = this.#r.entries(item, WAIVER_KEYS, 'a waiver');
      const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);
      let ok = true;

      const checkEntry = get('check');
      const check = checkEntry ? this.#r.text(checkEntry, 'check') : undefined;
      if (!checkEntry) this.#r.problem(item, 'this waiver has no `check` (the name of a check)');
      else if (check !== undefined && !checkNames.includes(check)) {
        this.#r.problem(checkEntry.value, `waiver names check '${check}', which is not in checks${suggestion(check, checkNames)} (checks: ${checkNames.join(', ')})`);
        ok = false;
      }

      const where: Record<string, string> = {};
      const whereEntry = get('where');
      if (!whereEntry) this.#r.problem(item, 'this waiver has no `where` (column: value of the findings it accepts)');
      else if (!isMap(whereEntry.value) || whereEntry.value.items.length === 0) {
        this.#r.problem(whereEntry.value ?? whereEntry.keyNode, 'where must be a non-empty map of column: value, e.g. { Remote_IP: 104.34.34.34 }');
        ok = false;
      } else {
        for (const e of this.#r.entries(whereEntry.value, null, 'where')) {
          const value = this.#r.js(e.value);
          if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') where[e.key] = String(value);
          else {
            this.#r.problem(e.value ?? e.keyNode, `where.${e.key} must be a single value as the table shows it (found ${describe(value)})`);
            ok = false;
          }
        }
      }

      const reasonEntry = get('reason');
      const reason = reasonEntry ? this.#r.text(reasonEntry, 'reason') : undefined;
      if (!reasonEntry) this.#r.problem(item, 'this waiver has no `reason` (why the findings are accepted, e.g. a change ticket)');

      const expiresEntry = get('expires');
      let expires: string | undefined;
      if (expiresEntry) {
        const value = this.#r.js(expiresEntry.value);
        if (typeof value === 'string' && isIsoDate(value.trim())) expires = value.trim();
        else {
          this.#r.problem(expiresEntry.value ?? expiresEntry.keyNode, `expires must be a date as YYYY-MM-DD, e.g. 2027-01-31 (found ${describe(value)})`);
          ok = false;
        }
      }

      if (ok && check !== undefined && reason !== undefined && whereEntry) {
        waivers.push({ check, where, reason, ...(expires ? { expires } : {}), position: this.#r.position(item) });
      }
    }
    return waivers;
  }
}

function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
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

