import { InputError } from '../errors.js';
import type { RenderTable } from './model.js';
import { toText } from './values.js';

/** Keeps and orders the named columns (`--columns a,b,c`); names match case-insensitively. */
export function selectColumns<T extends RenderTable>(table: T, names: string[]): T {
  const columns = names.map((name) => {
    const column = table.columns.find((c) => c.name.toLowerCase() === name.trim().toLowerCase());
    if (!column) {
      throw new InputError(`the answer has no column '${name.trim()}'`, {
        hint: `columns: ${table.columns.map((c) => c.name).join(', ')}`,
      });
    }
    return column;
  });
  return { ...table, columns };
}

/**
 * Sorts rows by a column's text (`--sort col`; `--sort col:desc` or `--sort=-col` descending), numbers by value
 * and text with digits compared as numbers (Gi0/2 before Gi0/10).
 */
export function sortRows<T extends RenderTable>(table: T, spec: string): T {
  const descending = spec.startsWith('-') || /:desc$/i.test(spec);
  const name = spec.replace(/^-/, '').replace(/:(asc|desc)$/i, '');
  const column = table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!column) {
    throw new InputError(`cannot sort by '${name}': the answer has no such column`, {
      hint: `columns: ${table.columns.map((c) => c.name).join(', ')}`,
    });
  }
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  const key = (row: Record<string, unknown>): string => toText(column.schema, row[column.name]);
  const rows = [...table.rows].sort((a, b) => {
    const va = a[column.name];
    const vb = b[column.name];
    const order = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(key(a), key(b));
    return descending ? -order : order;
  });
  return { ...table, rows };
}
