import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { RedisConsoleState } from './use-redis-console.ts';
import './insight.css';

/** Props for {@link RedisConsole}. */
export interface RedisConsoleProps {
  /** State and callbacks from `useRedisConsole`. */
  console: RedisConsoleState;
  /** Id of a heading that names the region; without it the region is named "Redis console". */
  labelledBy?: string;
}

/**
 * An in-page redis-cli: type a command, press Enter, read the reply exactly as redis-cli prints
 * it. Up and Down walk the history. The output is a polite live log that keyboard users can
 * focus and scroll.
 */
export function RedisConsole({ console: state, labelledBy }: RedisConsoleProps) {
  const name = labelledBy ? { 'aria-labelledby': labelledBy } : { 'aria-label': 'Redis console' };
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const { lines, focusRequest } = state;

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [lines]);

  useEffect(() => {
    if (focusRequest > 0) inputRef.current?.focus();
  }, [focusRequest]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowUp') {
      event.preventDefault();
      state.historyUp();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      state.historyDown();
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      // Here Enter sends the command, with or without Ctrl: it must not also run the checks
      // (the page-wide Ctrl+Enter skips events already handled).
      event.preventDefault();
      state.submit();
    } else if (event.key === 'l' && event.ctrlKey) {
      // Ctrl+L clears the screen in redis-cli too.
      event.preventDefault();
      state.clearScreen();
    }
  };

  return (
    <section className="insight-console" {...name}>
      <div
        ref={logRef}
        className="insight-console-log"
        role="log"
        aria-live="polite"
        aria-label="Redis console output"
        tabIndex={0}
      >
        {lines.length === 0 && (
          <p className="insight-muted">
            Type a command such as <code>SET greeting hello</code>, or <code>HELP SET</code>.
          </p>
        )}
        {lines.map((line) => (
          <pre key={line.id} className={`insight-line insight-line-${line.kind}`}>
            {line.kind === 'input' ? (
              <>
                <span className="insight-prompt">{line.prompt} </span>
                {line.text}
              </>
            ) : (
              line.text
            )}
          </pre>
        ))}
      </div>
      <form
        className="insight-console-input"
        onSubmit={(event) => {
          event.preventDefault();
          state.submit();
        }}
      >
        <span className="insight-prompt" aria-hidden="true">
          {state.prompt}
        </span>
        <input
          ref={inputRef}
          type="text"
          aria-label="Redis command"
          value={state.draft}
          onChange={(event) => state.setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          autoComplete="off"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
        />
      </form>
      <div className="insight-console-actions">
        <button type="button" onClick={() => void state.resetStore()}>
          Reset console store
        </button>
        <button type="button" onClick={state.clearScreen}>
          Clear Redis console screen
        </button>
      </div>
    </section>
  );
}
