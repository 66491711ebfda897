import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TemplateCache } from '../batfish/templates.js';
import { stateSubdir } from '../host.js';

/** A kept copy larger than this is not read (the real one is about 140 KB). */
const MAX_BYTES = 16 * 1024 * 1024;
/**
 * Copies kept: one per server URL and Batfish version, so a machine that has talked to many
 * servers (a CI runner with a new port each job) keeps the most recently written ones.
 */
const MAX_COPIES = 16;

/**
 * The server's question templates, kept in netq's state folder per server URL and Batfish version:
 * templates ship inside the server, so a copy for the same version stays true. A damaged or
 * foreign file is ignored (the session fetches the templates again); writes are atomic, so two
 * netqs writing at once leave one whole copy.
 */
export function fileTemplateCache(stateDir: string, url: string, batfishVersion: string): TemplateCache {
  const key = createHash('sha256').update(`${url}\0${batfishVersion}`).digest('hex').slice(0, 24);
  const file = path.join(stateDir, 'templates', `${key}.json`);
  return {
    async load() {
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined || text.length > MAX_BYTES) return undefined;
      const kept = JSON.parse(text) as { url?: unknown; batfishVersion?: unknown; templates?: unknown };
      return kept.url === url && kept.batfishVersion === batfishVersion ? kept.templates : undefined;
    },
    async save(templates) {
      const dir = await stateSubdir(stateDir, 'templates');
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
      try {
        await writeFile(temp, JSON.stringify({ url, batfishVersion, templates }));
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await keepNewest(dir, MAX_COPIES);
    },
  };
}

/** Deletes all but the `keep` most recently written copies (and temporary files of writes that died). */
async function keepNewest(dir: string, keep: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  if (names.length <= keep) return;
  const dated = await Promise.all(names.map(async (name) => ({ name, mtimeMs: (await stat(path.join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.mtimeMs - a.mtimeMs);
  await Promise.all(dated.slice(keep).map(({ name }) => rm(path.join(dir, name), { force: true })));
}
