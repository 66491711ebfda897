import type { RenderTable } from './model.js';
import { ROWS_PER_CHUNK } from './stream.js';
import { csvText } from './values.js';

/**
 * RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they need it. A null cell is an
 * empty field, an empty string `""`, a list a JSON array (`["a","b"]`).
 */
export function renderCsv(table: RenderTable): string {
  return [...csvChunks(table)].join('');
}

/** renderCsv a block of rows at a time, so a large answer is written as it is made. */
export function* csvChunks(table: RenderTable): Generator<string> {
  let chunk = csvLine(table.columns.map((c) => c.name));
  for (let i = 0; i < table.rows.length; i++) {
    const row = table.rows[i]!;
    chunk += csvLine(table.columns.map((c) => csvText(c.schema, row[c.name])));
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/** CSV of a header and rows of field texts. */
export function renderCsvRows(header: string[], rows: string[][]): string {
  return [header, ...rows].map(csvLine).join('');
}

/** One record and its CRLF. */
function csvLine(cells: string[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

function csvField(text: string): string {
  // A leading = + - @ would be run as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
