import { Link } from 'wouter';

/** What the outline needs to know about one lesson. */
export interface OutlineEntry {
  /** Lesson id, used in its URL. */
  slug: string;
  /** Lesson title. */
  title: string;
  /** One-line summary, shown when `showSummaries` is on. */
  summary?: string;
}

/** A lesson's saved state: passed, or passed before its checks changed. */
export type CompletionState = 'passed' | 'stale';

/** Props for {@link CourseOutline}. */
export interface CourseOutlineProps {
  /** Every lesson, in course order. */
  lessons: readonly OutlineEntry[];
  /** The lesson being shown, marked with aria-current. */
  currentSlug?: string;
  /** Saved completion per lesson slug. */
  completion?: Record<string, CompletionState>;
  /** Show each lesson's summary under its title (the outline page does; the menu does not). */
  showSummaries?: boolean;
}

/** Summary line such as "2 of 6 lessons complete". Stale passes do not count. */
export function completionSummary(
  lessons: readonly OutlineEntry[],
  completion: Record<string, CompletionState> = {},
): string {
  const done = lessons.filter((lesson) => completion[lesson.slug] === 'passed').length;
  return `${done} of ${lessons.length} ${lessons.length === 1 ? 'lesson' : 'lessons'} complete`;
}

/** The ordered list of lessons, with completion marks. */
export function CourseOutline({
  lessons,
  currentSlug,
  completion = {},
  showSummaries = false,
}: CourseOutlineProps) {
  return (
    <div className="course-outline">
      <p className="course-outline-progress">{completionSummary(lessons, completion)}</p>
      <ol className="course-outline-list">
        {lessons.map((lesson, index) => {
          const state = completion[lesson.slug];
          return (
            <li key={lesson.slug} className="course-outline-item" data-state={state}>
              <Link
                href={`/lessons/${lesson.slug}`}
                aria-current={lesson.slug === currentSlug ? 'page' : undefined}
              >
                <span className="course-outline-number" aria-hidden="true">
                  {index + 1}
                </span>
                <span className="course-outline-title">{lesson.title}</span>{' '}
                {state === 'passed' && (
                  <span className="course-outline-mark">
                    <span aria-hidden="true">✓</span>
                    <span className="visually-hidden">(complete)</span>
                  </span>
                )}
                {state === 'stale' && (
                  <span className="course-outline-mark course-outline-mark-stale">
                    <span aria-hidden="true">↻</span>
                    <span className="visually-hidden">(checks changed since you passed)</span>
                  </span>
                )}
              </Link>
              {showSummaries && lesson.summary && (
                <p className="course-outline-summary">{lesson.summary}</p>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
