/** One lesson's sources, as scripts/course-submissions.mjs reads them. */
export interface LessonSources {
  /** The lesson's slug (its folder name without the number). */
  slug: string;
  /** The reference solution's text. */
  solution: string;
  /** The starter's text. */
  starter: string;
}
export function readLessonSources(root: string): LessonSources[];
export function downloadedFile(lesson: string, code: string): string;
