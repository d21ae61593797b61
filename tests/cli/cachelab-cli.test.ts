import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cachelabBin as bin, repoRoot, runCachelab } from '../helpers/run-cachelab.ts';

const root = repoRoot;
const lesson1 = path.join(root, 'lessons/01-key-value-basics');
const scratch = mkdtempSync(path.join(tmpdir(), 'cachelab-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cachelab = runCachelab;

function scratchFile(name: string, content: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content);
  return file;
}

describe('cachelab grade', () => {
  test('exits 0 with the exact JSON shape when every check passes', async () => {
    const { code, stdout } = await cachelab(
      'grade',
      path.join(lesson1, 'solution.ts'),
      '--lesson',
      'key-value-basics',
      '--json',
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json).sort()).toEqual(['checks', 'durationMs', 'lesson', 'passed']);
    expect(json.lesson).toBe('key-value-basics');
    expect(json.passed).toBe(true);
    expect(json.checks).toHaveLength(11);
    for (const check of json.checks) expect(Object.keys(check).sort()).toEqual(['name', 'passed']);
  }, 60_000);

  test('exits 1 on the starter and prints ✓/✗ per check without --json', async () => {
    const { code, stdout } = await cachelab(
      'grade',
      path.join(lesson1, 'starter.ts'),
      '--lesson',
      'key-value-basics',
    );
    expect(code).toBe(1);
    expect(stdout).toContain('✗ saveUser stores the user as a JSON string under "user:<id>"');
    expect(stdout).toContain('    The key "user:42" does not exist.');
    expect(stdout).toContain('✓ loadUser returns null for a user that was never saved');
    expect(stdout).toMatch(/4 of 11 checks passed in/);
  }, 60_000);

  test('exits 1 with a compile error, its line and column, and console output', async () => {
    const file = scratchFile('broken.ts', "console.log('hi');\nexport function saveUser( {\n");
    const { code, stdout } = await cachelab(
      'grade',
      file,
      '--lesson',
      'key-value-basics',
      '--json',
    );
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.passed).toBe(false);
    expect(json.checks).toEqual([]);
    expect(json.error).toMatchObject({ kind: 'compile', line: 3 });
    expect(typeof json.error.column).toBe('number');
  }, 60_000);

  test('includes console output and check messages in JSON', async () => {
    const file = scratchFile(
      'chatty.ts',
      readFileSync(path.join(lesson1, 'starter.ts'), 'utf8') +
        "\nconsole.log('loaded', { ok: true });\n",
    );
    const { code, stdout } = await cachelab(
      'grade',
      file,
      '--lesson',
      'key-value-basics',
      '--json',
    );
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.console).toBe('loaded { ok: true }\n');
    expect(json.checks[0]).toEqual({
      name: 'saveUser stores the user as a JSON string under "user:<id>"',
      passed: false,
      message: 'The key "user:42" does not exist.',
    });
  }, 60_000);

  test('a memory bomb exits 1 with kind "memory", and the CLI itself survives', async () => {
    const file = scratchFile(
      'bomb.ts',
      "const hoard: string[] = [];\nfor (let i = 0; ; i++) hoard.push('x'.repeat(1e6) + i);\n",
    );
    const { code, stdout } = await cachelab(
      'grade',
      file,
      '--lesson',
      'key-value-basics',
      '--json',
      '--timeout',
      '30000',
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error.kind).toBe('memory');
  }, 90_000);

  test.each([
    [['grade', '--json'], /grade needs a file/],
    [['grade', 'x.ts', '--json'], /--lesson/],
    [
      ['grade', 'missing-file.ts', '--lesson', 'key-value-basics', '--json'],
      /cannot read missing-file\.ts: ENOENT/,
    ],
    [
      ['grade', path.join(lesson1, 'solution.ts'), '--lesson', 'no-such-lesson', '--json'],
      /unknown lesson "no-such-lesson"/,
    ],
    [
      [
        'grade',
        path.join(lesson1, 'solution.ts'),
        '--lesson',
        'key-value-basics',
        '--bogus',
        '--json',
      ],
      /Unknown option '--bogus'/,
    ],
    [['frobnicate', '--json'], /unknown command "frobnicate"/],
  ])(
    'exits 2 with {"error": {"kind": "usage"}} for %j',
    async (args, message) => {
      const { code, stdout } = await cachelab(...args);
      expect(code).toBe(2);
      const json = JSON.parse(stdout);
      expect(Object.keys(json)).toEqual(['error']);
      expect(json.error.kind).toBe('usage');
      expect(json.error.message).toMatch(message);
    },
    60_000,
  );

  test('usage errors without --json go to stderr', async () => {
    const { code, stdout, stderr } = await cachelab('grade');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^cachelab: grade needs a file/);
  }, 60_000);
});

