/** Answer helpers the check kinds share: cells as text, evidence rows, key values, locations. */
import path from 'node:path';
import { isObject, type ColumnMetadata, type TableAnswer } from '../../batfish/answer.js';
import { BatfishAnswerError } from '../../errors.js';
import { jsonRows, toJsonValue, toText } from '../../render/index.js';
import type { CheckSpec, FindingLocation } from '../model.js';
import type { SiteContext } from './types.js';

export function column(answer: TableAnswer, name: string): ColumnMetadata | undefined {
  return answer.columns.find((c) => c.name === name);
}

/** The column or a BatfishAnswerError: a Batfish whose answer lacks it cannot be judged. */
export function need(answer: TableAnswer, name: string, question: string): ColumnMetadata {
  const found = column(answer, name);
  if (!found) {
    throw new BatfishAnswerError(`the ${question} answer has no column ${name}`, {
      hint: `columns: ${answer.columns.map((c) => c.name).join(', ')}; this Batfish may be too old or too new for netq`,
    });
  }
  return found;
}

/** A cell as the table shows it ('' when absent or null). */
export function text(answer: TableAnswer, row: Record<string, unknown>, name: string): string {
  const meta = column(answer, name);
  return meta ? toText(meta.schema, row[name]) : '';
}

export function json(answer: TableAnswer, row: Record<string, unknown>, name: string): unknown {
  const meta = column(answer, name);
  return meta ? toJsonValue(meta.schema, row[name]) : null;
}

/** The row with cells converted as `--format json` prints them. */
export function evidence(answer: TableAnswer, row: Record<string, unknown>): Record<string, unknown> {
  return jsonRows({ columns: answer.columns, rows: [row] })[0] ?? {};
}

export const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const isFileLinesSchema = (schema: string): boolean => /FileLines/i.test(schema);

/**
 * The row's identity for a fingerprint: the given columns (default: the answer's key columns) as
 * text. File-and-line cells contribute only their file names, so moving lines never changes it.
 */
export function keyTexts(answer: TableAnswer, row: Record<string, unknown>, names?: string[]): string[] {
  const columns = names
    ? names.map((n) => column(answer, n)).filter((c): c is ColumnMetadata => c !== undefined)
    : answer.columns.filter((c) => c.isKey && c.name !== 'Line' && c.name !== 'Lines');
  return columns.map((c) =>
    isFileLinesSchema(c.schema) ? fileLinesOf(row[c.name]).map((f) => f.filename).join(', ') : toText(c.schema, row[c.name]),
  );
}

export interface FileLines {
  filename: string;
  lines: number[];
}

/** FileLines or List<FileLines> cells as a list. */
export function fileLinesOf(value: unknown): FileLines[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter(isObject).flatMap((v) =>
    typeof v.filename === 'string'
      ? [{ filename: v.filename, lines: Array.isArray(v.lines) ? v.lines.filter((l): l is number => typeof l === 'number') : [] }]
      : [],
  );
}

/**
 * A snapshot-relative file (`configs/r1.cfg`) as report paths give it (see SiteContext.dirFromCwd),
 * or null when the name Batfish gave cannot be a file of the site: one that climbs out of it
 * (`../../../../etc/passwd`), or holds control characters. Such a name never becomes a
 * report's location (a SARIF uri, an annotation's file), which readers would resolve outside the
 * repository.
 */
export function siteFile(site: SiteContext, file: string): string | null {
  const dir = site.dirFromCwd.replace(/\\/g, '/').replace(/\/+$/, '');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(file)) return null;
  const rel = path.posix.normalize(file.replace(/\\/g, '/').replace(/^\/+/, ''));
  if (rel === '.' || rel === '..' || rel.startsWith('../') || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return null;
  return dir === '' || dir === '.' ? rel : `${dir}/${rel}`;
}

/** A location on `file` of the site (see siteFile), or null when the name is not one. */
export function fileLocation(site: SiteContext, file: string, line: number | null): FindingLocation | null {
  const inside = siteFile(site, file);
  // A line is a positive whole number (SARIF's startLine is at least 1); anything else: the file only.
  const valid = line !== null && Number.isSafeInteger(line) && line >= 1 ? line : null;
  return inside === null ? null : { file: inside, line: valid };
}

export function locationOf(site: SiteContext, fileLines: FileLines | undefined): FindingLocation | null {
  if (!fileLines || fileLines.filename === '') return null;
  // reduce, not Math.min(...lines): a structure spanning 200 000 lines would overflow the stack.
  const line = fileLines.lines.length ? fileLines.lines.reduce((a, b) => Math.min(a, b)) : null;
  return fileLocation(site, fileLines.filename, line);
}

/**
 * Where a row points in the site's files, from the columns Batfish uses for that: `Lines`
 * (undefinedReferences), `Source_Lines` (initIssues, unusedStructures, parseWarning),
 * `Filename`/`Line` (parseWarning per line), `File_Name` (fileParseStatus).
 */
export function rowLocation(answer: TableAnswer, row: Record<string, unknown>, site: SiteContext): FindingLocation | null {
  for (const name of ['Lines', 'Source_Lines']) {
    if (column(answer, name)) {
      const found = locationOf(site, fileLinesOf(row[name])[0]);
      if (found) return found;
    }
  }
  for (const name of ['Filename', 'File_Name']) {
    const file = text(answer, row, name);
    if (file) {
      const line = row.Line;
      return fileLocation(site, file, typeof line === 'number' ? line : null);
    }
  }
  return null;
}

export function firstLineOf(value: string, max = 160): string {
  const line = value.split(/\r?\n/).find((l) => l.trim().length > 0)?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The variables of `with` that the kind passes to Batfish (options stay with the kind). */
export function given(spec: CheckSpec, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => spec.with[n] !== undefined).map((n) => [n, spec.with[n]]));
}

export function option<T>(spec: CheckSpec, name: string, fallback: T): T {
  const value = spec.with[name];
  return value === undefined ? fallback : (value as T);
}

export const vrfSuffix = (vrf: string): string => (vrf && vrf !== 'default' ? ` vrf ${vrf}` : '');

/** A flow's start and destination, the parts that stay when Batfish picks another example. */
export function flowKey(flow: unknown): string[] {
  if (!isObject(flow)) return [JSON.stringify(flow)];
  const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  return [s(flow.ingressNode), s(flow.ingressInterface), s(flow.ingressVrf)];
}

export function dispositionsOf(traces: unknown): string[] {
  const list = Array.isArray(traces) ? traces : [];
  return [...new Set(list.filter(isObject).map((t) => String(t.disposition ?? '')).filter(Boolean))].sort();
}

/** A glob as a regular expression: `*` any run of characters but `/`, `?` one; the rest literal. */
export function globRegExp(glob: string, flags = ''): RegExp {
  const pattern = glob
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`, flags);
}
