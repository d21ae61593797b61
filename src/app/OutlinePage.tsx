import { Link } from 'wouter';
import {
  CourseOutline,
  type CompletionState,
  type OutlineEntry,
} from '../components/CourseOutline.tsx';
import { useDocumentTitle } from '../hooks/use-document-title.ts';

/** Props for {@link OutlinePage}. */
export interface OutlinePageProps {
  /** Every lesson, in order. */
  lessons: readonly OutlineEntry[];
  /** Saved completion per lesson. */
  completion?: Record<string, CompletionState>;
}

/** The home page: what the course is, a Start link, and every lesson in order. */
export function OutlinePage({ lessons, completion = {} }: OutlinePageProps) {
  useDocumentTitle('Course outline');
  const resume = lessons.find((lesson) => completion[lesson.slug] !== 'passed') ?? lessons[0];
  const started = lessons.some((lesson) => completion[lesson.slug]);
  return (
    <div className="outline-page">
      <h1 tabIndex={-1}>Learn Redis caching by writing the code</h1>
      <p className="outline-intro">
        Each lesson explains one idea, then hands you a small TypeScript exercise against a real
        Redis client. Hidden checks grade your code as you go, right here in the browser.
      </p>
      {resume && (
        <p>
          <Link href={`/lessons/${resume.slug}`} className="button-link">
            {started ? 'Continue' : 'Start'}: {resume.title}
          </Link>
        </p>
      )}
      <h2>Lessons</h2>
      <CourseOutline lessons={lessons} completion={completion} showSummaries />
    </div>
  );
}
