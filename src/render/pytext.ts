/**
 * The text primitives of pybatfish's value forms, shared by every kind: a value as compact JSON,
 * Python's `str()` and `repr()` of JSON values, and pybatfish's `escape_name`.
 */
import { isObject } from '../batfish/answer.js';

/** A string as it is, anything else as compact JSON. */
export function compactJson(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A value as text, empty for null. */
export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
/** Python's `str()` of a value that may be None, as pybatfish's format strings print it. */
export const py = (v: unknown): string => (v === null || v === undefined ? 'None' : typeof v === 'object' ? pythonRepr(v) : String(v));

/** A JSON value as Python prints it inside a list: `[65000, [1, 2]]`, strings quoted. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (isObject(value)) return `{${Object.entries(value).map(([k, v]) => `'${k}': ${pythonRepr(v)}`).join(', ')}}`;
  return String(value);
}

/** Characters that make pybatfish quote a name (`pybatfish.util._NAME_SPECIAL_CHARS_`). */
const NAME_SPECIAL_CHARS = [...' \t,\\&()[]@!#$%^;?<>={}'];

/**
 * pybatfish's `escape_name`: a name is quoted when it starts with `"`, `/` or a digit, or when a
 * special character occurs in it after the first position (Python's `find(c) > 0`).
 */
export function quoteName(name: string): string {
  if (name.length === 0) return name;
  const quote = name.startsWith('"') || name.startsWith('/') || /^\d/.test(name) || NAME_SPECIAL_CHARS.some((c) => name.indexOf(c) > 0);
  return quote ? `"${name}"` : name;
}
