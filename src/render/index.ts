import type { RenderTable } from './model.js';
import { renderCsv } from './csv.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';
import { toJsonValue } from './values.js';

export type { RenderColumn, RenderTable } from './model.js';
export { toJsonValue, toText } from './values.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface TerminalInfo {
  /** Columns of the terminal stdout writes to, or undefined when it is not a terminal. */
  width?: number;
  color: boolean;
}

/** Rows with each cell converted as pybatfish would (null stays null), for JSON output. */
export function jsonRows(table: RenderTable): Array<Record<string, unknown>> {
  return table.rows.map((row) =>
    Object.fromEntries(table.columns.map((c) => [c.name, toJsonValue(c.schema, row[c.name])])),
  );
}

/**
 * Renders a table in one of the text formats. JSON is not handled here: each command builds its
 * own envelope around `jsonRows`.
 */
export function renderText(table: RenderTable, format: Exclude<OutputFormat, 'json'>, terminal: TerminalInfo): string {
  switch (format) {
    case 'csv':
      return renderCsv(table);
    case 'markdown':
      return renderMarkdown(table);
    case 'table':
      return renderTable(table, terminal);
  }
}

/** Pretty JSON with a final newline, so `jq` and humans both read it. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
