import { Link } from 'wouter';
import { RunSummary, type RunSummaryProps } from './RunSummary.tsx';

/** A lesson to go on to. */
export interface NextLesson {
  /** Lesson id, used in its URL. */
  slug: string;
  /** Lesson title. */
  title: string;
}

/** Props for {@link ResultBar}. */
export interface ResultBarProps {
  /** The run summary (sentence, tone, run count). */
  summary: RunSummaryProps;
  /** How many checks failed in the finished run (0 when none, or before a run). */
  failures: number;
  /** Shows the first failure (or the run error) in the Results tab. */
  onJumpToFailure: () => void;
  /** The next lesson, offered after a pass; absent on the last lesson. */
  next?: NextLesson;
}

/**
 * Beside Run: the run summary, then one action that fits the outcome, "First failure" after a
 * failing run, "Next lesson →" after a pass. It sits in the row that already holds Run, so a
 * result never pushes the editor down.
 */
export function ResultBar({ summary, failures, onJumpToFailure, next }: ResultBarProps) {
  const failed = summary.tone === 'failed' && failures > 0;
  const errored = summary.tone === 'error';
  return (
    <div className="result-bar">
      <RunSummary {...summary} />
      {(failed || errored) && (
        <button type="button" className="button button-small" onClick={onJumpToFailure}>
          {errored ? 'Show the error' : 'Jump to first failure'}
        </button>
      )}
      {summary.tone === 'passed' && next && (
        <Link
          href={`/lessons/${next.slug}`}
          className="button-link button-small next-lesson-link"
          aria-label={`Next lesson: ${next.title}`}
        >
          Next lesson <span aria-hidden="true">→</span>
        </Link>
      )}
    </div>
  );
}
