import { type RenderTable, csvCellTexts } from './model.js';

/**
 * RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they need it. A null cell is an
 * empty field, an empty string `""`, a list a JSON array (`["a","b"]`).
 */
export function renderCsv(table: RenderTable): string {
  return renderCsvRows(table.columns.map((c) => c.name), csvCellTexts(table));
}

/** CSV of a header and rows of field texts. */
export function renderCsvRows(header: string[], rows: string[][]): string {
  const lines = [header, ...rows].map((cells) => cells.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function csvField(text: string): string {
  // A leading = + - @ would be run as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
