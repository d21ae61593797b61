import { useEffect, useId, useRef, useState } from 'react';
import type { ImportOutcome } from '../../progress/progress-store.ts';

/** Reads a chosen file; FileReader rather than `file.text()`, which older Safari lacks. */
function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsText(file);
  });
}

/** Props for {@link ProgressControls}. */
export interface ProgressControlsProps {
  /** Saves all progress to a JSON file. */
  onExport: () => void;
  /** Imports the text of a chosen file. */
  onImport: (text: string) => ImportOutcome;
  /** Deletes all progress (after the learner confirmed). */
  onClearAll: () => void;
}

/** Export, import and clear-all for the learner's progress, with confirmation before clearing. */
export function ProgressControls({ onExport, onImport, onClearAll }: ProgressControlsProps) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const id = useId();

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  async function importFile(file: File) {
    let text: string;
    try {
      text = await readText(file);
    } catch (error) {
      setMessage({ ok: false, text: `Could not read ${file.name}: ${(error as Error).message}` });
      return;
    }
    const outcome = onImport(text);
    setMessage(
      outcome.ok
        ? {
            ok: true,
            text: `Imported progress for ${outcome.lessons} ${outcome.lessons === 1 ? 'lesson' : 'lessons'} from ${file.name}.`,
          }
        : { ok: false, text: outcome.error },
    );
  }

  return (
    <div className="progress-controls">
      <h3>Your saved progress</h3>
      <p className="progress-help">
        Code and completion are saved in this browser as you work. Export them to move to another
        browser or to keep a backup.
      </p>
      <div className="button-row">
        <button type="button" className="button" onClick={onExport}>
          Export progress
        </button>
        {/* The native file input is visually hidden and the label styled as a button: the input
            still takes focus and keyboard activation, and the label shows its ring (:focus-within). */}
        <label className="button file-input">
          <span>Import progress</span>
          <input
            type="file"
            className="file-input-native"
            accept=".json,application/json"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void importFile(file);
            }}
          />
        </label>
        {!confirming && (
          <button
            type="button"
            className="button button-danger"
            onClick={() => {
              setMessage(null);
              setConfirming(true);
            }}
          >
            Clear all progress
          </button>
        )}
      </div>
      {confirming && (
        <div role="alertdialog" aria-labelledby={`${id}-title`} className="confirm-box">
          <p id={`${id}-title`} className="confirm-title">
            Delete the saved code and completion of every lesson? This cannot be undone; export
            first to keep a copy.
          </p>
          <button
            ref={confirmRef}
            type="button"
            className="button button-danger"
            onClick={() => {
              setConfirming(false);
              onClearAll();
              setMessage({ ok: true, text: 'All progress was cleared.' });
            }}
          >
            Yes, clear all progress
          </button>
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Keep my progress
          </button>
        </div>
      )}
      <p
        className="progress-message"
        role={message && !message.ok ? 'alert' : 'status'}
        aria-label="Progress status"
        data-ok={message?.ok}
      >
        {message?.text}
      </p>
    </div>
  );
}
