import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TemplateCache } from '../batfish/session.js';

/** A kept copy larger than this is not read (the real one is about 140 KB). */
const MAX_BYTES = 16 * 1024 * 1024;

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
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
      try {
        await writeFile(temp, JSON.stringify({ url, batfishVersion, templates }));
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
}
