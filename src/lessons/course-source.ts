import bundledCourse from 'virtual:cachelab/course';
import type { RenderedLesson } from './render-lesson.ts';

/** An invalid lesson file, as the page shows it. */
export interface LessonProblem {
  /** The file at fault, e.g. "lessons/01-x/lesson.md". */
  file: string;
  /** The frontmatter field at fault, when there is one. */
  field?: string;
  /** The LessonError message, naming file and field. */
  message: string;
}

/** The course as the browser sees it: the lessons, or the first lesson file that is wrong. */
export type CourseResult =
  | {
      /** Every lesson parsed. */ ok: true;
      /** Lessons in course order, with markdown pre-rendered. */ lessons: RenderedLesson[];
    }
  | {
      /** A lesson file is invalid. */ ok: false;
      /** Names the file and field at fault. */ error: LessonProblem;
    };

/**
 * The course, read from lessons/ by scripts/vite-lessons.ts with the same loader the CLI uses
 * (`loadLessonsFromDisk` → `parseLessonFolder` → `assembleCourse`), then `renderLesson`. Parsing
 * and markdown rendering happen in Node, at dev-server or build time, so yaml, zod and the
 * markdown toolchain (together about 100 KB gzip) stay out of the page. In dev an invalid lesson
 * arrives as `ok: false` instead of breaking the module.
 */
let current: CourseResult = bundledCourse;
const listeners = new Set<() => void>();

/** The course as of now (it changes only in dev, when a lesson file is edited). */
export function getCourse(): CourseResult {
  return current;
}

/** Calls `listener` whenever a lesson edit hot-reloads the course; returns the unsubscribe. */
export function subscribeCourse(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// This module accepts course updates itself, so a lesson edit swaps the data in place: no page
// reload, and nothing else (editor, progress) is re-run.
if (import.meta.hot) {
  import.meta.hot.accept('virtual:cachelab/course', (next) => {
    if (!next) return;
    current = (next as unknown as { default: CourseResult }).default;
    for (const listener of listeners) listener();
  });
}
