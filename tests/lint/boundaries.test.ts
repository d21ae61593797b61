/**
 * The import boundaries in eslint.config.js, proved on fixture files: each file under
 * tests/lint/fixtures/src that says "Must fail lint" breaks exactly one rule, and the allowed
 * ones break none. The fixtures are linted as if they were the project's own `src/`.
 *
 * Also here, because this file loads ESLint anyway: `cachelab new` writes files that pass the
 * project's own prettier --check and eslint (the rest of its tests are in
 * tests/cli/new-lesson.test.ts). ESLint with typescript-eslint costs about 2 s of CPU to load,
 * once per worker; the two files often ran in different workers and paid it twice.
 */
import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { beforeAll, describe, expect, it } from 'vitest';
import { lessonTemplate } from '../../src/cli/new-lesson.ts';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const config = fileURLToPath(new URL('../../eslint.config.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

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

describe('cachelab new', () => {
  it("writes files that pass the project's own prettier --check and eslint", async () => {
    const eslint = new ESLint({ cwd: repoRoot });
    const files = lessonTemplate('pub-sub');
    // Checked as if they were in this repository's lessons/, under its own configs.
    const where = (name: string) => path.join(repoRoot, 'lessons', '99-pub-sub', name);
    const prettierOptions = async (filepath: string) => ({
      ...(await prettier.resolveConfig(filepath)),
      filepath,
    });
    for (const [name, text] of Object.entries(files)) {
      const filepath = where(name);
      if (!name.endsWith('.md'))
        expect(await prettier.check(text, await prettierOptions(filepath)), name).toBe(true);
      if (name.endsWith('.ts')) {
        const [result] = await eslint.lintText(text, { filePath: filepath });
        expect(result!.messages, name).toEqual([]);
      }
    }
    // Controls: the same checks fail on a line longer than the project's print width, and on an
    // unused variable (so lessons/ is not a folder ESLint ignores).
    const checks = files['checks.ts'];
    const long = checks.replace("'greeting', 'hello'", `'${'g'.repeat(80)}', 'hello'`);
    expect(await prettier.check(long, await prettierOptions(where('checks.ts')))).toBe(false);
    const [unused] = await eslint.lintText(`${checks}\nconst unused = 1;\n`, {
      filePath: where('checks.ts'),
    });
    expect(unused!.messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-unused-vars');
    // ESLint with typescript-eslint loads in about 2 s on a quiet machine, and ten times that
    // while other work shares the two cores.
  }, 90_000);
});
