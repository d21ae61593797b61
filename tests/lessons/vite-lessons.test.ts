import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from 'vite';
import {
  COURSE_MODULE_ID,
  LESSON_MODULE_PREFIX,
  lessonsPlugin,
  readCourse,
} from '../../scripts/vite-lessons.ts';
import { hashChecks } from '../../src/progress/checks-hash.ts';
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
  function plugin(command: 'build' | 'serve' = 'serve') {
    const instance = lessonsPlugin({ root });
    const configResolved = instance.configResolved as (config: Partial<ResolvedConfig>) => void;
    configResolved({ root, command });
    return {
      resolveId: instance.resolveId as (id: string) => string | undefined,
      load: instance.load as (id: string) => Promise<string | undefined>,
    };
  }

  async function loadCode(id: string, command: 'build' | 'serve' = 'serve') {
    const { resolveId, load } = plugin(command);
    const resolved = resolveId(id);
    expect(resolved).toBeTruthy();
    return (await load(resolved!))!;
  }

  async function loadModule(id = COURSE_MODULE_ID, command: 'build' | 'serve' = 'serve') {
    const code = await loadCode(id, command);
    const literal = /^export default (.*);$/m.exec(code)![1];
    return JSON.parse(literal);
  }

  it('exports the outline only: no lesson body, code, hints or checks', async () => {
    await writeLesson('01-a', lessonFiles('A'));
    await writeLesson('02-b', lessonFiles('B', { 'checks.ts': 'export default { b: 1 };\n' }));
    expect(plugin().resolveId('./other.ts')).toBeUndefined();
    const course = await loadModule();
    expect(course).toEqual({
      ok: true,
      lessons: [
        {
          slug: 'a',
          title: 'A',
          summary: expect.any(String),
          order: 1,
          checksHash: hashChecks('export default {};\n'),
        },
        {
          slug: 'b',
          title: 'B',
          summary: expect.any(String),
          order: 2,
          checksHash: hashChecks('export default { b: 1 };\n'),
        },
      ],
    });
    const code = await loadCode(COURSE_MODULE_ID);
    expect(code).not.toMatch(/First hint|TODO A|bodyTree|Intro to/);
  });

  it('loads each lesson lazily, one import() per lesson', async () => {
    await writeLesson('01-a', lessonFiles('A'));
    await writeLesson('02-b', lessonFiles('B'));
    const code = await loadCode(COURSE_MODULE_ID);
    expect(code).toContain(`"a": () => import("${LESSON_MODULE_PREFIX}a")`);
    expect(code).toContain(`"b": () => import("${LESSON_MODULE_PREFIX}b")`);
    expect(code.match(/import\(/g)).toHaveLength(2);
  });

  it('exports a lesson, body and all, as virtual:cachelab/lesson/<slug>', async () => {
    await writeLesson('01-a', lessonFiles('A'));
    await writeLesson('02-b', lessonFiles('B'));
    const lesson = await loadModule(`${LESSON_MODULE_PREFIX}b`);
    expect(lesson).toMatchObject({ slug: 'b', title: 'B', hints: ['First hint', 'Second hint'] });
    expect(lesson.starter).toContain('TODO B');
    expect(JSON.stringify(lesson.bodyTree)).toContain('Intro to B');
  });

  it('fails the build for an unknown lesson slug; dev gets null', async () => {
    await writeLesson('01-a', lessonFiles('A'));
    await expect(loadCode(`${LESSON_MODULE_PREFIX}nope`, 'build')).rejects.toThrow(
      /No lesson with slug "nope"/,
    );
    expect(await loadModule(`${LESSON_MODULE_PREFIX}nope`)).toBeNull();
  });

  it('exports the error for the page to show when a lesson is broken, and no loaders', async () => {
    await writeLesson('01-a', lessonFiles('A', { 'checks.ts': undefined }));
    expect(await loadModule()).toMatchObject({
      ok: false,
      error: { file: 'lessons/01-a/checks.ts' },
    });
    expect(await loadCode(COURSE_MODULE_ID)).not.toContain('import(');
  });
});
