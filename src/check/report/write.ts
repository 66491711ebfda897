import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a report file atomically: the text goes to a temporary file in the same folder, is
 * flushed to disk, and then renamed over the target, so a reader (a CI upload step, a second
 * netq) sees the old file or the new one, never half of one. The folder is created when
 * missing. On any failure the temporary file is removed and the error is thrown; the target
 * is left as it was. Called for every `--report` file whatever the exit code.
 */
export async function writeReportFile(file: string, text: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  await mkdir(dir, { recursive: true });
  // Same folder, so the rename never crosses a file system; hidden, so globs skip it.
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
