/**
 * Pure output functions of the site commands: results in, the text for stdout and stderr and the
 * exit code out. Nothing here writes or asks anything.
 */
import type { SiteOutcome } from './app/all-sites.js';
import { sourceName, type QuestionResult } from './app/site-run.js';
import { ExitCode, formatError } from './errors.js';
import { jsonRows, renderJson, renderText, type OutputFormat, type TerminalInfo } from './render/index.js';
import { selectColumns, sortRows } from './render/select.js';
import { NETQ_VERSION } from './version.js';

/**
 * The JSON document netq prints for an answer. Its shape is a contract for scripts: fields are
 * only ever added.
 */
export interface AnswerEnvelope {
  netqVersion: string;
  batfishVersion: string;
  network: string;
  snapshot: string;
  /** The snapshot compared against, for a differential answer; null otherwise. */
  referenceSnapshot: string | null;
  question: { name: string; parameters: Record<string, unknown> };
  columns: Array<{ name: string; schema: string; description: string; isKey: boolean; isValue: boolean }>;
  rows: Array<Record<string, unknown>>;
  summary: { numResults: number; notes: string | null };
  warnings: string[];
}

/** How answers are shaped and printed: the output flags and the terminal. */
export interface AnswerOutputOptions {
  format: OutputFormat;
  /** `--columns a,b,c`. */
  columns?: string;
  /** `--sort col[:desc]`. */
  sort?: string;
  terminal: TerminalInfo;
  verbose: boolean;
}

export interface CommandText {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function answerEnvelope(result: QuestionResult): AnswerEnvelope {
  const { answer } = result;
  return {
    netqVersion: NETQ_VERSION,
    batfishVersion: result.batfishVersion.batfish,
    network: result.network,
    snapshot: result.snapshot,
    referenceSnapshot: result.referenceSnapshot ?? null,
    question: { name: result.question, parameters: result.parameters },
    columns: answer.columns.map(({ name, schema, description, isKey, isValue }) => ({ name, schema, description, isKey, isValue })),
    rows: jsonRows(answer),
    summary: { numResults: answer.summary.numResults, notes: answer.summary.notes ?? null },
    warnings: [...result.warnings, ...answer.warnings],
  };
}

/** Applies --sort and --columns to an answer. */
export function shapeAnswer(result: QuestionResult, options: Pick<AnswerOutputOptions, 'columns' | 'sort'>): QuestionResult {
  let answer = result.answer;
  if (options.sort) answer = sortRows(answer, options.sort);
  if (options.columns) answer = selectColumns(answer, options.columns.split(','));
  return { ...result, answer };
}

/** One answer in the chosen format, ready for stdout. */
export function formatAnswer(result: QuestionResult, format: OutputFormat, terminal: TerminalInfo): string {
  return format === 'json' ? renderJson(answerEnvelope(result)) : renderText(result.answer, format, terminal);
}

/**
 * The answers about one site: tables one after another under a title, JSON as one envelope (one
 * question) or a list of envelopes; a row count per answer on stderr.
 */
export function formatSiteAnswers(results: QuestionResult[], options: AnswerOutputOptions): CommandText {
  const shaped = results.map((result) => shapeAnswer(result, options));
  let stdout: string;
  if (options.format === 'json') {
    const envelopes = shaped.map(answerEnvelope);
    stdout = renderJson(envelopes.length === 1 ? envelopes[0] : envelopes);
  } else {
    stdout = shaped
      .map((result, index) => {
        const title = shaped.length > 1 ? `${index ? '\n' : ''}${sectionTitle(result.question, options.format)}\n` : '';
        return title + formatAnswer(result, options.format, options.terminal);
      })
      .join('');
  }
  const stderr = shaped
    .map((r) => `netq: ${r.answer.rows.length} row${r.answer.rows.length === 1 ? '' : 's'} from ${r.question} on ${r.network}/${r.snapshot}\n`)
    .join('');
  return { stdout, stderr, exitCode: ExitCode.ok };
}

/** Each failed site's error, prefixed with the site, for stderr. */
export function siteErrorsText(outcomes: SiteOutcome[], verbose: boolean): string {
  return outcomes
    .filter((o) => o.error)
    .map((o) => formatError(o.error!, verbose).replace(/^netq: error: /, `netq: error: ${sourceName(o.source)}: `))
    .join('');
}

/** The exit code of an --all run: the first failed site's, else 0. */
export function allSitesExitCode(outcomes: SiteOutcome[]): number {
  return outcomes.find((o) => o.error)?.error?.exitCode ?? ExitCode.ok;
}

/** --all: tables grouped per site with a roll-up line, JSON as a list of envelopes and site errors. */
export function formatEverySite(outcomes: SiteOutcome[], questionCount: number, options: AnswerOutputOptions): CommandText {
  const name = sourceName;
  const shape = (result: QuestionResult): QuestionResult => shapeAnswer(result, options);
  let stdout = '';
  let stderr = siteErrorsText(outcomes, options.verbose);
  if (options.format === 'json') {
    const list = outcomes.map((o) =>
      o.error
        ? { site: name(o.source), error: { message: o.error.message, exitCode: o.error.exitCode, hint: o.error.hint ?? null } }
        : (o.results ?? []).map(shape).map(answerEnvelope),
    );
    stdout = renderJson(list.flat());
  } else {
    let first = true;
    for (const outcome of outcomes) {
      for (const result of (outcome.results ?? []).map(shape)) {
        const title = questionCount > 1 ? `${name(outcome.source)}: ${result.question}` : name(outcome.source);
        stdout += `${first ? '' : '\n'}${sectionTitle(title, options.format)}\n${formatAnswer(result, options.format, options.terminal)}`;
        first = false;
      }
    }
    const answered = outcomes.filter((o) => o.results);
    const failed = outcomes.filter((o) => o.error);
    const rows = answered.flatMap((o) => o.results!.map((r) => `${name(o.source)} ${r.answer.rows.length}`));
    const rollUp = `${outcomes.length} site${outcomes.length === 1 ? '' : 's'}: ${answered.length} answered${rows.length ? ` (rows: ${rows.join(', ')})` : ''}${failed.length ? `, ${failed.length} failed (${failed.map((o) => name(o.source)).join(', ')})` : ''}`;
    // CSV stays one parseable stream per table; the roll-up goes to stderr there.
    if (options.format === 'csv') stderr += `netq: ${rollUp}\n`;
    else stdout += `\n${rollUp}\n`;
  }
  return { stdout, stderr, exitCode: allSitesExitCode(outcomes) };
}

/** The heading above each answer when a command prints several. */
function sectionTitle(question: string, format: OutputFormat): string {
  return format === 'markdown' ? `## ${question}\n` : format === 'csv' ? `# ${question}` : `== ${question} ==`;
}
