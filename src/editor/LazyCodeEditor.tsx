import { Component, lazy, Suspense, type ReactNode } from 'react';
import { afterFirstPaint } from '../hooks/after-first-paint.ts';
import type { CodeEditorProps } from './editor-props.ts';

// The lesson text must not wait for Monaco: its chunks are only requested once the page has
// painted (see after-first-paint.ts); a plain textarea with the code stands in until then.
// When prerendering (src/prerender.tsx) it never loads: the page is rendered with the stand-in.
const CodeEditor = lazy(() =>
  import.meta.env.SSR
    ? new Promise<never>(() => {})
    : afterFirstPaint().then(() => import('./CodeEditor.tsx')),
);

/** A plain textarea, used while Monaco loads and if it cannot load at all. */
function PlainEditor({
  value,
  onChange,
  onRun,
  ariaLabel,
  note,
}: Pick<CodeEditorProps, 'value' | 'onChange' | 'onRun' | 'ariaLabel'> & { note: string }) {
  return (
    <div className="plain-editor">
      <p className="editor-loading">{note}</p>
      <textarea
        aria-label={ariaLabel}
        value={value}
        // A prerendered page is replaced when the app starts; text typed into it before then
        // would be lost, so there it is read-only.
        readOnly={import.meta.env.SSR}
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
            event.preventDefault();
            onRun(event.currentTarget.value);
          }
        }}
      />
    </div>
  );
}

/** Keeps the exercise usable when the editor chunk fails to load (offline, blocked chunk). */
class EditorErrorBoundary extends Component<
  { fallback: ReactNode; children: ReactNode },
  { failed: boolean }
> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/** Monaco, loaded lazily; a plain textarea stands in while it loads or if it fails. */
export function LazyCodeEditor(props: CodeEditorProps) {
  return (
    <EditorErrorBoundary
      fallback={
        <PlainEditor
          {...props}
          note="The full editor could not load; this plain one works the same way."
        />
      }
    >
      <Suspense fallback={<PlainEditor {...props} note="Loading the editor…" />}>
        <CodeEditor {...props} />
      </Suspense>
    </EditorErrorBoundary>
  );
}
