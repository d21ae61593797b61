/** Props for {@link RunnerUnavailable}. */
export interface RunnerUnavailableProps {
  /** What went wrong, from the runner. */
  message: string;
  /** Tries to start the runner again and rerun. */
  onRetry: () => void;
}

/** Says plainly that the runner could not start, and that the code is safe. */
export function RunnerUnavailable({ message, onRetry }: RunnerUnavailableProps) {
  return (
    <div role="alert" className="notice notice-error runner-unavailable">
      <p>
        <strong>The code runner could not start.</strong> {message}
      </p>
      <p>Your code is saved in this browser and nothing was lost.</p>
      <button type="button" className="button" onClick={onRetry}>
        Retry the run
      </button>
    </div>
  );
}
