/**
 * The size rule of issue 17: every TypeScript file under src/ stays under 400 lines, and no
 * source file casts through `unknown` (`as unknown as`), which hides a type that is wrong.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const MAX_LINES = 400;

/** Every .ts file under `dir`, as paths relative to the repository (`src/batfish/http.ts`), sorted. */
function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.ts')) found.push(full);
  }
  return found.sort();
}

const files = sourceFiles(SRC).map((file) => ({
  name: path.relative(path.join(SRC, '..'), file).split(path.sep).join('/'),
  text: readFileSync(file, 'utf8'),
}));

/** The file's lines: its newline characters (what `wc -l` counts), plus a last line that has none. */
function lineCount(text: string): number {
  const newlines = text.split('\n').length - 1;
  return text.length > 0 && !text.endsWith('\n') ? newlines + 1 : newlines;
}

describe('source size', () => {
  it('finds the sources', () => {
    assert.ok(files.some((f) => f.name === 'src/main.ts'), 'src/main.ts is among the files walked');
  });

  it(`every file under src/ has fewer than ${MAX_LINES} lines`, () => {
    const over = files.filter((f) => lineCount(f.text) >= MAX_LINES).map((f) => `${f.name} (${lineCount(f.text)} lines)`);
    assert.deepEqual(over, [], `files of ${MAX_LINES} lines or more: ${over.join(', ')}`);
  });

  it('no file under src/ casts `as unknown as`', () => {
    // Across line breaks too: `as unknown` at the end of one line and `as` on the next is the same cast.
    const casts = files.flatMap((f) =>
      [...f.text.matchAll(/\bas\s+unknown\s+as\b/g)].map((m) => `${f.name}:${f.text.slice(0, m.index).split('\n').length}`),
    );
    assert.deepEqual(casts, [], `double casts: ${casts.join(', ')}`);
  });
});
