/**
 * The touch editor: CodeMirror 6, for phones, where Monaco is unsupported (editor-choice.ts). It
 * uses the browser's own text input, so selection handles, the on-screen keyboard, autocorrect
 * off and scrolling all behave natively. Loaded only through LazyCodeEditor's `import()` and
 * only on such devices, so desktops never download it. Same props as Monaco's editor: the same
 * code, the same persistence (through `onChange`) and Run (Ctrl/Cmd+Enter, or the Run button).
 */
import { useEffect, useRef } from 'react';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import {
  bracketMatching,
  defaultHighlightStyle,
  HighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import {
  Compartment,
  EditorSelection,
  EditorState,
  StateEffect,
  StateField,
} from '@codemirror/state';
import {
  Decoration,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  type DecorationSet,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { CodeEditorProps, EditorMarker } from './editor-props.ts';

/** Light highlighting with every colour at 4.5:1 or more on the light code background. */
const lightHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#8a1c7c' },
  { tag: [tags.string, tags.special(tags.string)], color: '#1d6b2a' },
  { tag: tags.comment, color: '#52606d', fontStyle: 'italic' },
  { tag: [tags.number, tags.bool, tags.null], color: '#8a4b00' },
  { tag: [tags.typeName, tags.className], color: '#0b5a7a' },
  { tag: tags.function(tags.variableName), color: '#5b2bb0' },
  { tag: tags.propertyName, color: '#1b4f9c' },
]);

/** Dark highlighting with every colour at 4.5:1 or more on the dark code background. */
const darkHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#ff9ecf' },
  { tag: [tags.string, tags.special(tags.string)], color: '#a5e3a0' },
  { tag: tags.comment, color: '#9aa7b8', fontStyle: 'italic' },
  { tag: [tags.number, tags.bool, tags.null], color: '#ffc07a' },
  { tag: [tags.typeName, tags.className], color: '#7fd7ff' },
  { tag: tags.function(tags.variableName), color: '#d6b8ff' },
  { tag: tags.propertyName, color: '#c3dcff' },
]);

function themeExtension(theme: 'light' | 'dark') {
  return [
    EditorView.theme(
      {
        '&': { height: '100%', backgroundColor: 'var(--code-bg)', color: 'var(--code-fg)' },
        '.cm-scroller': {
          fontFamily: 'var(--font-mono)',
          fontSize: '14px',
          lineHeight: '19px',
        },
        '.cm-gutters': {
          backgroundColor: 'var(--code-bg)',
          color: 'var(--fg-muted)',
          border: 'none',
        },
        '.cm-activeLine': { backgroundColor: 'rgb(127 127 127 / 0.08)' },
        '.cm-content': { caretColor: 'var(--fg)' },
        '.cm-cachelab-error': { backgroundColor: 'rgb(220 38 38 / 0.16)' },
      },
      { dark: theme === 'dark' },
    ),
    syntaxHighlighting(theme === 'dark' ? darkHighlight : lightHighlight),
    // Anything the two styles above leave out keeps CodeMirror's defaults.
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  ];
}

const setMarkers = StateEffect.define<readonly EditorMarker[]>();

/** Whole-line marks for the lines the last run flagged. */
const markerField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, transaction) {
    let next = marks.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setMarkers)) continue;
      const doc = transaction.state.doc;
      const lines = [...new Set(effect.value.map((m) => m.line))]
        .filter((line) => line >= 1 && line <= doc.lines)
        .sort((a, b) => a - b);
      next = Decoration.set(
        lines.map((line) =>
          Decoration.line({
            class: 'cm-cachelab-error',
            attributes: {
              title: effect.value
                .filter((m) => m.line === line)
                .map((m) => m.message)
                .join('\n'),
            },
          }).range(doc.line(line).from),
        ),
      );
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** CodeMirror with Ctrl/Cmd+Enter to run, run errors as marked lines, and jumps to a line. */
export default function TouchCodeEditor({
  value,
  onChange,
  onRun,
  theme,
  ariaLabel,
  markers,
  reveal,
  autoFocus = false,
}: CodeEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const themeSlot = useRef(new Compartment());
  const callbacks = useRef({ onChange, onRun });

  useEffect(() => {
    callbacks.current = { onChange, onRun };
  }, [onChange, onRun]);

  // Created once; later prop changes are dispatched into it below.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          history(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          EditorState.tabSize.of(2),
          javascript({ typescript: true }),
          markerField,
          themeSlot.current.of(themeExtension(theme)),
          keymap.of([
            {
              key: 'Mod-Enter',
              run: (editor) => {
                callbacks.current.onRun(editor.state.doc.toString());
                return true;
              },
            },
            ...defaultKeymap,
            ...historyKeymap,
            indentWithTab,
          ]),
          EditorView.contentAttributes.of({
            'aria-label': ariaLabel,
            autocapitalize: 'off',
            autocorrect: 'off',
            spellcheck: 'false',
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    viewRef.current = view;
    // The scroller is a scrollable region; keyboard users must be able to reach it (axe).
    view.scrollDOM.tabIndex = 0;
    performance.mark('cachelab:editor-ready');
    if (autoFocus) view.focus();
    return () => {
      view.destroy();
      viewRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the view is created once per mount
  }, []);

  useEffect(() => {
    // A reset, undo, import or another tab's version replaces the text from outside.
    const view = viewRef.current;
    if (!view || view.state.doc.toString() === value) return;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    viewRef.current?.dispatch({
      effects: themeSlot.current.reconfigure(themeExtension(theme)),
    });
  }, [theme]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: setMarkers.of(markers) });
  }, [markers, value]);

  useEffect(() => {
    const view = viewRef.current;
    if (!view || !reveal) return;
    const doc = view.state.doc;
    const line = doc.line(Math.min(Math.max(reveal.line, 1), doc.lines));
    const at = Math.min(line.from + Math.max((reveal.column ?? 1) - 1, 0), line.to);
    view.dispatch({
      selection: EditorSelection.cursor(at),
      effects: EditorView.scrollIntoView(at, { y: 'center' }),
    });
    view.focus();
  }, [reveal]);

  return <div ref={hostRef} className="touch-editor" />;
}
