import type { CodeConflict, ProgressNotice } from '../../progress/progress-store.ts';

/** Props for {@link ProgressNotices}. */
export interface ProgressNoticesProps {
  /** Storage notices (data set aside, memory only, write refused). */
  notices: readonly ProgressNotice[];
  /** Hides a notice. */
  onDismiss: (id: string) => void;
  /** Another tab's newer code for this lesson, if any. */
  conflict?: CodeConflict;
  /** Replaces this tab's code with the other tab's. */
  onLoadTheirs: () => void;
  /** Keeps this tab's code and saves it over the other tab's. */
  onKeepMine: () => void;
}

/** Notices about saved progress, and the two-tab conflict choice. */
export function ProgressNotices({
  notices,
  onDismiss,
  conflict,
  onLoadTheirs,
  onKeepMine,
}: ProgressNoticesProps) {
  if (notices.length === 0 && !conflict) return null;
  return (
    <div className="progress-notices">
      {conflict && (
        <div
          role="alert"
          className="notice notice-warning"
          aria-label="Code changed in another tab"
        >
          <p>
            You changed this lesson’s code in another tab too. Saving here is paused until you
            choose which version to keep.
          </p>
          <div className="button-row">
            <button type="button" className="button" onClick={onLoadTheirs}>
              Load the other tab’s version
            </button>
            <button type="button" className="button" onClick={onKeepMine}>
              Keep mine
            </button>
          </div>
        </div>
      )}
      {notices.map((notice, index) => (
        <div key={notice.id} role="alert" className="notice" data-kind={notice.kind}>
          <p>{notice.message}</p>
          <button
            type="button"
            className="button button-small"
            aria-label={notices.length > 1 ? `Dismiss notice ${index + 1}` : 'Dismiss notice'}
            onClick={() => onDismiss(notice.id)}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
