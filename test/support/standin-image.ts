/**
 * Builds the Batfish stand-in image for the Docker tests: a root filesystem holding this machine's
 * node binary, the libraries `ldd` lists for it, and the simulator bundled into one file, imported
 * with `docker import` (no registry needed). It listens on 9996 like batfish/batfish.
 *
 *   tsx test/support/standin-image.ts [TAG]     (default netq-test/batfish-standin:base)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { FIXTURES_DIR } from './recorded.js';

export const STANDIN_IMAGE = 'netq-test/batfish-standin:base';

/** Builds the image unless it exists (or always, with force). Returns its tag. */
export async function buildStandinImage(tag = STANDIN_IMAGE, force = false): Promise<string> {
  if (!force && spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0) return tag;
  const root = mkdtempSync(path.join(os.tmpdir(), 'netq-standin-'));
  try {
    const app = path.join(root, 'app');
    // The bundle sits in app/support so the simulator finds its fixtures at app/fixtures.
    await build({
      entryPoints: [path.join(path.dirname(FIXTURES_DIR), 'support', 'sim-cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: path.join(app, 'support', 'sim.mjs'),
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'error',
    });
    for (const part of ['answers', 'batfish-questions', 'networks']) {
      cpSync(path.join(FIXTURES_DIR, part), path.join(app, 'fixtures', part), { recursive: true });
    }
    const node = process.execPath;
    copyInto(root, node, '/usr/local/bin/node');
    for (const lib of sharedLibraries(node)) copyInto(root, lib, lib);
    mkdirSync(path.join(root, 'tmp'), { recursive: true, mode: 0o1777 });
    mkdirSync(path.join(root, 'data'), { recursive: true });
    const tar = execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1024 * 1024 * 1024 });
    execFileSync(
      'docker',
      [
        'import',
        '--change', 'CMD ["/usr/local/bin/node", "/app/support/sim.mjs", "--host", "0.0.0.0", "--port", "9996"]',
        '--change', 'EXPOSE 9996',
        '--change', 'ENV HOME=/data',
        '-', tag,
      ],
      { input: tar, stdio: ['pipe', 'ignore', 'inherit'], maxBuffer: 1024 * 1024 * 1024 },
    );
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A variant of an image with extra environment (a crash at start, a slow start). */
export function buildVariant(base: string, tag: string, env: Record<string, string>): string {
  const dockerfile = `FROM ${base}\n${Object.entries(env).map(([k, v]) => `ENV ${k}=${v}`).join('\n')}\n`;
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], { input: dockerfile, stdio: ['pipe', 'ignore', 'inherit'] });
  return tag;
}

function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+\.so[^\s]*)/g)].map((m) => m[1]!);
}

function copyInto(root: string, source: string, target: string): void {
  const dest = path.join(root, target);
  mkdirSync(path.dirname(dest), { recursive: true });
  cpSync(source, dest, { dereference: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tag = await buildStandinImage(process.argv[2] ?? STANDIN_IMAGE, true);
  process.stdout.write(`${tag}\n`);
}
