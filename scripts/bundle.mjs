// Bundles the `netq` program (src/main.ts) into dist/bin/: one small entry that answers --version
// at once, and chunks loaded on demand (the CLI, each command module, the zip library), so a run
// reads one file per part it uses instead of hundreds of modules. The library (dist/index.js and
// its .d.ts) is what tsc builds; this is only the program.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

await rm('dist/bin', { recursive: true, force: true });
await build({
  entryPoints: { netq: 'src/main.ts' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // dockerode pulls in ssh2 and optional native modules: it stays a package, loaded lazily.
  external: ['dockerode'],
  // Bundled CommonJS packages call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __netqRequire } from 'node:module'; const require = __netqRequire(import.meta.url);" },
  legalComments: 'none',
  // Smaller chunks compile faster at every start; names are kept so stack traces (--verbose) still read.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
await chmod('dist/bin/netq.js', 0o755);
