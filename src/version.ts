import { readFileSync } from 'node:fs';

/**
 * netq's own version, from its package.json: the nearest one above this file, which is the same
 * file whether this runs from src/, dist/ or the bundled dist/bin/.
 */
export const NETQ_VERSION: string = (() => {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'netq' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here: look one folder up.
    }
    if (dir.pathname === '/') return '0.0.0';
  }
})();
