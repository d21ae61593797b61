/**
 * The Monaco editor, configured for cachelab. Loaded only through LazyCodeEditor's `import()`,
 * because it pulls in monaco-setup (and Monaco itself).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Editor, type OnMount } from '@monaco-editor/react';
import type * as MonacoApi from 'monaco-editor';
import { CodePreview } from './CodePreview.tsx';
import { DARK_THEME } from './monaco-setup.ts';
import type { CodeEditorProps } from './editor-props.ts';

type StandaloneEditor = MonacoApi.editor.IStandaloneCodeEditor;
type Monaco = typeof MonacoApi;

const MARKER_OWNER = 'cachelab-run';

/** Monaco with Ctrl/Cmd+Enter to run, run errors as markers, and jumps to a requested line. */
export default function CodeEditor({
  path,
  value,
  onChange,
  onRun,
  theme,
  ariaLabel,
  markers,
  reveal,
  autoFocus = false,
}: CodeEditorProps) {
  const editorRef = useRef<StandaloneEditor | null>(null);
  const monacoRef = useRef<Monaco | null>(null);
  const decorationsRef = useRef<MonacoApi.editor.IEditorDecorationsCollection | null>(null);
  const onRunRef = useRef(onRun);
  const [mounted, setMounted] = useState(false);

  useEffect(() => {
    onRunRef.current = onRun;
  }, [onRun]);

  const handleMount: OnMount = (editor, monaco) => {
    performance.mark('cachelab:editor-ready');
    editorRef.current = editor;
    monacoRef.current = monaco;
    // The editor's own text, not the `value` prop: a paste followed at once by Ctrl+Enter reaches
    // here before React has re-rendered with the pasted code.
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () =>
      onRunRef.current(editor.getValue()),
    );
    decorationsRef.current = editor.createDecorationsCollection();
    if (autoFocus) editor.focus();
    setMounted(true);
  };

  useEffect(() => {
    const editor = editorRef.current;
    const monaco = monacoRef.current;
    const model = editor?.getModel();
    if (!mounted || !editor || !monaco || !model) return;
    const lineCount = model.getLineCount();
    const inRange = markers.filter((marker) => marker.line >= 1 && marker.line <= lineCount);
    monaco.editor.setModelMarkers(
      model,
      MARKER_OWNER,
      inRange.map((marker) => ({
        severity: monaco.MarkerSeverity.Error,
        message: marker.message,
        startLineNumber: marker.line,
        startColumn: marker.column ?? (model.getLineFirstNonWhitespaceColumn(marker.line) || 1),
        endLineNumber: marker.line,
        endColumn: model.getLineMaxColumn(marker.line),
      })),
    );
    decorationsRef.current?.set(
      inRange.map((marker) => ({
        range: new monaco.Range(marker.line, 1, marker.line, 1),
        options: {
          isWholeLine: true,
          className: 'cachelab-error-line',
          linesDecorationsClassName: 'cachelab-error-gutter',
          hoverMessage: { value: marker.message },
        },
      })),
    );
  }, [mounted, markers, path, value]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!mounted || !editor || !reveal) return;
    const lineCount = editor.getModel()?.getLineCount() ?? reveal.line;
    const line = Math.min(Math.max(reveal.line, 1), lineCount);
    editor.revealLineInCenter(line);
    editor.setPosition({ lineNumber: line, column: reveal.column ?? 1 });
    editor.focus();
  }, [mounted, reveal]);

  // One object per accessible name: the wrapper hands a new options object to Monaco's
  // `updateOptions` on every render, which re-validated every option of the editor on each run.
  const options = useMemo<MonacoApi.editor.IStandaloneEditorConstructionOptions>(
    () => ({
      ariaLabel,
      accessibilitySupport: 'auto',
      minimap: { enabled: false },
      fontSize: 14,
      lineHeight: 19,
      fontFamily:
        "'JetBrains Mono Variable', ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      tabSize: 2,
      scrollBeyondLastLine: false,
      automaticLayout: true,
      fixedOverflowWidgets: true,
      renderLineHighlight: 'line',
      // Lesson files are short; a slim gutter leaves room for code on a phone.
      lineNumbersMinChars: 3,
      lineDecorationsWidth: 8,
      glyphMargin: false,
      folding: false,
      // The sticky scroll header is a focus stop of its own inside the editor, so Tab with
      // Ctrl+M on would land there instead of leaving; lesson files are short enough without.
      stickyScroll: { enabled: false },
      wordWrap: 'off',
    }),
    [ariaLabel],
  );

  return (
    <Editor
      path={path}
      value={value}
      language="typescript"
      theme={theme === 'dark' ? DARK_THEME : 'vs'}
      onChange={(next) => onChange(next ?? '')}
      onMount={handleMount}
      // Monaco starts a frame or two after its chunk arrives; the code stays on screen meanwhile.
      loading={<CodePreview value={value} ariaLabel={ariaLabel} />}
      options={options}
    />
  );
}
