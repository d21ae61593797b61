import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeRunner } from '../../src/cli/node-host.ts';
import { runNew } from '../../src/cli/new-lesson.ts';
import { parseLessonFolder, type LessonFileName } from '../../src/lessons/parse-lesson.ts';
import { LESSON_FILES } from '../../src/lessons/schema.ts';
import { runnerChildEntry } from '../helpers/runner-child-bundle.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cachelab-new-'));
  await mkdir(path.join(root, 'lessons'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runNew(args, {
    cwd: root,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

async function readLesson(folder: string) {
  const files: Partial<Record<LessonFileName, string>> = {};
  for (const name of LESSON_FILES) {
    files[name] = await readFile(path.join(root, 'lessons', folder, name), 'utf8');
  }
  return parseLessonFolder(folder, files);
}

async function lessonFolders() {
  return (await readdir(path.join(root, 'lessons'))).sort();
}

describe('runNew', () => {
  it('scaffolds 01-<slug> with four files whose frontmatter the lesson parser accepts', async () => {
    const result = await run('pub-sub');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created lessons/01-pub-sub/');
    expect(await lessonFolders()).toEqual(['01-pub-sub']);
    const lesson = await readLesson('01-pub-sub');
    expect(lesson.slug).toBe('pub-sub');
    expect(lesson.order).toBe(1);
    expect(lesson.title).toBe('Pub sub');
    expect(lesson.hints.length).toBeGreaterThanOrEqual(1);
    expect(lesson.body).toContain('## Your task');
    expect(lesson.checksSource).toContain("from 'cachelab/checks'");
    expect(lesson.starter).toContain('export async function remember');
    expect(lesson.solution).toContain('export async function remember');
  });

  it('scaffolds a lesson whose solution passes every check and whose starter fails one', async () => {
    expect((await run('pub-sub')).code).toBe(0);
    const lesson = await readLesson('01-pub-sub');
    const runner = createNodeRunner({ root, spare: false, childEntry: runnerChildEntry() });
    try {
      const solution = await runner.run('pub-sub', lesson.solution);
      expect(solution.error).toBeUndefined();
      expect(solution.checks.length).toBeGreaterThanOrEqual(2);
      expect(solution.checks.filter((c) => !c.passed)).toEqual([]);
      const starter = await runner.run('pub-sub', lesson.starter);
      expect(starter.error).toBeUndefined();
      expect(starter.checks.some((c) => !c.passed)).toBe(true);
    } finally {
      await runner.close();
    }
  }, 30_000);

  it('numbers the new lesson after the highest existing one', async () => {
    await mkdir(path.join(root, 'lessons', '01-key-value-basics'));
    await mkdir(path.join(root, 'lessons', '06-sessions'));
    const result = await run('streams');
    expect(result.code).toBe(0);
    expect(await lessonFolders()).toEqual(['01-key-value-basics', '06-sessions', '07-streams']);
  });

  it('keeps a wider number width when the course already uses one', async () => {
    await mkdir(path.join(root, 'lessons', '099-last'));
    expect((await run('next')).code).toBe(0);
    expect(await lessonFolders()).toContain('100-next');
  });

  it('rejects a slug that is not kebab-case with exit 2 and creates nothing', async () => {
    for (const bad of ['Pub-Sub', 'pub_sub', 'pub--sub', 'pub-', 'pub sub', 'über']) {
      const result = await run(bad);
      expect(result.code, bad).toBe(2);
      expect(result.stderr, bad).toContain(`"${bad}" is not a valid slug`);
    }
    expect(await lessonFolders()).toEqual([]);
  });

  it('tells an author who types the number to leave it out', async () => {
    const result = await run('07-pub-sub');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'leave out the number, it is picked for you: cachelab new pub-sub',
    );
    expect(await lessonFolders()).toEqual([]);
  });

  it('rejects a slug that another lesson already uses, and leaves that lesson untouched', async () => {
    const existing = path.join(root, 'lessons', '03-expiry');
    await mkdir(existing);
    await writeFile(path.join(existing, 'lesson.md'), 'original');
    const result = await run('expiry');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the slug "expiry" is already used by lessons/03-expiry');
    expect(await lessonFolders()).toEqual(['03-expiry']);
    expect(await readFile(path.join(existing, 'lesson.md'), 'utf8')).toBe('original');
  });

  it('exits 2 with usage when the slug is missing, doubled, or an option is unknown', async () => {
    const missing = await run();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing the lesson slug');
    expect(missing.stderr).toContain('Usage: cachelab new <slug>');
    expect((await run('a', 'b')).stderr).toContain('expected one slug, got 2');
    expect((await run('a', '--force')).stderr).toContain('unknown option "--force"');
    expect(await lessonFolders()).toEqual([]);
  });

  it('prints usage and exits 0 for --help', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: cachelab new <slug>');
  });

  it('explains where to run it when there is no lessons/ folder', async () => {
    await rm(path.join(root, 'lessons'), { recursive: true });
    const result = await run('pub-sub');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no lessons/ folder');
  });

  // That the files it writes pass the project's own prettier --check and eslint is tested in
  // tests/lint/boundaries.test.ts, the file that loads ESLint anyway (loading ESLint with
  // typescript-eslint costs about 2 s of CPU, paid once per worker, and the two files often ran
  // in different workers).
});
