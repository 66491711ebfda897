/**
 * Pure output of `--all` (site commands and `summary --all`): the per-site entries or errors in
 * site order, the roll-up, and the exit code. The one-site pieces come from output.ts.
 */
import type { SiteOutcome } from './app/all-sites.js';
import type { QuestionResult } from './app/site-run.js';
import { ExitCode, InputError, formatError, type NetqError } from './errors.js';
import {
  answerEnvelope,
  answersDocument,
  formatAnswerText,
  pickTable,
  sectionTitle,
  shapeAnswer,
  type AnswerEnvelope,
  type AnswerOutputOptions,
  type AnswersDocument,
  type CommandText,
} from './output.js';
import { renderCsvRows } from './render/csv.js';
import { renderJson } from './render/index.js';
import { csvCellTexts } from './render/model.js';
import { sourceName, type SnapshotSource } from './sites/source.js';
import { NETQ_VERSION } from './version.js';

/** A site of `--all` that could not be answered. */
export interface SiteErrorEntry {
  region: string | null;
  site: string;
  error: { message: string; exitCode: number; hint: string | null };
}

/** `--all`: the per-site documents (or errors) in site order, and the roll-up. */
export interface AllSitesDocument<Entry = AnswerEnvelope | AnswersDocument> {
  netqVersion: string;
  sites: Array<Entry | SiteErrorEntry>;
  rollUp: AllSitesRollUp;
}

export interface AllSitesRollUp {
  /** Sites asked. */
  sites: number;
  /** Sites that answered. */
  answered: number;
  /** Sites that failed (their entries hold the error). */
  failed: number;
  /** Rows of every answer of every answered site together (absent for summary). */
  rows?: number;
  /** Sums of the answered sites' summaries (summary --all only). */
  totals?: Record<string, unknown>;
}

/** A failed site of `--all`, as its entry in the document. */
export function siteErrorEntry(source: SnapshotSource, error: NetqError): SiteErrorEntry {
  return {
    region: source.kind === 'site' ? source.region : null,
    site: source.kind === 'site' ? source.site : (source.name ?? source.dir),
    error: { message: error.message, exitCode: error.exitCode, hint: error.hint ?? null },
  };
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

/**
 * The `--all` document: each site's entry (made by `entryOf`) or its error, in site order, and
 * the roll-up counts (with `extra` added: rows, or summary totals).
 */
export function allSitesDocument<Entry>(
  outcomes: SiteOutcome[],
  entryOf: (results: QuestionResult[]) => Entry,
  extra: Pick<AllSitesRollUp, 'rows' | 'totals'> = {},
): AllSitesDocument<Entry> {
  const answered = outcomes.filter((o) => o.results && !o.error).length;
  return {
    netqVersion: NETQ_VERSION,
    sites: outcomes.map((o) => (o.error ? siteErrorEntry(o.source, o.error) : entryOf(o.results ?? []))),
    rollUp: { sites: outcomes.length, answered, failed: outcomes.length - answered, ...extra },
  };
}

/**
 * --all: JSON as one document (per-site envelopes and the roll-up); CSV as one table with
 * leading Region and Site columns; tables and Markdown grouped per site with a roll-up line.
 * Site errors go to stderr in every format.
 */
export function formatEverySite(outcomes: SiteOutcome[], options: AnswerOutputOptions): CommandText {
  const name = sourceName;
  const shape = (results: QuestionResult[]): QuestionResult[] => pickTable(results, options.table).map((r) => shapeAnswer(r, options));
  const answered = outcomes.filter((o) => o.results);
  const shapedResults = new Map(answered.map((o) => [o, shape(o.results!)]));
  const totalRows = [...shapedResults.values()].flat().reduce((sum, r) => sum + r.answer.rows.length, 0);
  let stdout = '';
  let stderr = siteErrorsText(outcomes, options.verbose);
  const format = options.format;
  if (format === 'json') {
    const doc = allSitesDocument(
      outcomes,
      (results) => {
        const shaped = shape(results);
        return shaped.length === 1 ? answerEnvelope(shaped[0]!) : answersDocument(shaped);
      },
      { rows: totalRows },
    );
    stdout = renderJson(doc);
  } else if (format === 'csv') {
    stdout = everySiteCsv(outcomes.flatMap((o) => (shapedResults.get(o) ?? []).map((r) => ({ source: o.source, result: r }))));
    const rollUp = rollUpLine(outcomes, shapedResults);
    stderr += `netq: ${rollUp}\n`;
  } else if (format === 'dot' || format === 'mermaid') {
    throw new InputError(`--format ${format} draws one site, and --all asks about many`, { hint: 'use --format markdown, which draws each site above its table' });
  } else {
    let first = true;
    for (const outcome of outcomes) {
      const results = shapedResults.get(outcome) ?? [];
      const sorted = pickTable(outcome.results ?? [], options.table).map((r) => shapeAnswer(r, { sort: options.sort }));
      results.forEach((result, index) => {
        const title = results.length > 1 ? `${name(outcome.source)}: ${result.question}` : name(outcome.source);
        stdout += `${first ? '' : '\n'}${sectionTitle(title, format)}\n${formatAnswerText(result, format, options.terminal, sorted[index])}`;
        first = false;
      });
    }
    stdout += `\n${rollUpLine(outcomes, shapedResults)}\n`;
  }
  return { stdout, stderr, exitCode: allSitesExitCode(outcomes) };
}

/** `2 sites: 2 answered (rows: asia/bangalore 0, north_america/nyc 0)`, with failed sites named. */
function rollUpLine(outcomes: SiteOutcome[], shaped: Map<SiteOutcome, QuestionResult[]>): string {
  const name = sourceName;
  const answered = outcomes.filter((o) => o.results);
  const failed = outcomes.filter((o) => o.error);
  const rows = answered.flatMap((o) => (shaped.get(o) ?? []).map((r) => `${name(o.source)} ${r.answer.rows.length}`));
  return `${outcomes.length} site${outcomes.length === 1 ? '' : 's'}: ${answered.length} answered${rows.length ? ` (rows: ${rows.join(', ')})` : ''}${failed.length ? `, ${failed.length} failed (${failed.map((o) => name(o.source)).join(', ')})` : ''}`;
}

/**
 * One CSV table of every site's answer: `Region` and `Site` first, then the answers' columns
 * (their union, in the order first seen; a site without a column leaves it empty).
 */
function everySiteCsv(entries: Array<{ source: SnapshotSource; result: QuestionResult }>): string {
  const columns: string[] = [];
  for (const { result } of entries) for (const c of result.answer.columns) if (!columns.includes(c.name)) columns.push(c.name);
  const rows = entries.flatMap(({ source, result }) => {
    const texts = csvCellTexts(result.answer);
    const index = new Map(result.answer.columns.map((c, i) => [c.name, i]));
    const region = source.kind === 'site' ? source.region : '';
    const site = source.kind === 'site' ? source.site : (source.name ?? source.dir);
    return texts.map((cells) => [region, site, ...columns.map((c) => (index.has(c) ? cells[index.get(c)!]! : ''))]);
  });
  return renderCsvRows(['Region', 'Site', ...columns], rows);
}

