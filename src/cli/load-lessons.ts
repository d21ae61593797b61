import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  assembleCourse,
  LessonError,
  parseLessonFolder,
  type LessonFileName,
} from '../lessons/parse-lesson.ts';
import { LESSON_FILES, type Lesson } from '../lessons/schema.ts';

/** Reads every `lessons/NN-slug/` folder under `root` with the same parser the browser uses. */
export async function loadLessonsFromDisk(root: string): Promise<Lesson[]> {
  const lessonsDir = path.join(root, 'lessons');
  let entries;
  try {
    entries = await readdir(lessonsDir, { withFileTypes: true });
  } catch {
    throw new LessonError('lessons', `folder not found at ${lessonsDir}`);
  }
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
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
export function lessonFilePath(root: string, lesson: Lesson, file: LessonFileName): string {
  return path.join(root, 'lessons', lesson.folder, file);
}
