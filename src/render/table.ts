import Table from 'cli-table3';
import { type RenderTable, cellTexts } from './model.js';

export interface TableOptions {
  /** Terminal width in columns; undefined when the output is not a terminal (no limit). */
  width?: number;
  color: boolean;
}

/** Narrowest a wrapped column may get before netq switches to one record per block. */
const MIN_COLUMN_WIDTH = 8;

/**
 * Draws a table with cli-table3 (its only user). A table that is wider than the terminal has its
 * widest columns wrapped; when even that cannot fit, each row is printed as a block of
 * `Column  value` lines, like `psql \x`.
 */
export function renderTable(table: RenderTable, options: TableOptions): string {
  const headers = table.columns.map((c) => c.name);
  const rows = cellTexts(table);
  const natural = headers.map((header, i) =>
    Math.max(lineWidth(header), ...rows.map((row) => lineWidth(row[i] ?? ''))),
  );
  const limit = options.width;
  // Each column costs its content, one space of padding either side, and one border character.
  const overhead = headers.length * 3 + 1;
  let widths: number[] | undefined = natural;
  if (limit !== undefined && natural.reduce((a, b) => a + b, 0) + overhead > limit) {
    widths = fitWidths(natural, limit - overhead);
    if (!widths) return renderRecords(headers, rows, options.color);
  }
  const fitted = widths;
  // Colour is applied here, not through cli-table3's styles: those follow the colour library's own
  // terminal detection, and netq decides colour from stdout and NO_COLOR itself.
  const bold = (text: string): string =>
    options.color ? text.split('\n').map((l) => `\u001b[1m${l}\u001b[22m`).join('\n') : text;
  const t = new Table({
    head: headers.map((h, i) => bold(wrapText(h, fitted[i]!))),
    style: { head: [], border: [] },
    colWidths: fitted.map((w) => w + 2),
  });
  const paint = options.color ? colorStatus : (text: string) => text;
  for (const row of rows) t.push(...physicalRows(row.map((cell, i) => wrapText(cell, fitted[i]!)), paint));
  return `${t.toString()}\n`;
}

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

/** Border characters of a row that continues the row above: no separator line is drawn. */
const CONTINUATION = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/**
 * One table row per text line. cli-table3 slows down badly (cubic in the cell's length) on
 * multi-line cells, and traces run to hundreds of lines, so it only ever sees single lines; the
 * lines after the first are drawn without a separator above them.
 */
function physicalRows(cells: string[], paint: (line: string) => string): Table.HorizontalTableRow[] {
  const lines = cells.map((c) => c.split('\n').map(paint));
  const height = Math.max(1, ...lines.map((l) => l.length));
  return Array.from({ length: height }, (_, i) =>
    lines.map((l) => (i === 0 ? (l[0] ?? '') : { content: l[i] ?? '', chars: CONTINUATION })),
  );
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

function renderRecords(headers: string[], rows: string[][], color: boolean): string {
  const labelWidth = Math.max(...headers.map((h) => h.length));
  const blocks = rows.map((row, r) => {
    const title = `-[ row ${r + 1} ]`;
    const lines = [color ? `\u001b[1m${title}\u001b[22m` : title];
    headers.forEach((header, i) => {
      const [first = '', ...rest] = (row[i] ?? '').split('\n');
      lines.push(`${header.padEnd(labelWidth)}  ${first}`);
      for (const line of rest) lines.push(`${' '.repeat(labelWidth)}  ${line}`);
    });
    return lines.join('\n');
  });
  return blocks.length ? `${blocks.join('\n')}\n` : `${headers.join('  ')}\n`;
}

/** Wraps each line at spaces where it can and mid-word where it must, so nothing is cut off. */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let rest = line;
    while ([...rest].length > width) {
      const chars = [...rest];
      const head = chars.slice(0, width + 1).join('');
      const space = head.lastIndexOf(' ');
      const cut = space > 0 ? space : width;
      out.push([...rest].slice(0, cut).join('').trimEnd());
      rest = [...rest].slice(space > 0 ? cut + 1 : cut).join('');
    }
    out.push(rest);
  }
  return out.join('\n');
}

function lineWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map((l) => [...l].length));
}
