/**
 * The import boundaries in eslint.config.js, proved on fixture files: each file under
 * tests/lint/fixtures/src that says "Must fail lint" breaks exactly one rule, and the allowed
 * ones break none. The fixtures are linted as if they were the project's own `src/`.
 */
import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const config = fileURLToPath(new URL('../../eslint.config.js', import.meta.url));

const MUST_FAIL: [string, string][] = [
  ['src/runner/imports-fs.ts', 'no-restricted-imports'],
  ['src/runner/imports-node-prefixed.ts', 'no-restricted-imports'],
  ['src/runner/imports-component.ts', 'import-x/no-restricted-paths'],
  ['src/runner/imports-browser-host.ts', 'import-x/no-restricted-paths'],
  ['src/redis/imports-runner.ts', 'import-x/no-restricted-paths'],
  ['src/hooks/imports-app.ts', 'import-x/no-restricted-paths'],
  ['src/editor/imports-component.ts', 'import-x/no-restricted-paths'],
  ['src/lessons/cycle-a.ts', 'import-x/no-cycle'],
];
const ALLOWED = [
  'src/runner/browser/host.ts',
  'src/components/widget.ts',
  'src/app/shell.ts',
  'src/runner/core.ts',
];

/**
 * The rule ids (or messages) of every fixture, from one lint run: one ESLint instance loads the
 * config, the TypeScript parser and the import resolver once, instead of once per fixture, and
 * lints each file exactly as it would lint it alone.
 */
let messagesOf: Map<string, string[]>;
beforeAll(async () => {
  // import-x resolves its zones against the process's working directory.
  const previous = process.cwd();
  process.chdir(fixtures);
  try {
    const eslint = new ESLint({ cwd: fixtures, overrideConfigFile: config });
    const files = [...MUST_FAIL.map(([file]) => file), ...ALLOWED];
    const results = await eslint.lintFiles(files);
    messagesOf = new Map(
      results.map((result) => [
        path.relative(fixtures, result.filePath),
        result.messages.map((m) => m.ruleId ?? m.message),
      ]),
    );
  } finally {
    process.chdir(previous);
  }
}, 60_000);

/** The messages of one fixture; a fixture the lint run did not report is an error, not a pass. */
function lintFixture(file: string): string[] {
  const messages = messagesOf.get(file);
  if (!messages) throw new Error(`${file} was not linted`);
  return messages;
}

describe('eslint import boundaries', () => {
  it.each(MUST_FAIL)('%s fails with %s', (file, rule) => {
    expect(lintFixture(file)).toEqual([rule]);
  });

  it.each(ALLOWED)('%s is allowed', (file) => {
    expect(lintFixture(file)).toEqual([]);
  });
});
