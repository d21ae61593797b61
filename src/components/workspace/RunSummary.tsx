/** Props for {@link RunSummary}. */
export interface RunSummaryProps {
  /** The sentence from `summarizeRun`, "Running…" during a run, or empty before the first run. */
  text: string;
  /** Tone for styling: all passed, some failed, or the run itself failed. */
  tone: 'idle' | 'running' | 'passed' | 'failed' | 'error';
  /** How many runs have finished; each new one is a new sentence, even if it reads the same. */
  run: number;
}

/**
 * The live run summary; screen readers announce each new sentence. The sentence is keyed by the
 * run, so a re-run with the same result replaces it (announced again, and briefly faded in)
 * instead of leaving the region untouched. `data-run` tells tests and the bench which run shows.
 */
export function RunSummary({ text, tone, run }: RunSummaryProps) {
  return (
    <p
      role="status"
      aria-label="Run summary"
      className="run-summary"
      data-tone={tone}
      data-run={run}
    >
      {text && (
        <span key={`${tone}:${run}`} className="run-summary-text">
          {text}
        </span>
      )}
    </p>
  );
}
