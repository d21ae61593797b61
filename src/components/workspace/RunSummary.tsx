/** Props for {@link RunSummary}. */
export interface RunSummaryProps {
  /** The sentence from `summarizeRun`, "Running…" during a run, or empty before the first run. */
  text: string;
  /** Tone for styling: all passed, some failed, or the run itself failed. */
  tone: 'idle' | 'running' | 'passed' | 'failed' | 'error';
}

/** The live run summary; screen readers announce each new sentence. */
export function RunSummary({ text, tone }: RunSummaryProps) {
  return (
    <p role="status" aria-label="Run summary" className="run-summary" data-tone={tone}>
      {text}
    </p>
  );
}
