import { Component, useEffect, useRef, useState, type ComponentType, type ReactNode } from 'react';
import { afterFirstPaint } from '../hooks/after-first-paint.ts';
import { CodePreview } from './CodePreview.tsx';
import { chooseEditor, type EditorKind } from './editor-choice.ts';
import type { CodeEditorProps } from './editor-props.ts';
import { whenWanted } from './when-wanted.ts';

type EditorModule = { default: ComponentType<CodeEditorProps> };

/**
 * How long after the page has become interactive the editor loads anyway, in idle time, where
 * the learner has not come near it yet (a phone reading the lesson text far above the exercise):
 * by the time they scroll down it is ready instead of starting then, and a script that waits for
 * the editor without scrolling (a test, an extension) finds it. Late enough to stay out of the
 * page's load (Lighthouse stops recording about a second after the page goes quiet); not where
 * the learner asked the browser to save data.
 */
export const EDITOR_IDLE_AFTER_MS = 4000;

// Each editor is its own chunk: a phone never downloads Monaco, a desktop never CodeMirror.
const LOADERS: Record<EditorKind, () => Promise<EditorModule>> = {
  monaco: () => import('./CodeEditor.tsx'),
  touch: () => import('./TouchCodeEditor.tsx'),
};

/** A plain textarea, used if the editor chunk cannot load at all (offline, blocked chunk). */
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

/** Keeps the exercise usable when the editor throws while starting. */
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

/**
 * The code editor, loaded when the learner is about to use it (see when-wanted.ts), or in idle
 * time EDITOR_IDLE_AFTER_MS after the page became interactive: Monaco on a desktop, CodeMirror
 * on a touch phone (editor-choice.ts). Until it is ready the code stays on screen as read-only
 * text in the editor's own font and spacing (the prerendered page shows the same), so there is
 * never an empty box; a focus on it loads the editor at once and hands the focus over. When
 * prerendering nothing loads.
 */
export function LazyCodeEditor(props: CodeEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [editor, setEditor] = useState<ComponentType<CodeEditorProps> | null>(null);
  const [failed, setFailed] = useState(false);
  const [focusOnReady, setFocusOnReady] = useState(false);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let live = true;
    const kind = chooseEditor();
    let stop = () => {};
    // Nothing heavy before the lesson's first paint (after-first-paint.ts).
    void afterFirstPaint().then(() => {
      if (!live) return;
      stop = whenWanted(
        host,
        () => {
          LOADERS[kind]().then(
            (module) => {
              if (live) setEditor(() => module.default);
            },
            () => {
              if (live) setFailed(true);
            },
          );
        },
        { idleAfterMs: EDITOR_IDLE_AFTER_MS },
      );
    });
    const onFocus = () => setFocusOnReady(true);
    host.addEventListener('focusin', onFocus);
    return () => {
      live = false;
      stop();
      host.removeEventListener('focusin', onFocus);
    };
  }, []);

  const fallback = (
    <PlainEditor
      {...props}
      note="The full editor could not load; this plain one works the same way."
    />
  );
  let content: ReactNode;
  if (failed) content = fallback;
  else if (!editor) content = <CodePreview value={props.value} ariaLabel={props.ariaLabel} />;
  else {
    const Editor = editor;
    content = (
      <EditorErrorBoundary fallback={fallback}>
        <Editor {...props} autoFocus={focusOnReady} />
      </EditorErrorBoundary>
    );
  }
  return (
    <div ref={hostRef} className="lazy-editor">
      {content}
    </div>
  );
}
