// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Libraries that only one folder may import, so each boundary stays in one place. */
const owned = [
  { name: 'axios', owner: 'src/batfish/', message: 'Batfish HTTP lives in src/batfish only.' },
  { name: 'dockerode', owner: 'src/docker/', message: 'The Docker engine is reached from src/docker only.' },
  { name: 'cli-table3', owner: 'src/render/', message: 'Tables are drawn in src/render/table.ts only.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: owned.map(({ name, message }) => ({ name, message })) }],
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Return an exit code; only src/cli.ts ends the process.' }],
    },
  },
  ...owned.map(({ owner }) => ({
    files: [`${owner}**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { paths: owned.filter((o) => o.owner !== owner).map(({ name, message }) => ({ name, message })) }],
    },
  })),
  {
    files: ['src/cli.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
