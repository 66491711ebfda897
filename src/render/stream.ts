import { randomUUID } from 'node:crypto';
import type { RenderTable } from './model.js';
import { toJsonValue } from './values.js';

/**
 * Output as a sequence of chunks, so an answer of any size is written out piece by piece: never
 * one string of the whole output, never a second copy of every row (JSON here; CSV in csv.ts,
 * tables in table.ts). Joined, the chunks are the text of the one-string renderers.
 */

/**
 * Rows per chunk: enough that writes stay few, few enough that a chunk (tens of KiB) stays in
 * V8's young generation, collected as soon as it is written.
 */
export const ROWS_PER_CHUNK = 200;

/** A table's rows to be written into a JSON document where its placeholder stands. */
export interface LazyRows {
  table: RenderTable;
}

/**
 * Builds a JSON document whose row lists are written lazily: `build` gets a function that stands
 * a table's rows in (as `rows: lazy(table)`), and the chunks are the text of
 * `JSON.stringify(document, null, 2)` plus a newline, with each row list converted (cells as
 * pybatfish gives them) and printed row by row.
 */
export function* jsonChunks(build: (lazy: (table: RenderTable) => unknown) => unknown): Generator<string> {
  const nonce = randomUUID();
  const tables: RenderTable[] = [];
  const document = build((table) => `\u0001netq-rows-${nonce}-${tables.push(table) - 1}`);
  const text = `${JSON.stringify(document, null, 2)}\n`;
  // The placeholder as JSON.stringify writes it (the control character escaped), at its indentation.
  const placeholder = new RegExp(`"\\\\u0001netq-rows-${nonce}-(\\d+)"`, 'g');
  let from = 0;
  for (const match of text.matchAll(placeholder)) {
    const before = text.slice(from, match.index);
    yield before;
    const indent = /(?:^|\n)( *)[^\n]*$/.exec(before)?.[1] ?? '';
    yield* jsonRowChunks(tables[Number(match[1])]!, indent);
    from = match.index + match[0].length;
  }
  yield text.slice(from);
}

/** A row list as JSON.stringify(rows, null, 2) prints it inside a document at `indent`. */
function* jsonRowChunks(table: RenderTable, indent: string): Generator<string> {
  const { rows, columns } = table;
  if (rows.length === 0) {
    yield '[]';
    return;
  }
  yield '[';
  for (let from = 0; from < rows.length; from += ROWS_PER_CHUNK) {
    const block = rows.slice(from, from + ROWS_PER_CHUNK).map((row) => {
      const converted: Record<string, unknown> = {};
      for (const c of columns) converted[c.name] = toJsonValue(c.schema, row[c.name]);
      return converted;
    });
    // The block printed by JSON.stringify itself at the rows' depth (wrapped in as many objects as
    // the document holds the rows in), then taken out between its brackets: the same text, with
    // no pass of our own over it.
    let wrapped: unknown = block;
    for (let depth = 0; depth < indent.length / 2; depth++) wrapped = { r: wrapped };
    const text = JSON.stringify(wrapped, null, 2);
    const elements = text.slice(text.indexOf('[') + 1, text.lastIndexOf(']'));
    yield `${from ? ',' : ''}${elements.slice(0, elements.lastIndexOf('\n'))}`;
  }
  yield `\n${indent}]`;
}
