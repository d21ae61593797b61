import { InlineMarkdown } from '../InlineMarkdown.tsx';

/** Props for {@link HintsPanel}. */
export interface HintsPanelProps {
  /** Hints from the lesson frontmatter, gentle to specific. */
  hints: readonly string[];
  /** How many are revealed. */
  revealed: number;
  /** Reveals the next one. */
  onReveal: () => void;
}

/** Hints revealed one at a time, so a learner takes only as much help as they need. */
export function HintsPanel({ hints, revealed, onReveal }: HintsPanelProps) {
  const shown = hints.slice(0, revealed);
  const remaining = hints.length - shown.length;
  return (
    <div className="hints-panel">
      {shown.length > 0 && (
        <ol className="hint-list" aria-live="polite" aria-label="Revealed hints">
          {shown.map((hint, index) => (
            <li key={index}>
              <InlineMarkdown source={hint} />
            </li>
          ))}
        </ol>
      )}
      {remaining > 0 ? (
        <button type="button" className="button button-small" onClick={onReveal}>
          {shown.length === 0 ? 'Show a hint' : 'Show the next hint'} ({shown.length + 1} of{' '}
          {hints.length})
        </button>
      ) : (
        <p className="hint-done">
          That is every hint. The Solution tab beside your code compares it with the answer.
        </p>
      )}
    </div>
  );
}
