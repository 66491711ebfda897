import { type RenderTable, cellTexts } from './model.js';

/** A GitHub-flavoured Markdown table; line breaks inside cells become `<br>`. */
export function renderMarkdown(table: RenderTable): string {
  const escape = (text: string): string =>
    text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  const header = `| ${table.columns.map((c) => escape(c.name)).join(' | ')} |`;
  const rule = `|${table.columns.map(() => ' --- ').join('|')}|`;
  const rows = cellTexts(table).map((cells) => `| ${cells.map(escape).join(' | ')} |`);
  return `${[header, rule, ...rows].join('\n')}\n`;
}
