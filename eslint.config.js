import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

// Imports point one way: domain modules -> components -> app shell. Only the CLI touches Node's
// built-ins, with or without the `node:` prefix. tests/lint proves each rule with a file that
// must fail.
const noNode = {
  group: ['node:*', ...builtinModules.flatMap((name) => [name, `${name}/*`])],
  message: 'Only src/cli may import Node built-in modules.',
};
const noReact = {
  group: ['react', 'react-dom', 'react-dom/*', '*.tsx'],
  message: 'Domain code never imports React or components.',
};
const noApp = { group: ['**/app/*'], message: 'Components must not import the app shell.' };
const noCli = { group: ['**/cli/*'], message: 'Only the CLI imports the CLI.' };

export default tseslint.config(
  { ignores: ['dist', 'dist-*', 'node_modules', 'coverage', '.screenshots', 'bench-results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...['lessons', 'markdown', 'progress', 'redis', 'runner'].map((domain) => ({
              target: `./src/${domain}`,
              from: ['./src/components', './src/app', './src/hooks', './src/editor', './src/cli'],
              message: 'Domain code never imports the UI, the app shell or the CLI.',
            })),
            {
              target: './src/redis',
              from: './src/runner',
              message: 'The Redis layer stands alone: the runner uses it, never the reverse.',
            },
            {
              target: './src/runner/*.ts',
              from: './src/runner/browser',
              message: 'The runner core must not import a host.',
            },
            {
              target: ['./src/hooks', './src/editor', './src/components'],
              from: './src/app',
              message: 'Only the app shell imports the app shell.',
            },
            {
              target: ['./src/hooks', './src/editor'],
              from: './src/components',
              message: 'Hooks and the editor sit below the components.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noCli] }] },
  },
  {
    files: ['src/{lessons,markdown,runner,redis,progress}/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noCli, noReact, noApp] }] },
  },
  {
    files: ['src/components/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noCli, noApp] }] },
  },
  {
    files: [
      'src/cli/**/*.ts',
      'scripts/**',
      'bin/**',
      'tests/**',
      'vite.config.ts',
      'eslint.config.js',
    ],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': 'off' },
  },
);
