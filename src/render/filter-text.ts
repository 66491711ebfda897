/**
 * The text of filter traces as pybatfish prints them: trace trees (TraceTree, one `- ` line per
 * element, indented by level) and ACL traces (AclTrace).
 */
import { isObject } from '../batfish/answer.js';
import { compactJson, str } from './pytext.js';

/**
 * A filter trace tree: the root's text, then each child on its own line, indented two spaces a
 * level and prefixed `- `. As an item of a list (`List<TraceTree>`) the root is prefixed `- ` too.
 */
export function traceTreeText(value: unknown, depth: number): string {
  if (!isObject(value)) return compactJson(value);
  const lines = [`${depth === 0 ? '- ' : ''}${traceElementText(value.traceElement)}`];
  const walk = (children: unknown, level: number): void => {
    for (const child of Array.isArray(children) ? children.filter(isObject) : []) {
      lines.push(`${'  '.repeat(level)}- ${traceElementText(child.traceElement)}`);
      walk(child.children, level + 1);
    }
  };
  walk(value.children, depth + 1);
  return lines.join('\n');
}

function traceElementText(element: unknown): string {
  const fragments = isObject(element) && Array.isArray(element.fragments) ? element.fragments.filter(isObject) : [];
  return fragments.map((f) => str(f.text)).join('');
}

/** ACL traces: one line per event that has a description (AclTrace). */
export function aclTraceText(value: unknown): string {
  if (!isObject(value) || !Array.isArray(value.events)) return compactJson(value);
  return value.events
    .filter((e) => isObject(e) && e.description !== null && e.description !== undefined)
    .map((e) => str((e as Record<string, unknown>).description))
    .join('\n');
}
