/**
 * Pure output functions of the site commands: results in, the text for stdout and stderr and the
 * exit code out. Nothing here writes or asks anything.
 *
 * The JSON documents are a contract for scripts, published as JSON Schemas in `schemas/`:
 * one answer is an `AnswerEnvelope` (netq-answer.schema.json), several answers about one site an
 * `AnswersDocument` (netq-answers.schema.json), and `--all` an `AllSitesDocument` holding one of
 * those per site (netq-all-sites.schema.json, made in output-all-sites.ts). Fields are only ever added.
 */
import type { QuestionAsk, QuestionResult } from './app/site-run.js';
import { ExitCode, InputError } from './errors.js';
import { answerGraphEdges, graphTitle, isGraphQuestion } from './render/answer-graph.js';
import { csvChunks } from './render/csv.js';
import { toDot, toMermaid } from './render/graph.js';
import { jsonRows, renderJson, renderText, type OutputFormat, type TerminalInfo } from './render/index.js';
import { jsonChunks } from './render/stream.js';
import { tableChunks } from './render/table.js';
import { selectColumns, sortRows } from './render/select.js';
import { NETQ_VERSION } from './version.js';

/** Formats that draw an answer as a graph: Graphviz DOT and Mermaid. */
export const PICTURE_FORMATS = ['dot', 'mermaid'] as const;
export type PictureFormat = (typeof PICTURE_FORMATS)[number];
/** Every `--format` of a site command: the four for any answer, the two pictures for graphs. */
export const ANSWER_FORMATS = ['table', 'json', 'csv', 'markdown', ...PICTURE_FORMATS] as const;
export type AnswerFormat = OutputFormat | PictureFormat;

/** One column of an answer, as Batfish describes it. */
export interface EnvelopeColumn {
  name: string;
  schema: string;
  description: string;
  isKey: boolean;
  isValue: boolean;
}

/**
 * The JSON document netq prints for an answer. Its shape is a contract for scripts: fields are
 * only ever added.
 */
export interface AnswerEnvelope extends SiteOrigin {
  /** The snapshot compared against, for a differential answer; null otherwise. */
  referenceSnapshot: string | null;
  question: { name: string; parameters: Record<string, unknown> };
  columns: EnvelopeColumn[];
  rows: Array<Record<string, unknown>>;
  summary: { numResults: number; notes: string | null };
  warnings: string[];
}

/** Several answers about one snapshot (`parse-status`): one document, its answers by question. */
export interface AnswersDocument extends SiteOrigin {
  referenceSnapshot: string | null;
  /** Each answer's envelope, keyed by its question (the names `--table` takes). */
  answers: Record<string, AnswerEnvelope>;
  warnings: string[];
}

/** How answers are shaped and printed: the output flags and the terminal. */
export interface AnswerOutputOptions {
  format: AnswerFormat;
  /** `--columns a,b,c`. */
  columns?: string | undefined;
  /** `--sort col[:desc]`. */
  sort?: string | undefined;
  /** `--table NAME`: the one answer of a multi-answer command to print. */
  table?: string | undefined;
  terminal: TerminalInfo;
  verbose: boolean;
}

