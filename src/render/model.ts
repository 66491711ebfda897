import { cellText, csvText } from './values.js';

/** A column to render: its name and the Batfish schema its cells follow. */
export interface RenderColumn {
  name: string;
  schema: string;
  description?: string;
  isKey?: boolean;
  isValue?: boolean;
}

/** What every renderer takes: columns in display order and rows keyed by column name. */
export interface RenderTable {
  columns: RenderColumn[];
  rows: Array<Record<string, unknown>>;
}

/** Every cell as a table or Markdown shows it, in column order (tables make theirs a row at a time). */
export function cellTexts(table: RenderTable): string[][] {
  return table.rows.map((row) => table.columns.map((c) => cellText(c.schema, row[c.name])));
}

/** Every cell as a CSV field holds it (lists as JSON arrays), in column order. */
export function csvCellTexts(table: RenderTable): string[][] {
  return table.rows.map((row) => table.columns.map((c) => csvText(c.schema, row[c.name])));
}
