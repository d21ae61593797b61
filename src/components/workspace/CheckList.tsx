import { memo } from 'react';
import { InlineMarkdown } from '../InlineMarkdown.tsx';
import type { CheckResult, RunError } from '../../runner/report.ts';

/** Props for {@link CheckList}. */
export interface CheckListProps {
  /** Results so far, in check order (streams in during a run). */
  checks: readonly CheckResult[];
  /** The run-level error, if the run failed as a whole. */
  error?: RunError;
  /** Jumps the editor to a line. */
  onJump: (line: number, column?: number) => void;
}

const ERROR_LEAD: Record<RunError['kind'], string> = {
  compile: 'Your code does not compile yet, so no checks ran. Fix this first:',
  load: 'Your code threw while it was loading, before any check could call it:',
  timeout:
    'Your code ran too long and was stopped. Look for a loop that never ends or a promise that never settles.',
  memory: 'Your code used too much memory and was stopped.',
  violation: 'The sandbox blocked something your code tried to do:',
  crashed: 'The runner stopped unexpectedly while running your code, and was restarted:',
};

/** The DOM id of the first failure (or the run error), for "Jump to first failure". */
export const FIRST_FAILURE_ID = 'first-failure';

/** A "line L" button that moves the editor there; the name says what is on that line. */
function JumpButton({
  line,
  column,
  context,
  onJump,
}: {
  line: number;
  column?: number;
  context: string;
  onJump: CheckListProps['onJump'];
}) {
  return (
    <button
      type="button"
      className="link-button jump-button"
      aria-label={`Go to line ${line}: ${context}`}
      onClick={() => onJump(line, column)}
    >
      line {line}
    </button>
  );
}

/** What a timeout cut short: the check (and call) that hung, and the checks that never ran. */
function TimeoutDetail({ error }: { error: RunError }) {
  const seconds = error.limitMs ? `${Math.round(error.limitMs / 100) / 10} s` : undefined;
  return (
    <>
      {error.check ? (
        <p className="run-error-lead">
          Your code was stopped{seconds ? ` after ${seconds}` : ''} during the check “
          <InlineMarkdown source={error.check} />”
          {error.call ? (
            <>
              , inside <code>{error.call}</code>
            </>
          ) : null}
          . Look there for a loop that never ends or a promise that never settles.
        </p>
      ) : (
        <p className="run-error-lead">{ERROR_LEAD.timeout}</p>
      )}
      {error.notRun && error.notRun.length > 0 && (
        <div className="not-run">
          <p>
            {error.notRun.length === 1
              ? '1 check did not run:'
              : `${error.notRun.length} checks did not run:`}
          </p>
          <ul aria-label="Checks not run">
            {error.notRun.map((name, index) => (
              <li key={index}>
                <InlineMarkdown source={name} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** What a check's row shows; a re-run that gives the same keeps the row as it is. */
function sameRow(a: CheckResult, b: CheckResult): boolean {
  return (
    a.name === b.name &&
    a.passed === b.passed &&
    a.message === b.message &&
    a.line === b.line &&
    a.column === b.column
  );
}

interface CheckItemProps {
  check: CheckResult;
  firstFailing: boolean;
  onJump: CheckListProps['onJump'];
}

/**
 * One check's row. Every run brings new result objects; compared by what the row shows, a warm
 * re-run with the same outcome renders none of them again.
 */
const CheckItem = memo(
  function CheckItem({ check, firstFailing, onJump }: CheckItemProps) {
    return (
      <li
        className="check"
        data-passed={check.passed}
        id={firstFailing ? FIRST_FAILURE_ID : undefined}
        tabIndex={firstFailing ? -1 : undefined}
      >
        <span className="check-mark" aria-hidden="true">
          {check.passed ? '✓' : '✗'}
        </span>
        <span className="visually-hidden">{check.passed ? 'Passed: ' : 'Failed: '}</span>
        <span className="check-name">
          <InlineMarkdown source={check.name} />
        </span>
        {!check.passed && check.message && (
          <div className="check-failure">
            <pre className="check-message">{check.message}</pre>
            {check.line !== undefined && (
              <JumpButton
                line={check.line}
                column={check.column}
                context={`where “${check.name}” failed`}
                onJump={onJump}
              />
            )}
          </div>
        )}
      </li>
    );
  },
  (a, b) => a.firstFailing === b.firstFailing && a.onJump === b.onJump && sameRow(a.check, b.check),
);

/** The run error first (if any), then each check with ✓ or ✗ and, for failures, why. */
export function CheckList({ checks, error, onJump }: CheckListProps) {
  const compileLike = error?.kind === 'compile' || error?.kind === 'load';
  const firstFailing = error ? -1 : checks.findIndex((check) => !check.passed);
  return (
    <div className="check-results">
      {error && (
        <div className="run-error" data-kind={error.kind} id={FIRST_FAILURE_ID} tabIndex={-1}>
          {error.kind === 'timeout' ? (
            <TimeoutDetail error={error} />
          ) : (
            <p className="run-error-lead">{ERROR_LEAD[error.kind]}</p>
          )}
          {error.kind !== 'timeout' && error.kind !== 'memory' && (
            <p className="run-error-message">
              {error.line !== undefined && (
                <>
                  <JumpButton
                    line={error.line}
                    column={error.column}
                    context={`${error.kind === 'compile' ? 'compile error' : 'error while loading'}`}
                    onJump={onJump}
                  />
                  {': '}
                </>
              )}
              <code>{error.message}</code>
            </p>
          )}
        </div>
      )}
      {/* Checks that never ran because the code didn't compile are not the learner's problem yet. */}
      {!compileLike && checks.length > 0 && (
        <ol className="check-list" aria-label="Check results">
          {checks.map((check, index) => (
            <CheckItem
              key={index}
              check={check}
              firstFailing={index === firstFailing}
              onJump={onJump}
            />
          ))}
        </ol>
      )}
      {!error && checks.length === 0 && (
        <p className="results-empty">
          Run your code to see which checks pass. Each check says what it expected and what your
          code gave.
        </p>
      )}
    </div>
  );
}
