/**
 * The `cachelab` CLI through `main(args, io)`, in this process: the same argument parsing,
 * runners and reporters as `npx cachelab`, without a process start-up per test. The process
 * level (the bin, exit codes as the shell sees them) is covered by cachelab-process.test.ts.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { withDownloadHeader } from '../../src/progress/download-header.ts';
import {
  cachelab,
  cachelabInProcess,
  closeSharedPools,
  repoRoot,
} from '../helpers/run-cachelab.ts';

// Any C0 (but tab and newline), DEL or C1 character.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const lesson1 = path.join(repoRoot, 'lessons/01-key-value-basics');
const solution1 = readFileSync(path.join(lesson1, 'solution.ts'), 'utf8');
const starter1 = readFileSync(path.join(lesson1, 'starter.ts'), 'utf8');
const scratch = mkdtempSync(path.join(tmpdir(), 'cachelab-cli-'));
afterAll(async () => {
  await closeSharedPools();
  rmSync(scratch, { recursive: true, force: true });
});
// Runs start runner children: on a machine shared with other work, allow for slow start-ups.
vi.setConfig({ testTimeout: 60_000 });

function scratchFile(name: string, content: string): string {
  const file = path.join(scratch, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** A fresh folder of submissions. */
function submissions(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(scratch, 'batch-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

// jsdom's XML parser (saxes) is strict: it rejects any document that is not well-formed.
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string) => { window: { DOMParser: typeof DOMParser } };
};

function parseXml(xml: string): Document {
  const doc = new new JSDOM('').window.DOMParser().parseFromString(xml, 'application/xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  return doc;
}

describe('cachelab grade, one file', () => {
  test('exits 0 with the exact JSON shape when every check passes', async () => {
    const { code, stdout } = await cachelab(
      'grade',
      path.join(lesson1, 'solution.ts'),
      '--lesson',
      'key-value-basics',
      '--json',
    );
    expect(stdout).not.toContain('"error"');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json).sort()).toEqual(['checks', 'durationMs', 'lesson', 'passed']);
    expect(json.lesson).toBe('key-value-basics');
    expect(json.passed).toBe(true);
    expect(json.checks).toHaveLength(11);
    for (const check of json.checks) expect(Object.keys(check).sort()).toEqual(['name', 'passed']);
  });

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
  });

  test('exits 1 with a compile error, its line and column', async () => {
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
  });

  test('includes console output and check messages in JSON', async () => {
    const file = scratchFile('chatty.ts', `${starter1}\nconsole.log('loaded', { ok: true });\n`);
    const { code, stdout } = await cachelab(
      'grade',
      file,
      '--lesson',
      'key-value-basics',
      '--json',
    );
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    // The runner may load the module more than once (a fresh realm per check): each load logs.
    expect(json.console).toMatch(/^(loaded \{ ok: true \}\n)+$/);
    expect(json.checks[0]).toEqual({
      name: 'saveUser stores the user as a JSON string under "user:<id>"',
      passed: false,
      message: 'The key "user:42" does not exist.',
    });
  });

  test('the readable report shows control characters in learner text as escapes', async () => {
    const trick = `${starter1}\nconsole.log('\\x1b[2J\\x1b[H\\u009b31mAll 11 checks passed\\r');\n`;
    const file = scratchFile('escape.ts', trick);
    const { code, stdout } = await cachelab('grade', file, '--lesson', 'key-value-basics');
    expect(code).toBe(1);
    expect(stdout).toContain('  | \\x1b[2J\\x1b[H\\x9b31mAll 11 checks passed\\x0d');
    expect(stdout).not.toMatch(CONTROL);
    // Control: the same text as JSON keeps the learner's real characters (JSON escapes them).
    const json = await cachelab('grade', file, '--lesson', 'key-value-basics', '--json');
    expect(JSON.parse(json.stdout).console).toContain('\u001b[2J');
  });

  test('a file downloaded from the page names its lesson: no --lesson needed', async () => {
    const file = scratchFile(
      'key-value-basics.ts',
      withDownloadHeader(solution1, 'key-value-basics'),
    );
    const { code, stdout } = await cachelab('grade', file, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ lesson: 'key-value-basics', passed: true });
    // --lesson still wins over the header.
    const other = await cachelab('grade', file, '--lesson', 'expiry', '--json');
    expect(JSON.parse(other.stdout).lesson).toBe('expiry');
    expect(other.code).toBe(1);
  });

  test('a file with neither a header nor --lesson is a usage error that says how to fix it', async () => {
    const file = scratchFile('plain.ts', solution1);
    const { code, stderr } = await cachelab('grade', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /grade needs --lesson <slug>: .*plain\.ts has no "\/\/ cachelab lesson: <slug>" header/,
    );
  });

  test('a run cut short says which check it was in and how many never ran', async () => {
    const file = scratchFile(
      'endless.ts',
      solution1.replace(
        /export async function loadUser\(([^)]*)\)([^{]*)\{/,
        'export async function loadUser($1)$2{ for (;;) {}',
      ),
    );
    expect(readFileSync(file, 'utf8')).toContain('for (;;) {}');
    // One run: the readable line comes from the same fields (grade-reporters.test.ts).
    const args = ['grade', file, '--lesson', 'key-value-basics', '--timeout', '1500', '--json'];
    const { code, stdout } = await cachelab(...args);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json.error.kind).toBe('timeout');
    expect(json.error.check).toMatch(/loadUser/);
    // The call that hung, from the child's notes file (notes-file.ts), read at the timeout.
    expect(json.error.message).toMatch(/, in loadUser\(.*\)\. Is there an endless loop/);
    expect(json.error.notRun.length).toBeGreaterThan(0);
    // The checks before it finished, and their results were kept (the child's notes file).
    expect(json.checks.length).toBeGreaterThan(0);
    expect(json.checks.length + 1 + json.error.notRun.length).toBe(11);
  }, 30_000);

  test.each([
    [['grade', '--json'], /grade needs a file/],
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
    [['grade', 'x.ts', '--reporter', 'tap', '--json'], /unknown reporter "tap"/],
    [['grade', 'x.ts', '--output', 'r.xml', '--json'], /--output is where --reporter junit writes/],
    [['grade', 'x.ts', '--reporter', 'junit', '--json'], /only one report can go to stdout/],
    [['grade', 'x.ts', '--jobs', '0', '--json'], /--jobs must be a positive whole number/],
    [
      ['grade', 'x.ts', '--course', path.join(scratch, 'nowhere'), '--json'],
      /cannot read the course/,
    ],
    [['frobnicate', '--json'], /unknown command "frobnicate"/],
  ])('exits 2 with {"error": {"kind": "usage"}} for %j', async (args, message) => {
    const { code, stdout } = await cachelab(...args);
    expect(code).toBe(2);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(['error']);
    expect(json.error.kind).toBe('usage');
    expect(json.error.message).toMatch(message);
  });

  test('usage errors without --json go to stderr', async () => {
    const { code, stdout, stderr } = await cachelab('grade');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^cachelab: grade needs a file/);
  });
});

