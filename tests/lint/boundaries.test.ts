/**
 * The import boundaries in eslint.config.js, proved on fixture files: each file under
 * tests/lint/fixtures/src that says "Must fail lint" breaks exactly one rule, and the allowed
 * ones break none. The fixtures are linted as if they were the project's own `src/`.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const config = fileURLToPath(new URL('../../eslint.config.js', import.meta.url));

/** Lints one fixture as if the fixtures folder were the project root. */
async function lintFixture(path: string): Promise<string[]> {
  // import-x resolves its zones against the process's working directory.
  const previous = process.cwd();
  process.chdir(fixtures);
  try {
    const eslint = new ESLint({ cwd: fixtures, overrideConfigFile: config });
    const [result] = await eslint.lintFiles([path]);
    return result!.messages.map((m) => m.ruleId ?? m.message);
  } finally {
    process.chdir(previous);
  }
}

describe('eslint import boundaries', () => {
  it.each([
    ['src/runner/imports-fs.ts', 'no-restricted-imports'],
    ['src/runner/imports-node-prefixed.ts', 'no-restricted-imports'],
    ['src/runner/imports-component.ts', 'import-x/no-restricted-paths'],
    ['src/runner/imports-browser-host.ts', 'import-x/no-restricted-paths'],
    ['src/redis/imports-runner.ts', 'import-x/no-restricted-paths'],
    ['src/hooks/imports-app.ts', 'import-x/no-restricted-paths'],
    ['src/editor/imports-component.ts', 'import-x/no-restricted-paths'],
    ['src/lessons/cycle-a.ts', 'import-x/no-cycle'],
  ])(
    '%s fails with %s',
    async (path, rule) => {
      expect(await lintFixture(path)).toEqual([rule]);
    },
    30_000,
  );

  it.each([
    'src/runner/browser/host.ts',
    'src/components/widget.ts',
    'src/app/shell.ts',
    'src/runner/core.ts',
  ])(
    '%s is allowed',
    async (path) => {
      expect(await lintFixture(path)).toEqual([]);
    },
    30_000,
  );
});
