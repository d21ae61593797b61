import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  assembleCourse,
  LessonError,
  parseLessonFolder,
  type LessonFileName,
} from '../lessons/parse-lesson.ts';
import { LESSON_FILES, type Lesson } from '../lessons/schema.ts';
import { LESSON_FOLDER, resolveLessonsDir } from './course-dir.ts';

/** Reads every `NN-slug/` lesson folder of `dir` (see resolveLessonsDir) with the browser's parser. */
export async function loadLessonsFromDisk(dir: string): Promise<Lesson[]> {
  const lessonsDir = resolveLessonsDir(dir);
  let entries;
  try {
    entries = await readdir(lessonsDir, { withFileTypes: true });
  } catch {
    throw new LessonError('lessons', `folder not found at ${lessonsDir}`);
  }
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  if (lessonsDir === dir && !folders.some((f) => LESSON_FOLDER.test(f))) {
    throw new LessonError(
      'lessons',
      `folder not found at ${path.join(dir, 'lessons')}, and ${dir} holds no NN-slug lesson folders`,
    );
  }
  const lessons = await Promise.all(
    folders.map(async (folder) => {
      const files: Partial<Record<LessonFileName, string>> = {};
      for (const name of LESSON_FILES) {
        try {
          files[name] = await readFile(path.join(lessonsDir, folder, name), 'utf8');
        } catch {
          // parseLessonFolder reports the missing file by name.
        }
      }
      return parseLessonFolder(folder, files);
    }),
  );
  return assembleCourse(lessons);
}

/** Absolute path of a lesson's file, for hosts that import checks.ts. */
export function lessonFilePath(
  dir: string,
  lesson: Pick<Lesson, 'folder'>,
  file: LessonFileName,
): string {
  return path.join(resolveLessonsDir(dir), lesson.folder, file);
}
