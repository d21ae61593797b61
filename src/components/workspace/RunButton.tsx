/** Props for {@link RunButton}. */
export interface RunButtonProps {
  /** True while a run is in flight. */
  running: boolean;
  /** Starts a run. */
  onRun: () => void;
}

/** The Run button; its name always starts with "Run", and it is busy while the code runs. */
export function RunButton({ running, onRun }: RunButtonProps) {
  return (
    <button
      type="button"
      className="button button-primary run-button"
      aria-busy={running}
      aria-keyshortcuts="Control+Enter Meta+Enter"
      onClick={() => {
        if (!running) onRun();
      }}
    >
      {running ? 'Running…' : 'Run checks'}
      <span className="run-button-shortcut" aria-hidden="true">
        Ctrl+Enter
      </span>
    </button>
  );
}
