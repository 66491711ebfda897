import type CliTable from 'cli-table3';
import { createRequire } from 'node:module';
import type { RenderTable } from './model.js';
import { ROWS_PER_CHUNK } from './stream.js';
import { printable } from '../text.js';
import { cellText } from './values.js';

export interface TableOptions {
  /** Terminal width in columns; undefined when the output is not a terminal (no limit). */
  width?: number;
  color: boolean;
}

let loaded: typeof CliTable | undefined;
/** cli-table3, loaded on the first table drawn: commands that print JSON or CSV never pay for it. */
function cliTable(): typeof CliTable {
  loaded ??= createRequire(import.meta.url)('cli-table3') as typeof CliTable;
  return loaded;
}

/** Narrowest a wrapped column may get before netq switches to one record per block. */
const MIN_COLUMN_WIDTH = 8;

/**
 * Draws a table with cli-table3 (its only user). A table that is wider than the terminal has its
 * widest columns wrapped; when even that cannot fit, each row is printed as a block of
 * `Column  value` lines, like `psql \x`.
 */
export function renderTable(table: RenderTable, options: TableOptions): string {
  return [...tableChunks(table, options)].join('');
}

/**
 * renderTable as chunks of a few hundred rows, so a large answer is drawn as it is written: the
 * column widths are measured over every row first, then the rows drawn (each cell's text is made
 * twice rather than kept for 100 000 rows).
 */
