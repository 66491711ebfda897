/**
 * Builds the Batfish stand-in image for the Docker tests: a root filesystem holding this machine's
 * node binary, the libraries `ldd` lists for it, and the stand-in program (test/support/standin-main.ts,
 * the simulator) bundled into one file, imported with `docker import` (no registry needed). It
 * listens on 9996 like batfish/batfish, and says what it is: GET /v2/version reports
 * STANDIN_VERSION, never a Batfish release.
 *
 *   tsx test/support/standin-image.ts [TAG]     (default netq-test/batfish-standin:base)
 *
 * Every image here is under netq-test/, never under a name netq itself uses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { FIXTURES_DIR } from './recorded.js';

export const STANDIN_IMAGE = 'netq-test/batfish-standin:base';
/** What the stand-in answers to GET /v2/version. */
export const STANDIN_VERSION = 'standin-simulator (not Batfish)';

/** Builds the image unless it exists (or always, with force). Returns its tag. */
export async function buildStandinImage(tag = STANDIN_IMAGE, force = false): Promise<string> {
  const previous = imageId(tag);
  if (!force && previous) return tag;
  const root = mkdtempSync(path.join(os.tmpdir(), 'netq-standin-'));
  try {
    const app = path.join(root, 'app');
    // The bundle sits in app/support so the simulator finds its fixtures at app/fixtures.
    await build({
      entryPoints: [path.join(path.dirname(FIXTURES_DIR), 'support', 'standin-main.ts')],
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
        '--change', 'CMD ["/usr/local/bin/node", "/app/support/sim.mjs"]',
        '--change', 'EXPOSE 9996',
        '--change', 'ENV HOME=/data',
        '--change', `ENV NETQ_SIM_VERSION="${STANDIN_VERSION}"`,
        '-', tag,
      ],
      { input: tar, stdio: ['pipe', 'ignore', 'inherit'], maxBuffer: 1024 * 1024 * 1024 },
    );
    // The image this one replaces would be left untagged: remove it, unless a container still uses it.
    if (previous && previous !== imageId(tag)) spawnSync('docker', ['image', 'rm', previous], { stdio: 'ignore' });
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A variant of an image with extra environment (a crash at start, a slow start, a slow parse). */
export function buildVariant(base: string, tag: string, env: Record<string, string>): string {
  const previous = imageId(tag);
  const dockerfile = `FROM ${base}\n${Object.entries(env).map(([k, v]) => `ENV ${k}=${v}`).join('\n')}\n`;
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], { input: dockerfile, stdio: ['pipe', 'ignore', 'inherit'] });
  if (previous && previous !== imageId(tag)) spawnSync('docker', ['image', 'rm', previous], { stdio: 'ignore' });
  return tag;
}

/** The id of an image, or undefined when the engine does not have it. */
export function imageId(ref: string): string | undefined {
  const result = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Removes images by reference; missing ones are skipped. */
export function removeImages(refs: string[]): void {
  const present = refs.filter((ref) => imageId(ref));
  if (present.length) spawnSync('docker', ['image', 'rm', '-f', ...present], { stdio: 'ignore' });
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