describe('cachelab grade, many files', () => {
  const batch = () =>
    submissions({
      'alice/key-value-basics.ts': withDownloadHeader(solution1, 'key-value-basics'),
      'bob/key-value-basics.ts': withDownloadHeader(starter1, 'key-value-basics'),
      'carol/key-value-basics.ts': withDownloadHeader(
        'export function saveUser( {\n',
        'key-value-basics',
      ),
      'dave/notes.ts': solution1,
      'erin/old.ts': withDownloadHeader(solution1, 'no-such-lesson'),
      'frank/readme.md': 'not a submission',
    });

  test('--json: one document with an entry per file, the right verdict each, exit 1', async () => {
    const dir = batch();
    const { code, stdout } = await cachelabInProcess(['grade', '.', '--json'], { cwd: dir });
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ passed: false, total: 5, failed: 4 });
    const byFile = Object.fromEntries(json.submissions.map((s: { file: string }) => [s.file, s]));
    expect(Object.keys(byFile)).toEqual([
      'alice/key-value-basics.ts',
      'bob/key-value-basics.ts',
      'carol/key-value-basics.ts',
      'dave/notes.ts',
      'erin/old.ts',
    ]);
    expect(byFile['alice/key-value-basics.ts']).toMatchObject({
      lesson: 'key-value-basics',
      passed: true,
    });
    expect(byFile['alice/key-value-basics.ts'].checks).toHaveLength(11);
    expect(byFile['bob/key-value-basics.ts'].passed).toBe(false);
    expect(
      byFile['bob/key-value-basics.ts'].checks.filter((c: { passed: boolean }) => c.passed),
    ).toHaveLength(4);
    expect(byFile['carol/key-value-basics.ts'].error).toMatchObject({ kind: 'compile', line: 5 });
    expect(byFile['dave/notes.ts'].error).toMatchObject({
      kind: 'lesson',
      message: expect.stringMatching(/no lesson/),
    });
    expect(byFile['erin/old.ts'].error).toMatchObject({
      kind: 'lesson',
      message: expect.stringMatching(/"no-such-lesson"/),
    });
  }, 30_000);

  test('exits 0 when every submission passes, with --lesson for files without a header', async () => {
    const dir = submissions({ 'a.ts': solution1, 'b.ts': solution1 });
    const { code, stdout } = await cachelabInProcess(
      ['grade', 'a.ts', 'b.ts', '--lesson', 'key-value-basics'],
      { cwd: dir },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('✓ a.ts [key-value-basics]: all 11 checks passed');
    expect(stdout).toContain('2 of 2 submissions passed in');
  }, 30_000);

  test('--reporter junit --output: well-formed XML, a testsuite per file, a testcase per check', async () => {
    const dir = batch();
    const evil = withDownloadHeader(
      `${starter1}\nconsole.log('\\x1b[31m<b>&"\\u0000\\ud800');\n`,
      'key-value-basics',
    );
    writeFileSync(path.join(dir, 'mallory.ts'), evil);
    const { code, stdout } = await cachelabInProcess(
      ['grade', '.', '--reporter', 'junit', '--output', 'report.xml', '--json'],
      { cwd: dir },
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout).total).toBe(6);
    const xml = readFileSync(path.join(dir, 'report.xml'), 'utf8');
    const doc = parseXml(xml);
    const suites = [...doc.getElementsByTagName('testsuite')];
    expect(suites.map((s) => s.getAttribute('name'))).toEqual([
      'alice/key-value-basics.ts',
      'bob/key-value-basics.ts',
      'carol/key-value-basics.ts',
      'dave/notes.ts',
      'erin/old.ts',
      'mallory.ts',
    ]);
    const cases = (i: number) => [...suites[i]!.getElementsByTagName('testcase')];
    // Passed, failed, and did not compile: still one test case per check of the lesson.
    for (const i of [0, 1, 2, 5]) expect(cases(i)).toHaveLength(11);
    expect(cases(0).every((c) => c.children.length === 0)).toBe(true);
    expect(suites[1]!.getAttribute('failures')).toBe('7');
    const failure = cases(1)[0]!.getElementsByTagName('failure')[0]!;
    expect(failure.getAttribute('message')).toBe('The key "user:42" does not exist.');
    expect(cases(2)[0]!.getElementsByTagName('error')[0]!.textContent).toMatch(
      /^not run: does not compile \(line 5/,
    );
    expect(suites[3]!.getElementsByTagName('error')[0]!.getAttribute('type')).toBe('lesson');
    const out = suites[5]!.getElementsByTagName('system-out')[0]!.textContent;
    expect(out).toContain('\\x1b[31m<b>&"\\x00\\ud800');
    expect(doc.documentElement.getAttribute('tests')).toBe(String(11 * 4 + 2));
  }, 30_000);

  test('--reporter github: annotations on the file and line, escaped as the runner expects', async () => {
    const dir = submissions({
      'bad.ts': withDownloadHeader(
        'const x = 1;\nexport function saveUser( {\n',
        'key-value-basics',
      ),
      'wrong.ts': withDownloadHeader(starter1, 'key-value-basics'),
      'odd%name,x.ts': withDownloadHeader(solution1, 'key-value-basics'),
    });
    const { code, stdout } = await cachelabInProcess(['grade', '.', '--reporter', 'github'], {
      cwd: dir,
    });
    expect(code).toBe(1);
    const lines = stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(lines[0]).toMatch(
      /^::error file=bad\.ts,line=6,col=\d+,title=cachelab%3A does not compile::does not compile \(line 6/,
    );
    const wrong = lines.filter((l) => l.startsWith('::error file=wrong.ts,'));
    expect(wrong).toHaveLength(7);
    expect(wrong[0]).toBe(
      '::error file=wrong.ts,line=1,title=saveUser stores the user as a JSON string under "user%3A<id>"::The key "user:42" does not exist.',
    );
    expect(lines.some((l) => l.includes('odd'))).toBe(false);
    expect(stdout).toContain('1 of 3 submissions passed');
  }, 30_000);

  test('a multi-line message becomes one annotation with %0A; % is %25', async () => {
    const { escapeData, escapeProperty } = await import('../../src/cli/reporters/github.ts');
    expect(escapeData('50% done\r\nnext\x1b[2J')).toBe('50%25 done\\x0d%0Anext\\x1b[2J');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  test('shows progress on a terminal (stderr) and nothing when stderr is not one', async () => {
    const dir = submissions({ 'a.ts': solution1, 'b.ts': starter1 });
    const args = ['grade', '.', '--lesson', 'key-value-basics', '--json'];
    const tty = await cachelabInProcess(args, { cwd: dir, stderrIsTTY: true });
    expect(tty.stderr).toContain('cachelab grade: 2/2 graded, 1 failed');
    const pipe = await cachelabInProcess(args, { cwd: dir });
    expect(pipe.stderr).toBe('');
    expect(JSON.parse(pipe.stdout).failed).toBe(1);
  }, 30_000);
});

describe('cachelab --version', () => {
  test("prints the package's version, and exits 0", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-v', 'version']) {
      const { code, stdout, stderr } = await cachelab(flag);
      expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});

describe('cachelab --help', () => {
  test('documents every command, option, exit code and JSON shape', async () => {
    const { code, stdout } = await cachelab('--help');
    expect(code).toBe(0);
    for (const text of [
      'grade <file|folder>... [--lesson <slug>] [--course <dir>]',
      'verify [--course <dir>] [--lesson <slug>]',
      'cachelab cli',
      'cachelab new <slug>',
      '--json',
      '--reporter <r>',
      '--output <file>',
      '--watch',
      '--root',
      '--timeout',
      'Exit codes',
      '"kind": "usage"',
      '"submissions"',
      '"solutionPassed"',
    ]) {
      expect(stdout).toContain(text);
    }
  });
});

describe('cachelab verify', () => {
  test('every lesson in lessons/: the solution passes and the starter fails', async () => {
    const { code, stdout } = await cachelab('verify', '--json');
    const result = JSON.parse(stdout);
    expect(result.lessons.filter((l: { problems: string[] }) => l.problems.length > 0)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(code).toBe(0);
    expect(result.lessons.length).toBeGreaterThanOrEqual(6);
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
  }, 60_000);

  test('exits 1 and names the problem when a starter already passes', async () => {
    const fixture = mkdtempSync(path.join(scratch, 'root-'));
    cpSync(lesson1, path.join(fixture, 'lessons/01-key-value-basics'), { recursive: true });
    writeFileSync(path.join(fixture, 'lessons/01-key-value-basics/starter.ts'), solution1);
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
  });

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
  });

  test('--lesson verifies one lesson, and an unknown one exits 2', async () => {
    const one = await cachelab('verify', '--lesson', 'key-value-basics');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^✓ key-value-basics: Key-value basics \(11 checks, /);
    const unknown = await cachelab('verify', '--lesson', 'nope', '--json');
    expect(unknown.code).toBe(2);
  });
});

/** An author's course in a scratch folder: lesson 1 as `<folder>/01-kv`, with `check` first. */
function courseWithCheck(folder: string, check: string): string {
  const dir = mkdtempSync(path.join(scratch, 'course-'));
  cpSync(lesson1, path.join(dir, folder, '01-kv'), { recursive: true });
  const checks = path.join(dir, folder, '01-kv/checks.ts');
  writeFileSync(
    checks,
    readFileSync(checks, 'utf8').replace('checks: [', `checks: [\n    ${check},`),
  );
  return dir;
}

describe('--course: a course outside this package', () => {
  // An author's repository: its own folder of lessons (not named lessons/), with its own checks.
  // One fixture for both tests, so they share one warm runner.
  let courseDir: string | undefined;
  const course = () => (courseDir ??= makeCourse());
  // A check this course has and the built-in one does not: proves its checks.ts is the one run.
  const makeCourse = () =>
    courseWithCheck(
      'my-course',
      `{
      name: "the course's own check: loadUser is exported",
      async run({ learner, expect }) {
        expect(typeof learner.loadUser).to.equal('function');
      },
    }`,
    );

  test("verify --course checks the author's lessons", async () => {
    const dir = course();
    const { code, stdout } = await cachelabInProcess(
      ['verify', '--course', 'my-course', '--json'],
      {
        cwd: dir,
      },
    );
    expect(JSON.parse(stdout).lessons).toMatchObject([
      { lesson: 'kv', checkCount: 12, solutionPassed: true, starterFailed: true },
    ]);
    expect(code).toBe(0);
  });

  test("grade --course grades against the author's checks, by the slug in the header", async () => {
    const dir = course();
    writeFileSync(path.join(dir, 'kv.ts'), withDownloadHeader(solution1, 'kv', 'my-course'));
    const { code, stdout } = await cachelabInProcess(
      ['grade', 'kv.ts', '--course', 'my-course', '--json'],
      { cwd: dir },
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.checks).toHaveLength(12);
    expect(json.checks[0].name).toBe("the course's own check: loadUser is exported");
    // Without --course the built-in course has no lesson "kv": the submission fails, not usage.
    const builtIn = await cachelabInProcess(['grade', 'kv.ts', 'kv.ts', '--json'], { cwd: dir });
    expect(builtIn.code).toBe(1);
    expect(JSON.parse(builtIn.stdout).submissions[0].error.message).toMatch(
      /names lesson "kv" of course "my-course".*pass --course <dir>/,
    );
  });
});

describe("verify runs checks with chai's typo guard", () => {
  test('a check that misspells an assertion fails verify instead of asserting nothing', async () => {
    const dir = courseWithCheck(
      'typo-course',
      `{
      name: 'loadUser is a function',
      async run({ learner, expect }) {
        expect(learner.loadUser).to.be.a.functoin;
      },
    }`,
    );
    const { code, stdout } = await cachelabInProcess(
      ['verify', '--course', 'typo-course', '--json'],
      { cwd: dir },
    );
    const [lesson] = JSON.parse(stdout).lessons;
    expect(lesson).toMatchObject({ lesson: 'kv', solutionPassed: false });
    expect(JSON.stringify(lesson)).toMatch(/Invalid Chai property: functoin/);
    expect(code).toBe(1);
  });
});

describe('cachelab verify --watch', () => {
  test('says "Watching" once its watchers are in place, and re-verifies on a change', async () => {
    const fixture = mkdtempSync(path.join(scratch, 'watch-'));
    cpSync(lesson1, path.join(fixture, 'lessons/01-key-value-basics'), { recursive: true });
    const controller = new AbortController();
    const waiters: { pattern: RegExp; resolve: () => void }[] = [];
    let stdout = '';
    const waitFor = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        if (pattern.test(stdout)) resolve();
        else waiters.push({ pattern, resolve });
      });
    const run = cachelabInProcess(['verify', '--watch', '--root', fixture], {
      signal: controller.signal,
      onStdout: (text) => {
        stdout = text;
        for (const w of waiters) if (w.pattern.test(text)) w.resolve();
      },
    });
    await waitFor(/Watching lessons\/ for changes/);
    expect(stdout).toContain('1 lesson verified: every solution passes and every starter fails.');
    // No settling time: the watchers are in place when "Watching" is printed.
    writeFileSync(path.join(fixture, 'lessons/01-key-value-basics/starter.ts'), solution1);
    await waitFor(/starter\.ts passes every check; it must fail at least one/);
    controller.abort();
    expect((await run).code).toBe(0);
  }, 30_000);

  test('a watcher that cannot start is an error (exit 2), not a silent "Watching"', async () => {
    const fixture = mkdtempSync(path.join(scratch, 'watch-'));
    cpSync(lesson1, path.join(fixture, 'lessons/01-key-value-basics'), { recursive: true });
    const { watchLessons } = await import('../../src/cli/watch-lessons.ts');
    expect(() => watchLessons(path.join(fixture, 'nowhere'), () => {})).toThrow(/ENOENT/);
  });

  test('refuses --json', async () => {
    const { code, stdout } = await cachelab('verify', '--watch', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(stdout).error.message).toMatch(/--watch prints the readable report only/);
  });
});

describe('cachelab cli', () => {
  test("arguments after the command name are the command's, even -h", async () => {
    expect((await cachelab('cli', 'echo', '-h')).stdout).toBe('"-h"\n');
    expect((await cachelab('cli', 'echo', '--help')).stdout).toBe('"--help"\n');
    // Control: before the command name, -h is the cli's own option.
    expect((await cachelab('cli', '-h', 'echo')).stdout).toMatch(/^Usage: cachelab cli/);
  });
});
