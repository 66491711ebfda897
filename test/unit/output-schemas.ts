/**
 * What the output-contract tests share: the published JSON Schemas (schemas/) compiled with ajv,
 * Python's csv.reader as the judge of CSV, and Graphviz and mermaid as the judges of pictures.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { JSDOM } from 'jsdom';

const addFormats = addFormatsModule.default ?? addFormatsModule;
const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);

/** The schemas netq publishes for its JSON outputs, by file name. */
export const OUTPUT_SCHEMAS = [
  'netq-answer.schema.json',
  'netq-answers.schema.json',
  'netq-summary.schema.json',
  'netq-all-sites.schema.json',
  'netq-sites.schema.json',
  'netq-questions.schema.json',
  'netq-question-parameters.schema.json',
  'netq-impact.schema.json',
] as const;
export type OutputSchema = (typeof OUTPUT_SCHEMAS)[number];

const ajv = (() => {
  const instance = new Ajv({ allErrors: true, strict: true });
  addFormats(instance);
  for (const file of readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json') && OUTPUT_SCHEMAS.includes(f as OutputSchema))) {
    instance.addSchema(JSON.parse(readFileSync(new URL(file, SCHEMAS_DIR), 'utf8')) as object);
  }
  return instance;
})();

/** The compiled validator of one published schema. */
export function validator(schema: OutputSchema): ValidateFunction {
  const validate = ajv.getSchema(schema);
  assert.ok(validate, `schemas/${schema} is published`);
  return validate;
}

/** Asserts that a document (or JSON text) validates against a published schema, naming every error. */
export function assertValid(schema: OutputSchema, doc: unknown): void {
  const value: unknown = typeof doc === 'string' ? JSON.parse(doc) : doc;
  const validate = validator(schema);
  assert.ok(validate(value), `${schema}: ${JSON.stringify(validate.errors, null, 2)}`);
}

/**
 * CSV as Python's csv.reader reads it (the reader scripts use): a list of rows of fields. Python
 * is on every machine this project runs on (CI included).
 */
export function pythonCsvRows(text: string): string[][] {
  const script = 'import csv, json, sys\nprint(json.dumps(list(csv.reader(sys.stdin.read().splitlines(True)))))';
  const out = spawnSync('python3', ['-c', script], { input: text, encoding: 'utf8' });
  assert.equal(out.status, 0, `python3 csv.reader failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as string[][];
}

/** Asserts that CSV text is one table: a header and rows of the same width, no blank or `#` lines. */
export function assertOneTable(text: string, header?: string[]): string[][] {
  const rows = pythonCsvRows(text);
  assert.ok(rows.length >= 1, 'a header row');
  const width = rows[0]!.length;
  rows.forEach((row, i) => assert.equal(row.length, width, `row ${i} has ${row.length} fields, the header ${width}: ${JSON.stringify(row)}`));
  assert.ok(!rows.some((r) => r.length === 1 && (r[0] === '' || r[0]!.startsWith('#'))), 'no blank or # lines');
  if (header) assert.deepEqual(rows[0], header);
  return rows;
}

/** Whether Graphviz's `dot` runs here; CI installs it, a machine without it skips the rendering checks. */
export function graphvizSkip(): string | false {
  const dot = spawnSync('dot', ['-V'], { encoding: 'utf8' });
  const hasDot = dot.error === undefined && dot.status === 0;
  return !hasDot && !process.env.CI ? 'Graphviz `dot` is not installed (apt-get install graphviz)' : false;
}

/** Renders DOT with Graphviz; fails on an error or a warning. */
export function renderDot(text: string, format = 'svg'): string {
  const out = spawnSync('dot', [`-T${format}`], { input: text, encoding: 'utf8' });
  assert.equal(out.error, undefined, `dot could not run: ${String(out.error)}`);
  assert.equal(out.status, 0, `dot failed: ${out.stderr}`);
  assert.equal(out.stderr, '', `dot warned: ${out.stderr}`);
  return out.stdout;
}

/** The texts an SVG shows, with Graphviz's character references decoded. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  );
}

let mermaidParse: ((text: string) => Promise<unknown>) | undefined;

/** mermaid's own parser (it sanitises labels with DOMPurify, which needs a DOM: jsdom). */
export async function parseMermaid(text: string): Promise<unknown> {
  if (!mermaidParse) {
    const { window } = new JSDOM('');
    Object.assign(globalThis, { window, document: window.document });
    const mermaid = (await import('mermaid')).default;
    mermaidParse = (t) => mermaid.parse(t);
  }
  return mermaidParse(text);
}
