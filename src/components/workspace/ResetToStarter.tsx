import { useEffect, useId, useRef, useState } from 'react';

/** Props for {@link ResetToStarter}. */
export interface ResetToStarterProps {
  /** False when the code already equals the starter. */
  canReset: boolean;
  /** Replaces the code with the starter (after the learner confirmed). */
  onReset: () => void;
  /** True while the code from before the last reset can be restored. */
  canUndo: boolean;
  /** Restores the code from before the reset. */
  onUndo: () => void;
}

/** "Reset to starter" with an inline confirmation, then an Undo that brings the code back. */
export function ResetToStarter({ canReset, onReset, canUndo, onUndo }: ResetToStarterProps) {
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const undoRef = useRef<HTMLButtonElement>(null);
  const wasUndoable = useRef(canUndo);
  const id = useId();

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  useEffect(() => {
    // Focus lands on Undo right after a confirmed reset, so the way back is one keypress away.
    if (canUndo && !wasUndoable.current) undoRef.current?.focus();
    wasUndoable.current = canUndo;
  }, [canUndo]);

  return (
    <div className="reset-control">
      {!confirming && (
        <button
          type="button"
          className="button"
          disabled={!canReset}
          aria-label="Reset to starter"
          title="Reset to starter"
          onClick={() => setConfirming(true)}
        >
          Reset
        </button>
      )}
      {confirming && (
        <div
          role="alertdialog"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-desc`}
          className="confirm-box"
          onKeyDown={(event) => {
            if (event.key === 'Escape') setConfirming(false);
          }}
        >
          <p id={`${id}-title`} className="confirm-title">
            Reset your code to the starter?
          </p>
          <p id={`${id}-desc`}>Your current code is kept for an undo.</p>
          <button
            ref={confirmRef}
            type="button"
            className="button button-danger"
            onClick={() => {
              setConfirming(false);
              onReset();
            }}
          >
            Yes, reset my code
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Cancel reset
          </button>
        </div>
      )}
      {canUndo && (
        <p className="undo-line" role="status" aria-label="Reset status">
          Code reset to the starter.{' '}
          <button ref={undoRef} type="button" className="button button-small" onClick={onUndo}>
            Undo reset
          </button>
        </p>
      )}
    </div>
  );
}
