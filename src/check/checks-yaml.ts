/**
 * The checks file's YAML as the validator reads it: values with their positions, and every
 * problem collected as `line:column: message` (1-based).
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { isObject } from '../batfish/answer.js';
import { suggestion } from '../batfish/question.js';
import type { SourcePosition } from './model.js';

/** One mistake in a checks file (1-based line and column). */
export interface ChecksFileProblem {
  line: number;
  column: number;
  message: string;
}

/** A key of a map, its node and its value's node. */
export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

export class YamlReader {
  readonly #lines = new LineCounter();
  readonly doc: Document.Parsed;
  readonly problems: ChecksFileProblem[] = [];

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.#lines, prettyErrors: false });
  }

  problemAt(offset: number, message: string): void {
    const { line, col } = this.#lines.linePos(offset);
    this.problems.push({ line, column: col, message });
  }

  problem(node: Node | null | undefined, message: string): void {
    this.problemAt(node?.range?.[0] ?? 0, message);
  }

  position(node: Node | null | undefined): SourcePosition {
    const { line, col } = this.#lines.linePos(node?.range?.[0] ?? 0);
    return { file: this.file, line, column: col };
  }

  js(node: Node | null): unknown {
    if (node === null) return null;
    let value: unknown;
    try {
      value = node.toJS(this.doc);
    } catch (error) {
      // The YAML library refuses aliases that expand past its limit (a "billion laughs" file).
      if (!(error instanceof ReferenceError || /alias/i.test(String(error)))) throw error;
      this.problem(node, `this value uses YAML aliases (*name) that expand to too much (${error instanceof Error ? error.message : String(error)}); write the value out, or alias less`);
      return null;
    }
    // YAML 1.1 documents turn dates into Date objects; a checks file means the text.
    return value instanceof Date ? value.toISOString().slice(0, 10) : value;
  }

  /** The pairs of a map, with keys as text; other keys are reported. */
  entries(node: Node, allowed: string[] | null, where: string): Entry[] {
    if (!isMap(node)) return [];
    const entries: Entry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
        this.problem(keyNode ?? node, `${where} keys must be plain text`);
        continue;
      }
      const key = String(keyNode.value);
      if (allowed && !allowed.includes(key)) {
        this.problem(keyNode, `unknown key '${key}' in ${where}${suggestion(key, allowed)} (valid keys: ${allowed.join(', ')})`);
        continue;
      }
      entries.push({ key, keyNode, value: (pair.value as Node | null) ?? null });
    }
    return entries;
  }

  text(entry: Entry, what: string): string | undefined {
    const value = entry.value;
    if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number')) {
      const text = String(value.value).trim();
      if (text) return text;
    }
    this.problem(value ?? entry.keyNode, `${what} must be non-empty text`);
    return undefined;
  }

  /** Whether a map node has the key at all (a key with a wrong value was reported already). */
  given(node: Node | null, key: string): boolean {
    return isMap(node) && node.items.some((p) => isScalar(p.key) && String(p.key.value) === key);
  }
}

/** A short description of a YAML value for a message. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'a map';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}
