// The cache keys of netq's build, for the action's actions/cache steps (action.yml), written to
// GITHUB_OUTPUT as `deps` and `dist`. Computed here because hashFiles() reads only the workspace
// and the action's own checkout lies outside it; in Node so that it runs the same on Linux,
// macOS and Windows runners.
//
// - deps (node_modules) follows package-lock.json, the runner's OS and architecture and Node's
//   major version (a dependency may build native code);
// - dist (the built program) follows everything the build reads: package.json, the lock file,
//   the tsconfigs, scripts/ and src/.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = process.env.GITHUB_ACTION_PATH || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const output = process.env.GITHUB_OUTPUT;
if (!output) throw new Error('GITHUB_OUTPUT is not set: this script runs as a step of the netq action');

/** Every file below dir, relative to root, with / separators, in a stable order. */
function filesBelow(dir) {
  return readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const rel = `${dir}/${entry.name}`;
      return entry.isDirectory() ? filesBelow(rel) : entry.isFile() ? [rel] : [];
    })
    .sort();
}

/** A short digest of the files' names and contents. */
function digest(files) {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 20);
}

const platform = `${process.env.RUNNER_OS || process.platform}-${process.arch}`;
const node = `node${process.versions.node.split('.')[0]}`;
const deps = `netq-deps-${platform}-${node}-${digest(['package-lock.json'])}`;
const dist = `netq-dist-${digest(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', ...filesBelow('scripts'), ...filesBelow('src')])}`;
appendFileSync(output, `deps=${deps}\ndist=${dist}\n`);
process.stdout.write(`netq build cache keys: ${deps}, ${dist}\n`);
