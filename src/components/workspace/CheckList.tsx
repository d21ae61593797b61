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
};

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

/** The run error first (if any), then each check with ✓ or ✗ and, for failures, why. */
export function CheckList({ checks, error, onJump }: CheckListProps) {
  const compileLike = error?.kind === 'compile' || error?.kind === 'load';
  return (
    <div className="check-results">
      {error && (
        <div className="run-error" data-kind={error.kind}>
          <p className="run-error-lead">{ERROR_LEAD[error.kind]}</p>
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
            <li key={index} className="check" data-passed={check.passed}>
              <span className="check-mark" aria-hidden="true">
                {check.passed ? '✓' : '✗'}
              </span>
              <span className="visually-hidden">{check.passed ? 'Passed: ' : 'Failed: '}</span>
              <span className="check-name">{check.name}</span>
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
          ))}
        </ol>
      )}
    </div>
  );
}
