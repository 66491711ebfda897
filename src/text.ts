/**
 * Text for a terminal, a CI log or a comment: control characters (an ESC in a device or file name
 * would drive the terminal, a CR would overwrite what the line said) and noncharacters shown as
 * `\u{…}` escapes instead of sent raw. Line breaks (CRLF as LF) stay; tabs stay unless `tabs` is
 * false (a table cell, where a tab would break the columns).
 */
export function printable(text: string, options: { tabs?: boolean } = {}): string {
  const keepTabs = options.tabs ?? true;
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufffe\uffff]/g, (c) =>
    c === '\t' && keepTabs ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
}
