// Bundles the `netq` program (src/main.ts) into dist/bin/: one small entry that answers --version
// at once, and chunks loaded on demand (the CLI, each command module, the zip library), so a run
// reads one file per part it uses instead of hundreds of modules. The library (dist/index.js and
// its .d.ts) is what tsc builds; this is only the program.
import { build } from 'esbuild';
import { chmod, readFile, rm } from 'node:fs/promises';

/**
 * Parts of axios netq never uses, left out of the program because loading them costs every run
 * 30-40 ms (measured: importing the Batfish client chunk 0.23 s → 0.15 s, `node -e 0` 0.10 s):
 * - the fetch adapter (src/batfish/http.ts sets `adapter: 'http'`); building it touches the global
 *   fetch, Request and Response, which makes Node load undici;
 * - the `form-data` package (with mime-types and its 137 KB database): netq never sends a
 *   multipart form, so constructing one fails loudly instead;
 * - the global FormData lookup in axios/lib/utils.js (it loads undici too); a FormData is still
 *   recognised by its `[object FormData]` tag.
 * Each replacement must match, or the build fails: an axios update that moves them is seen here.
 */
const AXIOS_TRIMS = [
  { file: /axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/, contents: 'export const getFetch = () => false;\nexport default false;\n' },
  {
    file: /axios[\\/]lib[\\/]platform[\\/]node[\\/]classes[\\/]FormData\.js$/,
    contents:
      "export default class FormData {\n  constructor() {\n    throw new Error('netq does not send multipart forms (form-data is not in its bundle)');\n  }\n}\n",
  },
  {
    file: /axios[\\/]lib[\\/]utils\.js$/,
    replace: ["const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;", 'const FormDataCtor = undefined;'],
  },
];

const trimAxios = {
  name: 'trim-axios',
  setup(b) {
    const matched = new Set();
    for (const trim of AXIOS_TRIMS) {
      b.onLoad({ filter: trim.file }, async (args) => {
        matched.add(trim);
        if (trim.contents !== undefined) return { contents: trim.contents, loader: 'js' };
        const text = await readFile(args.path, 'utf8');
        const [from, to] = trim.replace;
        if (!text.includes(from)) throw new Error(`trim-axios: ${args.path} no longer holds ${JSON.stringify(from)}; update scripts/bundle.mjs`);
        return { contents: text.replace(from, to), loader: 'js' };
      });
    }
    b.onEnd((result) => {
      if (result.errors.length) return;
      const missed = AXIOS_TRIMS.filter((t) => !matched.has(t));
      if (missed.length) throw new Error(`trim-axios: axios no longer has ${missed.map((t) => t.file).join(', ')}; update scripts/bundle.mjs`);
    });
  },
};

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
  plugins: [trimAxios],
  logLevel: 'warning',
});
await chmod('dist/bin/netq.js', 0o755);
