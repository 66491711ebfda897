import { jsonRows, renderJson, renderText, type OutputFormat, type RenderTable, type TerminalInfo } from './render/index.js';
import type { SiteQuestionResult } from './service.js';
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

export function answerEnvelope(result: SiteQuestionResult): AnswerEnvelope {
  const { answer } = result;
  return {
    netqVersion: NETQ_VERSION,
    batfishVersion: result.batfishVersion.batfish,
    network: result.network,
    snapshot: result.snapshot,
    referenceSnapshot: result.referenceSnapshot ?? null,
    question: { name: result.question, parameters: result.parameters },
    columns: answer.columns.map(({ name, schema, description, isKey, isValue }) => ({
      name,
      schema,
      description,
      isKey,
      isValue,
    })),
    rows: jsonRows(answer),
    summary: { numResults: answer.summary.numResults, notes: answer.summary.notes ?? null },
    warnings: [...result.warnings, ...answer.warnings],
  };
}

/** An answer in the chosen output format, ready for stdout. */
export function formatAnswer(result: SiteQuestionResult, format: OutputFormat, terminal: TerminalInfo): string {
  if (format === 'json') return renderJson(answerEnvelope(result));
  const table: RenderTable = result.answer;
  return renderText(table, format, terminal);
}