export interface CommandText {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A CommandText whose stdout is written chunk by chunk (joined, the same text). */
export interface CommandStream {
  stdout: Iterable<string>;
  stderr: string;
  exitCode: number;
}

/** The site and snapshot a document is about, as every site document names them (first, in this order). */
export interface SiteOrigin {
  netqVersion: string;
  batfishVersion: string;
  /** The region of the site, or null for a `--snapshot-dir` folder. */
  region: string | null;
  /** The site (or the snapshot folder's name). */
  site: string;
  network: string;
  snapshot: string;
}

/** The site origin of a result. */
export function siteOrigin(result: QuestionResult): SiteOrigin {
  return {
    netqVersion: NETQ_VERSION,
    batfishVersion: result.batfishVersion.batfish,
    region: result.location.region ?? null,
    site: result.location.site,
    network: result.network,
    snapshot: result.snapshot,
  };
}

/** Where an answer came from, as every answer document names it. */
function origin(result: QuestionResult): SiteOrigin & { referenceSnapshot: string | null } {
  return { ...siteOrigin(result), referenceSnapshot: result.referenceSnapshot ?? null };
}

export function answerEnvelope(result: QuestionResult): AnswerEnvelope {
  return envelopeWith(result, jsonRows(result.answer));
}

/** An answer's envelope with `rows` standing for its rows (converted, or a placeholder to stream them). */
function envelopeWith<Rows>(result: QuestionResult, rows: Rows): Omit<AnswerEnvelope, 'rows'> & { rows: Rows } {
  const { answer } = result;
  return {
    ...origin(result),
    question: { name: result.question, parameters: result.parameters },
    columns: answer.columns.map(({ name, schema, description, isKey, isValue }) => ({ name, schema, description, isKey, isValue })),
    rows,
    summary: { numResults: answer.summary.numResults, notes: answer.summary.notes ?? null },
    warnings: [...result.warnings, ...answer.warnings],
  };
}

/** Several answers about one snapshot as one document. */
export function answersDocument(results: QuestionResult[]): AnswersDocument {
  return documentWith(results, (result) => answerEnvelope(result));
}

function documentWith<Envelope>(
  results: QuestionResult[],
  envelope: (result: QuestionResult) => Envelope,
): Omit<AnswersDocument, 'answers'> & { answers: Record<string, Envelope> } {
  const first = results[0]!;
  return {
    ...origin(first),
    answers: Object.fromEntries(results.map((r) => [r.question, envelope(r)])),
    warnings: first.warnings,
  };
}


/** Applies --sort and --columns to an answer. */
export function shapeAnswer(result: QuestionResult, options: Pick<AnswerOutputOptions, 'columns' | 'sort'>): QuestionResult {
  let answer = result.answer;
  if (options.sort) answer = sortRows(answer, options.sort);
  if (options.columns) answer = selectColumns(answer, options.columns.split(','));
  return { ...result, answer };
}

/** What the flags ask for, checked before anything is asked: a typo costs no Batfish work. */
export interface OutputRequest {
  questions: QuestionAsk[];
  all: boolean;
  differential: boolean;
}

/**
 * Refuses output choices that cannot work for these questions, before anything is uploaded:
 * a picture of an answer that is no graph (or of several, or of a differential answer), CSV of
 * several answers without `--table`, a `--table` that names none of them.
 */
export function checkOutputOptions(request: OutputRequest, options: Pick<AnswerOutputOptions, 'format' | 'table'>): void {
  const names = request.questions.map((q) => q.question);
  if (options.table !== undefined) tableChoice(names, options.table);
  const picked = options.table !== undefined ? [tableChoice(names, options.table)] : names;
  if (options.format === 'dot' || options.format === 'mermaid') {
    const valid = picked.length === 1 && isGraphQuestion(picked[0]!) ? [...ANSWER_FORMATS] : ANSWER_FORMATS.filter((f) => f !== 'dot' && f !== 'mermaid');
    if (!valid.includes(options.format)) {
      throw new InputError(`--format ${options.format} draws a graph, and ${names.join(', ')} is not one`, {
        hint: `formats of this command: ${valid.join(', ')} (dot and mermaid draw bgp-sessions, bgp-compat, ospf-sessions and edges)`,
      });
    }
    if (request.all) {
      throw new InputError(`--format ${options.format} draws one site, and --all asks about many`, {
        hint: 'name one site with -r REGION -s SITE, or use --format markdown, which draws each site above its table',
      });
    }
    if (request.differential) {
      throw new InputError(`--format ${options.format} draws one snapshot, and --reference compares two`, {
        hint: 'drop --reference/--reference-dir, or use --format table or json for the comparison',
      });
    }
  }
  if (options.format === 'csv' && picked.length > 1) {
    throw new InputError(`CSV holds one table and this command answers ${picked.length}: ${names.join(', ')}`, {
      hint: `pick one with --table ${names.join('|')}`,
    });
  }
}

/** The question `--table NAME` names (case-insensitive), or an input error naming the choices. */
function tableChoice(names: string[], table: string): string {
  const found = names.find((n) => n.toLowerCase() === table.toLowerCase());
  if (!found) throw new InputError(`--table '${table}' is not one of this command's answers`, { hint: `choose one of ${names.join(', ')}` });
  return found;
}

/** The results `--table` keeps (all of them without it). */
export function pickTable(results: QuestionResult[], table: string | undefined): QuestionResult[] {
  if (table === undefined) return results;
  const name = tableChoice(results.map((r) => r.question), table);
  return results.filter((r) => r.question === name);
}

/** `north_america/nyc`, or the folder's name for a snapshot folder. */
function whereText(result: QuestionResult): string {
  return `${result.location.region ? `${result.location.region}/` : ''}${result.location.site}`;
}

/** The picture of one answer in DOT or Mermaid, titled with the site and what it shows. */
export function formatPicture(result: QuestionResult, format: PictureFormat): string {
  const edges = answerGraphEdges(result.question, result.answer);
  if (!edges) {
    throw new InputError(`the ${result.question} answer has no columns netq can draw`, { hint: 'use --format table or json' });
  }
  const title = `${whereText(result)} ${graphTitle(result.question)}`;
  return format === 'dot' ? toDot(edges, { title }) : toMermaid(edges, { title });
}

/**
 * One answer as text: table, CSV or Markdown (with the Mermaid picture of a graph above the
 * table). `picture` is the answer before --columns, so the graph can read every column it needs.
 */
export function formatAnswerText(result: QuestionResult, format: Exclude<OutputFormat, 'json'>, terminal: TerminalInfo, picture?: QuestionResult): string {
  const text = renderText(result.answer, format, terminal);
  if (format !== 'markdown' || !picture || !isGraphQuestion(picture.question) || picture.answer.rows.length === 0) return text;
  const edges = answerGraphEdges(picture.question, picture.answer);
  return edges ? `\`\`\`mermaid\n${toMermaid(edges)}\`\`\`\n\n${text}` : text;
}

/** One answer in the chosen format, ready for stdout. */
export function formatAnswer(result: QuestionResult, format: AnswerFormat, terminal: TerminalInfo): string {
  if (format === 'json') return renderJson(answerEnvelope(result));
  if (format === 'dot' || format === 'mermaid') return formatPicture(result, format);
  return formatAnswerText(result, format, terminal, result);
}

/** `netq: 3 rows from bgpSessionStatus on north_america/nyc-…` for each answer. */
function rowCountText(results: QuestionResult[]): string {
  return results.map((r) => `netq: ${r.answer.rows.length} row${r.answer.rows.length === 1 ? '' : 's'} from ${r.question} on ${r.network}/${r.snapshot}\n`).join('');
}

/**
 * The answers about one site: one envelope (one question), one document holding the answers
 * (several), a picture, or tables one after another under a title; a row count per answer on
 * stderr. `--table` keeps one answer of several.
 */
export function formatSiteAnswers(results: QuestionResult[], options: AnswerOutputOptions): CommandText {
  const { stdout, ...rest } = streamSiteAnswers(results, options);
  return { ...rest, stdout: [...stdout].join('') };
}

/**
 * formatSiteAnswers with stdout as chunks: what the commands write, so a large answer is printed
 * a block of rows at a time (JSON and CSV) instead of as one string built in memory.
 */
export function streamSiteAnswers(results: QuestionResult[], options: AnswerOutputOptions): CommandStream {
  const picked = pickTable(results, options.table);
  const shaped = picked.map((result) => shapeAnswer(result, options));
  const sorted = picked.map((result) => shapeAnswer(result, { sort: options.sort }));
  let stdout: Iterable<string>;
  const format = options.format;
  if (format === 'json') {
    stdout = jsonChunks((lazy) =>
      shaped.length === 1 ? envelopeWith(shaped[0]!, lazy(shaped[0]!.answer)) : documentWith(shaped, (r) => envelopeWith(r, lazy(r.answer))),
    );
  } else if (format === 'dot' || format === 'mermaid') {
    if (sorted.length !== 1) throw new InputError(`--format ${format} draws one answer`, { hint: 'pick one with --table' });
    stdout = [formatPicture(sorted[0]!, format)];
  } else if (format === 'csv') {
    if (shaped.length > 1) {
      throw new InputError('CSV holds one table', { hint: `pick one with --table ${shaped.map((r) => r.question).join('|')}` });
    }
    stdout = csvChunks(shaped[0]!.answer);
  } else {
    stdout = textChunks(shaped, sorted, format, options.terminal);
  }
  return { stdout, stderr: rowCountText(shaped), exitCode: ExitCode.ok };
}

/** Tables (a few hundred rows at a time) or Markdown, one after another under a title when there are several. */
function* textChunks(shaped: QuestionResult[], sorted: QuestionResult[], format: 'table' | 'markdown', terminal: TerminalInfo): Generator<string> {
  for (const [index, result] of shaped.entries()) {
    if (shaped.length > 1) yield `${index ? '\n' : ''}${sectionTitle(result.question, format)}\n`;
    if (format === 'table') yield* tableChunks(result.answer, terminal);
    else yield formatAnswerText(result, format, terminal, sorted[index]);
  }
}

/** The heading above each answer when a command prints several. */
export function sectionTitle(question: string, format: OutputFormat): string {
  return format === 'markdown' ? `## ${question}\n` : `== ${question} ==`;
}
