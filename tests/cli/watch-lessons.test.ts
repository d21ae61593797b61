/**
 * watchLessons with real file-system events and no sleeps: each test waits for a callback, and
 * tests that prove something did *not* happen wait for a second, slower watcher on the same
 * folders instead of a fixed time (when the slow one has fired, the fast one would have too).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchLessons, type LessonWatcher } from '../../src/cli/watch-lessons.ts';

let root: string;
const watchers: LessonWatcher[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cachelab-watch-'));
  await mkdir(path.join(root, 'lessons', '01-basics'), { recursive: true });
  await mkdir(path.join(root, 'lessons', '02-expiry'), { recursive: true });
});

afterEach(async () => {
  for (const watcher of watchers.splice(0)) watcher.close();
  await rm(root, { recursive: true, force: true });
});

/** Starts a watcher and returns its batches plus a way to await the next one. */
function watch(debounceMs: number, dir = root) {
  const batches: string[][] = [];
  let wake: (() => void) | undefined;
  const watcher = watchLessons(
    dir,
    (folders) => {
      batches.push(folders);
      wake?.();
    },
    { debounceMs },
  );
  watchers.push(watcher);
  return {
    batches,
    watcher,
    /** Resolves once there are at least `count` batches. */
    until(count: number): Promise<string[][]> {
      return new Promise((resolve) => {
        const check = () => (batches.length >= count ? resolve(batches) : (wake = check));
        check();
      });
    },
  };
}

describe(watchLessons, () => {
  it('reports the lesson folder whose file changed', async () => {
    const w = watch(50);
    await writeFile(path.join(root, 'lessons', '02-expiry', 'checks.ts'), 'export {}');
    expect(await w.until(1)).toEqual([['02-expiry']]);
  });

  it('sees an edit made right after it starts, with no time to settle', async () => {
    const w = watch(30);
    await writeFile(path.join(root, 'lessons', '01-basics', 'starter.ts'), 'x');
    expect(await w.until(1)).toEqual([['01-basics']]);
  });

  it('watches a lesson folder added after it started', async () => {
    const w = watch(30);
    await mkdir(path.join(root, 'lessons', '03-new'));
    await w.until(1);
    await writeFile(path.join(root, 'lessons', '03-new', 'lesson.md'), 'x');
    expect(await w.until(2)).toEqual([['03-new'], ['03-new']]);
  });

  it('debounces a burst of saves across folders into one sorted batch', async () => {
    const w = watch(120);
    const later = watch(600);
    await writeFile(path.join(root, 'lessons', '02-expiry', 'lesson.md'), 'a');
    await writeFile(path.join(root, 'lessons', '01-basics', 'starter.ts'), 'b');
    await writeFile(path.join(root, 'lessons', '02-expiry', 'solution.ts'), 'c');
    await later.until(1);
    expect(w.batches).toEqual([['01-basics', '02-expiry']]);
  });

  it('stops calling back once closed', async () => {
    const closed = watch(1);
    const witness = watch(100);
    closed.watcher.close();
    await writeFile(path.join(root, 'lessons', '01-basics', 'lesson.md'), 'x');
    expect(await witness.until(1)).toEqual([['01-basics']]);
    expect(closed.batches).toEqual([]);
  });

  it('watches a --course folder (NN-slug folders with no lessons/ around them)', async () => {
    const w = watch(30, path.join(root, 'lessons'));
    await writeFile(path.join(root, 'lessons', '01-basics', 'checks.ts'), 'x');
    expect(await w.until(1)).toEqual([['01-basics']]);
  });

  it('throws at start-up when it cannot watch, instead of pretending to', () => {
    expect(() => watchLessons(path.join(root, 'missing'), () => {})).toThrow(/ENOENT/);
  });
});