export function* tableChunks(table: RenderTable, options: TableOptions): Generator<string> {
  // Cells and names come from configs and Batfish: what reaches the terminal is escaped.
  const headers = table.columns.map((c) => printable(c.name, { tabs: false }));
  const texts = (row: Record<string, unknown>): string[] => table.columns.map((c) => printable(cellText(c.schema, row[c.name]), { tabs: false }));
  // A loop, not Math.max(...rows): spreading 100 000 rows overflows the call stack.
  const natural = headers.map((header) => lineWidth(header));
  for (const row of table.rows) texts(row).forEach((cell, i) => (natural[i] = Math.max(natural[i]!, lineWidth(cell))));
  const limit = options.width;
  // Each column costs its content, one space of padding either side, and one border character.
  const overhead = headers.length * 3 + 1;
  let widths: number[] | undefined = natural;
  if (limit !== undefined && natural.reduce((a, b) => a + b, 0) + overhead > limit) {
    widths = fitWidths(natural, limit - overhead);
    if (!widths) {
      yield* recordChunks(headers, table.rows, texts, options.color, limit);
      return;
    }
  }
  const fitted = widths;
  // Colour is applied here, not through cli-table3's styles: those follow the colour library's own
  // terminal detection, and netq decides colour from stdout and NO_COLOR itself.
  const bold = (text: string): string =>
    options.color ? text.split('\n').map((l) => `\u001b[1m${l}\u001b[22m`).join('\n') : text;
  const paint = options.color ? colorStatus : (text: string) => text;
  const head = headers.map((h, i) => bold(wrapText(h, fitted[i]!)));
  // cli-table3 draws the header (top border, titles, separator). Its per-cell cost (option merging
  // and a regular expression built for every cell) makes 100 000 rows take tens of seconds even in
  // chunks, so the rows are drawn here in exactly its format: a space of padding either side of
  // each cell, a separator line between rows, none above the continuation lines of a row.
  const header = new (cliTable())({ head, style: { head: [], border: [] }, colWidths: fitted.map((w) => w + 2) }).toString().split('\n');
  const separator = `├${fitted.map((w) => '─'.repeat(w + 2)).join('┼')}┤\n`;
  // The header's own bottom line is replaced by the separator above the first row.
  let chunk = header.slice(0, -1).map((line) => `${line}\n`).join('');
  for (let r = 0; r < table.rows.length; r++) {
    chunk += separator;
    const lines = texts(table.rows[r]!).map((cell, i) => wrapText(cell, fitted[i]!).split('\n'));
    let height = 1;
    for (const l of lines) height = Math.max(height, l.length);
    for (let line = 0; line < height; line++) {
      chunk += `│${lines.map((l, i) => ` ${padCell(paint(l[line] ?? ''), fitted[i]!)} `).join('│')}│\n`;
    }
    if ((r + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}${header.at(-1)!}\n`;
}

/** A cell's text padded to the column width, counting what shows (not colour codes). */
function padCell(text: string, width: number): string {
  const shown = text.includes('\u001b') ? text.replace(ANSI, '') : text;
  return text + ' '.repeat(Math.max(0, width - charCount(shown)));
}

/** Characters (code points) in a text; the length itself for the usual ASCII text, without splitting it. */
function charCount(text: string): number {
  return ASCII.test(text) ? text.length : [...text].length;
}

// eslint-disable-next-line no-control-regex -- every ASCII character, the control ones included
const ASCII = /^[\u0000-\u007f]*$/;

// eslint-disable-next-line no-control-regex -- matching the colour codes netq itself writes
const ANSI = /\u001b\[[0-9;]*m/g;

const GREEN = ['ESTABLISHED', 'UNIQUE_MATCH', 'DYNAMIC_MATCH', 'COMPATIBLE', 'PASSED', 'ACCEPTED', 'DELIVERED_TO_SUBNET', 'EXITS_NETWORK', 'PERMIT', 'PERMITTED'];
/** Sessions to peers outside the snapshot: expected at the edge, worth a look. */
const YELLOW = ['UNKNOWN_REMOTE', 'LOCAL_IP_UNKNOWN_STATICALLY', 'PARTIALLY_UNRECOGNIZED', 'EMPTY', 'DYNAMIC_MATCH_UNKNOWN', 'INSUFFICIENT_INFO'];
const RED = ['NOT_ESTABLISHED', 'NOT_COMPATIBLE', 'NO_MATCH_FOUND', 'NO_LOCAL_IP', 'NO_REMOTE_AS', 'INVALID_LOCAL_IP', 'UNKNOWN_REMOTE_IP', 'HALF_OPEN', 'MULTIPLE_REMOTES', 'NO_REMOTE_PREFIX', 'NO_REMOTE_IP', 'FAILED', 'DENIED_IN', 'DENIED_OUT', 'DENY', 'DENIED', 'NO_ROUTE', 'NULL_ROUTED', 'LOOP', 'NEIGHBOR_UNREACHABLE', 'INSUFFICIENT_INFO_DROP'];
const COLORS = new Map<string, string>([
  ...GREEN.map((s) => [s, '32'] as const),
  ...YELLOW.map((s) => [s, '33'] as const),
  ...RED.map((s) => [s, '31'] as const),
]);

/** Colours a status word (a whole cell line such as ESTABLISHED or NOT_COMPATIBLE): green, yellow, red. */
export function colorStatus(text: string): string {
  const code = COLORS.get(text.trim());
  return code ? `\u001b[${code}m${text}\u001b[39m` : text;
}

/** Shrinks the widest column one step at a time until the sum fits; undefined when it cannot. */
export function fitWidths(natural: number[], available: number): number[] | undefined {
  const widths = [...natural];
  const minimum = natural.map((w) => Math.min(w, MIN_COLUMN_WIDTH));
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > available) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > minimum[i]! && (widest < 0 || w > widths[widest]!)) widest = i;
    });
    if (widest < 0) return undefined;
    widths[widest]!--;
    total--;
  }
  return widths;
}

/** Narrowest a record's value is wrapped to, however long its label. */
const MIN_VALUE_WIDTH = 20;

function* recordChunks(
  headers: string[],
  rows: ReadonlyArray<Record<string, unknown>>,
  texts: (row: Record<string, unknown>) => string[],
  color: boolean,
  /** The terminal's width: values wrap to what is left of it after the labels. */
  width?: number,
): Generator<string> {
  if (rows.length === 0) {
    yield `${headers.join('  ')}\n`;
    return;
  }
  const labelWidth = Math.max(...headers.map((h) => h.length));
  let chunk = '';
  for (let r = 0; r < rows.length; r++) {
    const title = `-[ row ${r + 1} ]`;
    chunk += `${color ? `\u001b[1m${title}\u001b[22m` : title}\n`;
    const row = texts(rows[r]!);
    const room = width === undefined ? undefined : Math.max(MIN_VALUE_WIDTH, width - labelWidth - 2);
    headers.forEach((header, i) => {
      const value = row[i] ?? '';
      const [first = '', ...rest] = (room === undefined ? value : wrapText(value, room)).split('\n');
      chunk += `${header.padEnd(labelWidth)}  ${first}\n`;
      for (const line of rest) chunk += `${' '.repeat(labelWidth)}  ${line}\n`;
    });
    if ((r + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/**
 * Wraps each line at spaces where it can and mid-word where it must, so nothing is cut off. An
 * indented line (a step of a trace) continues indented two more spaces, so its parts read as one.
 */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.length <= width || charCount(line) <= width) {
      out.push(line);
      continue;
    }
    const indent = /^ */.exec(line)![0].length;
    const hang = indent > 0 && indent + 2 < width / 2 ? ' '.repeat(indent + 2) : '';
    // Linear in the line's length: an index walks the characters (copying the rest of a
    // 600 000-character line for each of its pieces took minutes).
    const chars = [...line];
    let pos = 0;
    let prefix = '';
    let lead = indent;
    while (prefix.length + chars.length - pos > width) {
      const room = width - prefix.length;
      // The last space that fits (a break just past the room is fine: the space is dropped).
      let space = -1;
      for (let i = Math.min(chars.length - 1, pos + room); i >= pos; i--) {
        if (chars[i] === ' ') {
          space = i;
          break;
        }
      }
      // A break only after the indentation, so no line is left empty.
      if (space >= 0 && prefix.length + (space - pos) > lead) {
        out.push((prefix + chars.slice(pos, space).join('')).trimEnd());
        pos = space + 1;
      } else {
        out.push((prefix + chars.slice(pos, pos + room).join('')).trimEnd());
        pos += room;
      }
      prefix = hang;
      lead = hang.length;
    }
    out.push(prefix + chars.slice(pos).join(''));
  }
  return out.join('\n');
}

function lineWidth(text: string): number {
  if (!text.includes('\n')) return charCount(text);
  // A loop, not Math.max(...lines): a cell of 200 000 lines would overflow the stack.
  let widest = 0;
  for (const line of text.split('\n')) widest = Math.max(widest, charCount(line));
  return widest;
}
