import { Link } from 'wouter';
import { CourseOutline, type OutlineEntry } from './CourseOutline.tsx';

/** Props for {@link NotFound}. */
export interface NotFoundProps {
  /** The path that matched nothing. */
  path: string;
  /** Every lesson, so the learner can pick the one they meant. */
  lessons: readonly OutlineEntry[];
}

/** Shown for unknown paths and unknown lesson slugs. */
export function NotFound({ path, lessons }: NotFoundProps) {
  const isLesson = path.startsWith('/lessons/');
  return (
    <div className="not-found">
      <h1 tabIndex={-1}>{isLesson ? 'Lesson not found' : 'Page not found'}</h1>
      <p>
        There is no {isLesson ? 'lesson' : 'page'} at <code>{path}</code>. It may have been renamed,
        or the link has a typo. Here are the lessons in this course:
      </p>
      <CourseOutline lessons={lessons} showSummaries />
      <p>
        <Link href="/">Back to the course outline</Link>
      </p>
    </div>
  );
}
