import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from 'vite';
import { COURSE_MODULE_ID, lessonsPlugin, readCourse } from '../../scripts/vite-lessons.ts';
import { lessonFiles } from '../helpers/lesson-fixtures.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cachelab-plugin-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function buildStart(command: 'build' | 'serve') {
  const plugin = lessonsPlugin();
  const configResolved = plugin.configResolved as (config: Partial<ResolvedConfig>) => void;
  configResolved({ root, command });
  const start = plugin.buildStart as (this: unknown, options: unknown) => Promise<void>;
  return start.call({}, {});
}

async function writeLesson(folder: string, files: Record<string, string | undefined>) {
  await mkdir(path.join(root, 'lessons', folder), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    if (text !== undefined) await writeFile(path.join(root, 'lessons', folder, name), text);
  }
}

describe('lessonsPlugin', () => {
  it('lets the build start when every lesson is valid', async () => {
    await writeLesson('01-a', lessonFiles('A'));
    await expect(buildStart('build')).resolves.toBeUndefined();
  });

  it('fails the build with the file and field of an invalid lesson', async () => {
    await writeLesson(
      '01-a',
      lessonFiles('A', { 'lesson.md': '---\ntitle: A\nsummary: 5\nhints: [h]\n---\n' }),
    );
    await expect(buildStart('build')).rejects.toThrow('lessons/01-a/lesson.md: field "summary"');
  });

  it('fails the build when a lesson file is missing', async () => {
    await writeLesson('01-a', lessonFiles('A', { 'starter.ts': undefined }));
    await expect(buildStart('build')).rejects.toThrow('lessons/01-a/starter.ts: file is missing');
  });

  it('fails the build when there are no lessons at all', async () => {
    await mkdir(path.join(root, 'lessons'));
    await expect(buildStart('build')).rejects.toThrow(/No lessons found/);
  });

  it('does not stop the dev server, which shows the error in the page instead', async () => {
    await writeLesson('01-a', lessonFiles('A', { 'starter.ts': undefined }));
    await expect(buildStart('serve')).resolves.toBeUndefined();
  });
});

describe('readCourse', () => {
  it('returns the lessons in course order', async () => {
    await writeLesson('10-ten', lessonFiles('Ten'));
    await writeLesson('02-two', lessonFiles('Two'));
    const result = await readCourse(root);
    expect(result.ok && result.lessons.map((l) => l.slug)).toEqual(['two', 'ten']);
  });

  it('returns an invalid lesson as data with file and field, instead of throwing', async () => {
    await writeLesson(
      '01-a',
      lessonFiles('A', { 'lesson.md': '---\ntitle: A\nsummary: s\nhints: 3\n---\n' }),
    );
    await expect(readCourse(root)).resolves.toEqual({
      ok: false,
      error: {
        file: 'lessons/01-a/lesson.md',
        field: 'hints',
        message: expect.stringMatching(/^lessons\/01-a\/lesson\.md: field "hints": /),
      },
    });
  });
});

describe('the virtual:cachelab/course module', () => {
  async function loadModule() {
    const plugin = lessonsPlugin({ root });
    const resolveId = plugin.resolveId as (id: string) => string | undefined;
    const load = plugin.load as (id: string) => Promise<string | undefined>;
    const resolved = resolveId(COURSE_MODULE_ID);
    expect(resolved).toBeTruthy();
    expect(resolveId('./other.ts')).toBeUndefined();
    const code = (await load(resolved!))!;
    const literal = /^export default (.*);$/m.exec(code)![1];
    return JSON.parse(literal);
  }

  it('exports the parsed course', async () => {
    await writeLesson('01-a', lessonFiles('A'));
    const course = await loadModule();
    expect(course).toMatchObject({
      ok: true,
      lessons: [{ slug: 'a', title: 'A', hints: ['First hint', 'Second hint'] }],
    });
  });

  it('exports the error for the page to show when a lesson is broken', async () => {
    await writeLesson('01-a', lessonFiles('A', { 'checks.ts': undefined }));
    expect(await loadModule()).toMatchObject({
      ok: false,
      error: { file: 'lessons/01-a/checks.ts' },
    });
  });
});
