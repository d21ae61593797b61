/**
 * Where a course's lessons are, from folder names alone. `grade` resolves lessons with this: it
 * is all the host needs, and it spares the start-up parsing every lesson.md (the runner parses
 * and validates the lesson it runs). No lesson parser (yaml, zod) is imported here.
 */
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './usage-error.ts';

/** A lesson folder's name: "04-expiry" → number 04, slug "expiry". */
export const LESSON_FOLDER = /^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

/**
 * The folder of `NN-slug` lessons for `dir`: `dir/lessons` when there is one (this repository, a
 * `--root`, an author's repository), else `dir` itself (a `--course` folder).
 */
export function resolveLessonsDir(dir: string): string {
  const nested = path.join(dir, 'lessons');
  try {
    if (statSync(nested).isDirectory()) return nested;
  } catch {
    // no lessons/ inside: dir is the course folder itself
  }
  return dir;
}

/** Slug → folder name of every lesson folder of the course at `dir`. */
export async function lessonFolders(dir: string): Promise<Map<string, string>> {
  const lessonsDir = resolveLessonsDir(dir);
  let entries;
  try {
    entries = await readdir(lessonsDir, { withFileTypes: true });
  } catch (error) {
    throw new UsageError(
      `cannot read the course at ${lessonsDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const map = new Map<string, string>();
  for (const entry of entries) {
    const match = LESSON_FOLDER.exec(entry.name);
    if (match && entry.isDirectory()) map.set(match[2]!, entry.name);
  }
  if (map.size === 0)
    throw new UsageError(
      `no lessons in ${lessonsDir}: a course is a folder of NN-slug lesson folders`,
    );
  return map;
}

/** Absolute path of one file of a lesson folder. */
export function lessonFileIn(dir: string, folder: string, file: string): string {
  return path.join(resolveLessonsDir(dir), folder, file);
}
