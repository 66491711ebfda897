import { type RenderTable, cellTexts } from './model.js';

/** RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they need it. */
export function renderCsv(table: RenderTable): string {
  const lines = [table.columns.map((c) => c.name), ...cellTexts(table)].map((cells) => cells.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(text: string): string {
  // A leading = + - @ would be run as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