describe('cachelab --help', () => {
  test('documents every command, option, exit code and JSON shape', async () => {
    const { code, stdout } = await cachelab('--help');
    expect(code).toBe(0);
    for (const text of [
      'grade <file> --lesson <slug>',
      'verify [--lesson <slug>]',
      'cachelab cli',
      'cachelab new <slug>',
      '--json',
      '--watch',
      '--root',
      '--timeout',
      'Exit codes',
      '"kind": "usage"',
      '"solutionPassed"',
    ]) {
      expect(stdout).toContain(text);
    }
  }, 60_000);
});

describe('cachelab verify', () => {
  test('every lesson in lessons/: the solution passes and the starter fails', async () => {
    const { code, stdout } = await cachelab('verify', '--json');
    const result = JSON.parse(stdout);
    expect(result.lessons.filter((l: { problems: string[] }) => l.problems.length > 0)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(code).toBe(0);
    expect(result.lessons.length).toBeGreaterThanOrEqual(1);
    for (const lesson of result.lessons) {
      expect(Object.keys(lesson).sort()).toEqual([
        'checkCount',
        'durationMs',
        'lesson',
        'problems',
        'solutionPassed',
        'starterFailed',
        'title',
      ]);
      expect(lesson.checkCount).toBeGreaterThan(0);
    }
  }, 120_000);

  test('exits 1 and names the problem when a starter already passes', async () => {
    const fixture = mkdtempSync(path.join(scratch, 'root-'));
    cpSync(lesson1, path.join(fixture, 'lessons/01-key-value-basics'), { recursive: true });
    writeFileSync(
      path.join(fixture, 'lessons/01-key-value-basics/starter.ts'),
      readFileSync(path.join(lesson1, 'solution.ts')),
    );
    const { code, stdout } = await cachelab('verify', '--root', fixture, '--json');
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.ok).toBe(false);
    expect(result.lessons[0]).toMatchObject({
      lesson: 'key-value-basics',
      solutionPassed: true,
      starterFailed: false,
    });
    expect(result.lessons[0].problems).toEqual([
      'starter.ts passes every check; it must fail at least one',
    ]);
  }, 60_000);

  test('exits 2 with the LessonError message for invalid lesson files', async () => {
    const fixture = mkdtempSync(path.join(scratch, 'root-'));
    cpSync(lesson1, path.join(fixture, 'lessons/01-key-value-basics'), { recursive: true });
    writeFileSync(
      path.join(fixture, 'lessons/01-key-value-basics/lesson.md'),
      '---\ntitle: x\n---\nbody',
    );
    const { code, stdout } = await cachelab('verify', '--root', fixture, '--json');
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error.message).toMatch(
      /^lessons\/01-key-value-basics\/lesson\.md: field "summary"/,
    );
  }, 60_000);

  test('--lesson verifies one lesson, and an unknown one exits 2', async () => {
    const one = await cachelab('verify', '--lesson', 'key-value-basics');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^✓ key-value-basics: Key-value basics \(11 checks, /);
    const unknown = await cachelab('verify', '--lesson', 'nope', '--json');
    expect(unknown.code).toBe(2);
  }, 60_000);
});

describe('cachelab verify --watch', () => {
  test('re-verifies when a lesson file changes, printing the readable report', async () => {
    const fixture = mkdtempSync(path.join(scratch, 'watch-'));
    cpSync(lesson1, path.join(fixture, 'lessons/01-key-value-basics'), { recursive: true });
    const child = spawn(process.execPath, [bin, 'verify', '--watch', '--root', fixture], {
      cwd: root,
    });
    let stdout = '';
    const waitFor = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}: ${stdout}`)),
          60_000,
        );
        const check = () => {
          if (pattern.test(stdout)) {
            clearTimeout(timer);
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.on('data', (d) => (stdout += d));
    try {
      await waitFor(/Watching lessons\/ for changes/);
      expect(stdout).toContain('1 lesson verified: every solution passes and every starter fails.');
      const starter = path.join(fixture, 'lessons/01-key-value-basics/starter.ts');
      writeFileSync(starter, readFileSync(path.join(lesson1, 'solution.ts')));
      await waitFor(/starter\.ts passes every check; it must fail at least one/);
    } finally {
      child.kill();
    }
  }, 120_000);

  test('refuses --json', async () => {
    const { code, stdout } = await cachelab('verify', '--watch', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error.message).toMatch(/--watch prints the readable report only/);
  }, 60_000);
});
