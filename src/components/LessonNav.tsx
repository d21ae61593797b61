import { Link } from 'wouter';

/** A neighbouring lesson. */
export interface NavTarget {
  /** Lesson id. */
  slug: string;
  /** Lesson title. */
  title: string;
}

/** Props for {@link LessonNav}. */
export interface LessonNavProps {
  /** The lesson before this one, if any. */
  previous?: NavTarget;
  /** The lesson after this one, if any. */
  next?: NavTarget;
}

/** Previous / next links at the foot of a lesson. */
export function LessonNav({ previous, next }: LessonNavProps) {
  if (!previous && !next) return null;
  return (
    <nav className="lesson-nav" aria-label="Previous and next lesson">
      {previous && (
        <Link
          href={`/lessons/${previous.slug}`}
          rel="prev"
          className="lesson-nav-link lesson-nav-previous"
        >
          <span className="lesson-nav-label">
            <span aria-hidden="true">← </span>Previous:
          </span>{' '}
          <span className="lesson-nav-title">{previous.title}</span>
        </Link>
      )}
      {next && (
        <Link href={`/lessons/${next.slug}`} rel="next" className="lesson-nav-link lesson-nav-next">
          <span className="lesson-nav-label">
            Next:<span aria-hidden="true"> →</span>
          </span>{' '}
          <span className="lesson-nav-title">{next.title}</span>
        </Link>
      )}
    </nav>
  );
}
