import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Imports point one way: domain modules -> components -> app shell. Only the CLI touches node:*.
const noNode = { group: ['node:*'], message: 'Only src/cli may import node:* modules.' };
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
