/** Props for {@link CodePreview}. */
export interface CodePreviewProps {
  /** The code to show. */
  value: string;
  /** Accessible name: the editor's own, since this stands in for it. */
  ariaLabel: string;
}

/**
 * The learner's code as read-only text, laid out like the editor that replaces it (same font,
 * size, line height and gutter), so the page shows the code from its first paint and the swap
 * to the real editor moves nothing. Focusable and announced as a read-only text box: focusing it
 * is what loads the real editor at once (LazyCodeEditor.tsx). It is read-only because the app
 * replaces it, and text typed into it would be lost.
 */
export function CodePreview({ value, ariaLabel }: CodePreviewProps) {
  const lines = value.split('\n');
  return (
    <pre
      className="code-preview"
      role="textbox"
      aria-readonly="true"
      aria-multiline="true"
      aria-label={ariaLabel}
      tabIndex={0}
    >
      {lines.map((line, index) => (
        <span key={index} className="code-preview-line">
          {line}
          {index < lines.length - 1 ? '\n' : ''}
        </span>
      ))}
    </pre>
  );
}
