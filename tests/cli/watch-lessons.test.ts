import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchLessons, type LessonWatcher } from '../../src/cli/watch-lessons.ts';

let root: string;
let watcher: LessonWatcher | undefined;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cachelab-watch-'));
  await mkdir(path.join(root, 'lessons', '01-basics'), { recursive: true });
  await mkdir(path.join(root, 'lessons', '02-expiry'), { recursive: true });
});

afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await rm(root, { recursive: true, force: true });
});

/** Resolves with the first batch of changed folders. */
function nextBatch(debounceMs: number): Promise<string[]> {
  return new Promise((resolve) => {
    watcher = watchLessons(root, resolve, { debounceMs });
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('watchLessons', () => {
  it('reports the lesson folder whose file changed', async () => {
    const batch = nextBatch(50);
    await settle();
    await writeFile(path.join(root, 'lessons', '02-expiry', 'checks.ts'), 'export {}');
    expect(await batch).toEqual(['02-expiry']);
  });

  it('sees an edit made right after it starts, with no time to settle', async () => {
    const batch = nextBatch(30);
    await writeFile(path.join(root, 'lessons', '01-basics', 'starter.ts'), 'x');
    expect(await batch).toEqual(['01-basics']);
  });

  it('watches a lesson folder added after it started', async () => {
    const batches: string[][] = [];
    watcher = watchLessons(root, (folders) => batches.push(folders), { debounceMs: 30 });
    await mkdir(path.join(root, 'lessons', '03-new'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await writeFile(path.join(root, 'lessons', '03-new', 'lesson.md'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(batches).toEqual([['03-new'], ['03-new']]);
  });

  it('debounces a burst of saves across folders into one sorted batch', async () => {
    const batches: string[][] = [];
    watcher = watchLessons(root, (folders) => batches.push(folders), { debounceMs: 120 });
    await settle();
    await writeFile(path.join(root, 'lessons', '02-expiry', 'lesson.md'), 'a');
    await writeFile(path.join(root, 'lessons', '01-basics', 'starter.ts'), 'b');
    await writeFile(path.join(root, 'lessons', '02-expiry', 'solution.ts'), 'c');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(batches).toEqual([['01-basics', '02-expiry']]);
  });

  it('stops calling back once closed', async () => {
    const batches: string[][] = [];
    watcher = watchLessons(root, (folders) => batches.push(folders), { debounceMs: 20 });
    await settle();
    watcher.close();
    await writeFile(path.join(root, 'lessons', '01-basics', 'lesson.md'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(batches).toEqual([]);
  });
});
