import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLessonsFromDisk } from '../../src/cli/load-lessons.ts';
import { LessonError, type LessonFileName } from '../../src/lessons/parse-lesson.ts';
import { lessonFiles } from '../helpers/lesson-fixtures.ts';

let root: string;

async function writeLesson(folder: string, files: Partial<Record<LessonFileName, string>>) {
  const dir = path.join(root, 'lessons', folder);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cachelab-lessons-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadLessonsFromDisk', () => {
  it('loads every lesson folder in course order', async () => {
    await writeLesson('10-ten', lessonFiles('Ten'));
    await writeLesson('02-two', lessonFiles('Two'));
    await writeLesson('01-one', lessonFiles('One'));
    await writeFile(path.join(root, 'lessons', 'README.md'), 'not a lesson');
    const lessons = await loadLessonsFromDisk(root);
    expect(lessons.map((l) => [l.order, l.slug, l.title])).toEqual([
      [1, 'one', 'One'],
      [2, 'two', 'Two'],
      [10, 'ten', 'Ten'],
    ]);
    expect(lessons[0].starter).toContain('TODO One');
  });

  it('names a missing file', async () => {
    await writeLesson('01-one', lessonFiles('One', { 'checks.ts': undefined }));
    await expect(loadLessonsFromDisk(root)).rejects.toThrow(
      'lessons/01-one/checks.ts: file is missing',
    );
  });

  it('names the file and field of invalid frontmatter', async () => {
    await writeLesson(
      '01-one',
      lessonFiles('One', { 'lesson.md': '---\ntitle: One\nhints: [h]\n---\nBody' }),
    );
    const error = await loadLessonsFromDisk(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LessonError);
    expect(error).toMatchObject({ file: 'lessons/01-one/lesson.md', field: 'summary' });
  });

  it('rejects a duplicate slug across folders', async () => {
    await writeLesson('01-same', lessonFiles('A'));
    await writeLesson('02-same', lessonFiles('B'));
    await expect(loadLessonsFromDisk(root)).rejects.toThrow(
      'slug "same" is already used by lessons/01-same',
    );
  });

  it('says where it looked when there is no lessons folder', async () => {
    await expect(loadLessonsFromDisk(root)).rejects.toThrow(/^lessons: folder not found at /);
  });
});
