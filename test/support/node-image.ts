/**
 * Builds the Node base image the netq image tests build FROM, in place of node:20-bookworm-slim
 * (no registry images can be pulled here). Like test/support/standin-image.ts it is a root
 * filesystem imported with `docker import`, holding what the Dockerfile's steps and netq's
 * entrypoint use, laid out as the official image has them:
 *
 * - this machine's node binary at /usr/local/bin/node and npm at /usr/local/lib/node_modules/npm,
 *   with the `npm` and `npx` links the official image has (their `#!/usr/bin/env node` needs env);
 * - /bin/sh (dash), which runs every RUN step and npm's scripts, `ln` (the Dockerfile links
 *   `netq` onto the PATH) and git (which the Dockerfile installs with apt-get on a base without
 *   it; no Debian mirror is reachable from containers here), with the shared libraries `ldd` lists for each, in a merged /usr
 *   (/bin, /lib, /lib64 are links into /usr, as on Debian bookworm);
 * - /etc/passwd and /etc/group holding root and the `node` user (uid and gid 1000, home
 *   /home/node), a world-writable /tmp;
 * - this machine's CA bundle with NODE_EXTRA_CA_CERTS pointing at it: the npm registry is reached
 *   through a TLS-intercepting proxy here, as a corporate mirror of node:20-slim would carry its
 *   CA. The Dockerfile knows nothing of it.
 *
 *   tsx test/support/node-image.ts [TAG]     (default netq-test/node-base:20)
 *
 * Every image here is under netq-test/, never under a name netq itself uses.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { imageId } from './standin-image.js';

export const NODE_BASE_IMAGE = 'netq-test/node-base:20';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
/** Programs the image needs besides node, by where they sit in it. */
const PROGRAMS: Record<string, string> = { '/usr/bin/sh': 'dash', '/usr/bin/dash': 'dash', '/usr/bin/env': 'env', '/usr/bin/ln': 'ln', '/usr/bin/git': 'git' };

/** Builds the image unless it exists (or always, with force). Returns its tag. */
export function buildNodeBaseImage(tag = NODE_BASE_IMAGE, force = false): string {
  const previous = imageId(tag);
  // An image made from another list of programs (an older test tree) is made again.
  const spec = createHash('sha256').update(JSON.stringify([PROGRAMS, process.versions.node])).digest('hex').slice(0, 16);
  if (!force && previous && specOf(tag) === spec) return tag;
  const root = mkdtempSync(path.join(os.tmpdir(), 'netq-node-base-'));
  try {
    for (const dir of ['usr/bin', 'usr/lib', 'usr/lib64', 'usr/sbin', 'usr/local/bin', 'usr/local/lib', 'etc/ssl/certs', 'root', 'home/node']) {
      mkdirSync(path.join(root, dir), { recursive: true });
    }
    for (const link of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${link}`, path.join(root, link));
    mkdirSync(path.join(root, 'tmp'), { mode: 0o1777 });
    chmodSync(path.join(root, 'tmp'), 0o1777);

    const node = process.execPath;
    copyInto(root, node, '/usr/local/bin/node');
    copyInto(root, npmDir(node), '/usr/local/lib/node_modules/npm');
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(root, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(root, 'usr/local/bin/npx'));
    const binaries = [node];
    for (const [target, name] of Object.entries(PROGRAMS)) {
      const source = which(name);
      copyInto(root, source, target);
      binaries.push(source);
    }
    for (const lib of new Set(binaries.flatMap(sharedLibraries))) copyInto(root, lib, lib);

    copyInto(root, CA_BUNDLE, CA_BUNDLE);
    writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n');
    writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
    writeFileSync(path.join(root, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');

    // The node user's home is its own, as in node:20-slim (the tests run as root; elsewhere it
    // stays the builder's, which nothing here writes to).
    if (process.getuid?.() === 0) chownSync(path.join(root, 'home/node'), 1000, 1000);
    const tar = execFileSync('tar', ['-C', root, '--numeric-owner', '-c', '.'], { maxBuffer: 1024 * 1024 * 1024 });
    execFileSync(
      'docker',
      [
        'import',
        '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--change', `ENV NODE_VERSION=${process.versions.node}`,
        '--change', `ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`,
        '--change', 'CMD ["node"]',
        '--change', `LABEL io.netq.test.spec=${spec}`,
        '-', tag,
      ],
      { input: tar, stdio: ['pipe', 'ignore', 'inherit'], maxBuffer: 1024 * 1024 * 1024 },
    );
    // The image this one replaces would be left untagged: remove it, unless something still uses it.
    if (previous && previous !== imageId(tag)) spawnSync('docker', ['image', 'rm', previous], { stdio: 'ignore' });
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The netq image the tests build from the top-level Dockerfile, and its build stage. */
export const NETQ_IMAGE = 'netq-test/netq:e2e';
const NETQ_BUILD_STAGE = 'netq-test/netq:e2e-build';

export interface NetqImageBuild {
  tag: string;
  /** The build arguments given (VERSION, REVISION, CREATED, SOURCE), for the labels. */
  buildArgs: Record<string, string>;
  /** Wall time of the two builds; small when the engine's cache holds every step. */
  buildMs: number;
}

/**
 * Builds the netq image from `contextDir` (a checkout: its Dockerfile and .dockerignore) on the
 * Node base image. The build stage is built and tagged first (NETQ_BUILD_STAGE), so the engine
 * keeps it (and the dependency stage under it) by that name for the next run's cache instead of
 * leaving an untagged image behind; an image a rebuild replaces under either tag is removed.
 * Throws with the build's output when it fails.
 */
export function buildNetqImage(contextDir: string, buildArgs: Record<string, string>, tag = NETQ_IMAGE): NetqImageBuild {
  const base = buildNodeBaseImage();
  const args = Object.entries({ NODE_IMAGE: base, ...buildArgs }).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  const started = Date.now();
  for (const [image, target] of [[NETQ_BUILD_STAGE, ['--target', 'build']], [tag, []]] as const) {
    const previous = imageId(image);
    const result = spawnSync('docker', ['build', ...target, ...args, '-t', image, contextDir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`docker build -t ${image} failed (exit ${result.status}):\n${`${result.stdout}${result.stderr}`.slice(-4000)}`);
    if (previous && previous !== imageId(image)) spawnSync('docker', ['image', 'rm', previous], { stdio: 'ignore' });
  }
  return { tag, buildArgs, buildMs: Date.now() - started };
}

/** npm as node's own installation has it: <prefix>/lib/node_modules/npm beside <prefix>/bin/node. */
function npmDir(node: string): string {
  const dir = path.resolve(path.dirname(node), '..', 'lib', 'node_modules', 'npm');
  if (!existsSync(path.join(dir, 'bin', 'npm-cli.js'))) throw new Error(`no npm beside ${node} (looked in ${dir})`);
  return dir;
}

function which(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed here; the Node base image needs it`);
  return found;
}

function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+\.so[^\s]*)/g)].map((m) => m[1]!);
}

/** The spec label of an image, or undefined. */
function specOf(ref: string): string | undefined {
  const result = spawnSync('docker', ['image', 'inspect', '--format', '{{index .Config.Labels "io.netq.test.spec"}}', ref], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function copyInto(root: string, source: string, target: string): void {
  const dest = path.join(root, target);
  mkdirSync(path.dirname(dest), { recursive: true });
  cpSync(source, dest, { dereference: true, recursive: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${buildNodeBaseImage(process.argv[2] ?? NODE_BASE_IMAGE, true)}\n`);
}
