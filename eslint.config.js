// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Libraries that only one folder may import, so each boundary stays in one place. */
const owned = [
  { name: 'axios', owner: 'src/batfish/', message: 'Batfish HTTP lives in src/batfish only.' },
  { name: 'dockerode', owner: 'src/docker/', message: 'The Docker engine is reached from src/docker only.' },
  { name: 'cli-table3', owner: 'src/render/', message: 'Tables are drawn in src/render/table.ts only.' },
];

/** The layers point one way: commands → app → batfish/docker/sites/render (ARCHITECTURE.md). */
const upward = {
  group: ['../app/*', '../commands/*', '../check/*', '../cli.js', '../context.js', '../output.js', '../progress.js'],
  message: 'Lower layers never import the application layer, the commands or the CLI (see ARCHITECTURE.md).',
};
/** The CLI and the commands sit on top: nothing below them imports them. */
const cliLayer = {
  group: ['../commands/*', '../cli.js', '../context.js', '../output.js', '../progress.js', '../main.js'],
  message: 'The application layer never imports the CLI, the commands or their output (see ARCHITECTURE.md).',
};
/**
 * Commands are thin: flags → a request → the application layer → an output function. They import
 * app, output, render, errors, the check report model and renderers, the question catalogue they
 * are generated from, and the CLI's own context, progress and text helpers; never the layers below
 * the application.
 */
const belowApp = {
  group: ['../batfish/*', '../docker/*', '../sites/*', '../check/*.js', '!../check/model.js', '../check/kinds/*', '../input-file.js', '../host.js', '../poll.js'],
  message: 'Commands reach Batfish, Docker, sites and the check engine through src/app only (see ARCHITECTURE.md).',
};
const batfishInternals = {
  group: [
    '../batfish/http.js',
    '../batfish/http-errors.js',
    '../batfish/http-body.js',
    '../batfish/address.js',
    '../batfish/client.js',
    '../batfish/session.js',
    '../batfish/session-flow.js',
    '../batfish/snapshot-flows.js',
    '../batfish/snapshot-parse.js',
    '../batfish/fork-flows.js',
    '../batfish/question-flows.js',
    '../batfish/templates.js',
    '../batfish/work.js',
    '../batfish/question.js',
  ],
  message: 'Rendering works on the answer model (src/batfish/answer.ts), never on Batfish internals.',
};

/** The no-restricted-imports rule for files of `folder` (undefined: the rest of src/). */
function importRule(folder, patterns = []) {
  const paths = owned.filter((o) => o.owner !== folder).map(({ name, message }) => ({ name, message }));
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      ...importRule(undefined),
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Return an exit code; only src/main.ts ends the process.' }],
    },
  },
  { files: ['src/batfish/**/*.ts'], rules: importRule('src/batfish/', [upward]) },
  { files: ['src/docker/**/*.ts'], rules: importRule('src/docker/', [upward]) },
  { files: ['src/sites/**/*.ts'], rules: importRule('src/sites/', [upward]) },
  { files: ['src/render/**/*.ts'], rules: importRule('src/render/', [upward, batfishInternals]) },
  { files: ['src/questions/**/*.ts'], rules: importRule(undefined, [upward]) },
  { files: ['src/app/**/*.ts', 'src/check/**/*.ts'], rules: importRule(undefined, [cliLayer]) },
  { files: ['src/commands/**/*.ts'], rules: importRule(undefined, [belowApp]) },
  {
    // Pure output: it may know the application's types, never run its code.
    files: ['src/output.ts', 'src/output-all-sites.ts', 'src/check/report/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: owned.filter((o) => o.owner !== 'src/render/').map(({ name, message }) => ({ name, message })),
          patterns: [
            { group: ['./app/*', '../app/*', '../../app/*'], allowTypeImports: true, message: 'Output functions take the application\'s results as data: import its types only.' },
            { group: ['../commands/*', '../../commands/*', './commands/*', './cli.js', './context.js', './progress.js'], message: 'Output functions never import the CLI.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
