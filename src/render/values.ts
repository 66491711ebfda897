import { isObject } from '../batfish/answer.js';
import { aclTraceText, traceTreeText } from './filter-text.js';
import { flowText, traceText } from './flow-text.js';
import { compactJson, quoteName, str } from './pytext.js';
import { bgpRouteDiffsText, bgpRouteText, nextHopText } from './route-text.js';

/**
 * Schema-aware conversion of Batfish answer cells, following pybatfish's rules (PROTOCOL.md 4.8):
 * `toJsonValue` gives the value pybatfish would hand a script, `toText` the text a person reads.
 * This file holds the conversion by schema and the small kinds (Interface, FileLines, Issue); the
 * text of the other kinds is in flow-text.ts (Flow, Trace), route-text.ts (NextHop, BgpRoute,
 * BgpRouteDiffs) and filter-text.ts (TraceTree, AclTrace), their primitives in pytext.ts.
 */

/** `List<Set<Ip>>` → { collection: 'List', inner: 'Set<Ip>' }; `Ip` → { inner: 'Ip' }. */
export function splitSchema(schema: string): { collection?: 'List' | 'Set'; inner: string } {
  const match = /^(list|set)<(.+)>$/i.exec(schema.trim());
  if (!match) return { inner: schema.trim() };
  return { collection: match[1]!.toLowerCase() === 'list' ? 'List' : 'Set', inner: match[2]! };
}

/** The value as pybatfish converts it: Node → its name, SelfDescribing → its inner value, ... */
export function toJsonValue(schema: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const { collection, inner } = splitSchema(schema);
  if (collection) return Array.isArray(value) ? value.map((v) => toJsonValue(inner, v)) : value;
  switch (inner) {
    case 'Node':
      return isObject(value) && typeof value.name === 'string' ? value.name : value;
    case 'SelfDescribing':
      return isObject(value) && typeof value.schema === 'string' ? toJsonValue(value.schema, value.value) : value;
    default:
      return value;
  }
}

/**
 * The text of a cell: empty for null, lists joined, objects in pybatfish's text forms (the
 * `__str__` of its datamodel classes, or the lines of `_repr_html_` where a class has only that).
 */
export function toText(schema: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  const { collection, inner } = splitSchema(schema);
  if (collection) {
    if (!Array.isArray(value)) return compactJson(value);
    // pybatfish prints a List<TraceTree> as one tree per `- ` item.
    if (inner === 'TraceTree') return value.map((tree) => traceTreeText(tree, 0)).join('\n');
    const items = value.map((v) => toText(inner, v));
    // Multi-line items (traces) read best as blocks with a blank line between them (pybatfish's
    // HTML separates list items the same way); short ones on one line.
    return items.some((i) => i.includes('\n')) ? items.join('\n\n') : items.join(', ');
  }
  switch (inner) {
    case 'String':
    case 'Ip':
    case 'Prefix':
      return typeof value === 'string' ? value : compactJson(value);
    case 'Integer':
    case 'Long':
    case 'Double':
    case 'Boolean':
      return String(value);
    case 'Node':
      return isObject(value) && typeof value.name === 'string' ? value.name : compactJson(value);
    case 'SelfDescribing':
      return isObject(value) && typeof value.schema === 'string'
        ? toText(value.schema, value.value)
        : compactJson(value);
    case 'Interface':
      return interfaceText(value);
    case 'FileLines':
      return fileLinesText(value);
    case 'Flow':
      return flowText(value, 'pybatfish');
    case 'Trace':
      return traceText(value);
    case 'TraceTree':
      // Alone (not an item of a list), pybatfish prints the root without the `- `.
      return traceTreeText(value, 0).replace(/^- /, '');
    case 'NextHop':
      return nextHopText(value);
    case 'BgpRoute':
      return bgpRouteText(value);
    case 'BgpRouteDiffs':
      return bgpRouteDiffsText(value);
    case 'Issue':
      return issueText(value);
    case 'AclTrace':
      return aclTraceText(value);
    default:
      return typeof value === 'string' ? value : compactJson(value);
  }
}

/**
 * The text of a cell in a table or Markdown: `toText`, except that the three kinds of nothing
 * stay apart. A null cell is blank, an empty string is `""` and an empty list is `[]` (pybatfish
 * shows None, an empty cell and `[]`).
 */
export function cellText(schema: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value === '') return '""';
  if (Array.isArray(value) && value.length === 0) return '[]';
  return toText(schema, value);
}

/**
 * The text of a CSV field: like `cellText`, but a list is a JSON array of its items' texts
 * (`["a","b, c"]`), so an item holding `, ` can never be mistaken for two items, and `[]` is an
 * empty list. A null cell is an empty field.
 */
export function csvText(schema: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  const { collection } = splitSchema(schema);
  if (collection && Array.isArray(value)) return JSON.stringify(csvValue(schema, value));
  return cellText(schema, value);
}

function csvValue(schema: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const { collection, inner } = splitSchema(schema);
  if (collection && Array.isArray(value)) return value.map((v) => csvValue(inner, v));
  return toText(schema, value);
}

function interfaceText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  return `${quoteName(str(value.hostname))}[${quoteName(str(value.interface))}]`;
}

function fileLinesText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const lines = Array.isArray(value.lines) ? value.lines.join(', ') : '';
  return `${str(value.filename)}:[${lines}]`;
}

/** pybatfish has no class for issues (it shows the dict); netq writes `major/minor, severity N: explanation`. */
function issueText(value: unknown): string {
  if (!isObject(value)) return compactJson(value);
  const type = isObject(value.type) ? [value.type.major, value.type.minor].filter(Boolean).map(str).join('/') : '';
  const severity = value.severity != null ? `severity ${str(value.severity)}` : '';
  const head = [type, severity].filter(Boolean).join(', ');
  return head ? `${head}: ${str(value.explanation)}` : str(value.explanation);
}
