/** Longest console text kept on screen; a runaway `console.log` loop must not bloat the page. */
export const CONSOLE_CAP_CHARS = 20_000;

/** Props for {@link ConsolePanel}. */
export interface ConsolePanelProps {
  /** The learner's console output from the last run. */
  output: string;
  /** Empties the panel. */
  onClear: () => void;
}

/** Cuts console output to the cap, keeping the start (where the first clues usually are). */
export function capConsole(
  output: string,
  cap = CONSOLE_CAP_CHARS,
): { text: string; omitted: number } {
  if (output.length <= cap) return { text: output, omitted: 0 };
  return { text: output.slice(0, cap), omitted: output.length - cap };
}

/** The learner's console output as plain text, capped, with a Clear button. */
export function ConsolePanel({ output, onClear }: ConsolePanelProps) {
  const { text, omitted } = capConsole(output);
  return (
    <div className="console-panel">
      <div className="panel-header">
        <p className="panel-note">What your code logged with console.log in the last run.</p>
        <button
          type="button"
          className="button button-small"
          onClick={onClear}
          disabled={output === ''}
        >
          Clear console output
        </button>
      </div>
      {/* Plain text only: output is learner-controlled, so it is never parsed as HTML. */}
      <pre className="console-output" tabIndex={0} aria-label="Console output">
        {text === '' ? (
          <span className="console-empty">
            Nothing logged yet. console.log output appears here.
          </span>
        ) : (
          text
        )}
      </pre>
      {omitted > 0 && (
        <p className="console-omitted">
          {omitted.toLocaleString('en')} more characters were left out.
        </p>
      )}
    </div>
  );
}
