/**
 * A stand-in for @monaco-editor/react at its boundary: a textarea that calls `onMount` with a
 * fake editor and monaco namespace whose calls tests can inspect.
 */
import { useEffect, useRef } from 'react';
import { vi } from 'vitest';

type Handler = () => void;

function makeSpies() {
  let value = '';
  let onChange: ((value: string | undefined) => void) | undefined;
  const commands = new Map<number, Handler>();
  const decorations = { set: vi.fn() };
  const model = {
    getLineCount: () => value.split('\n').length,
    getLineMaxColumn: (line: number) => (value.split('\n')[line - 1]?.length ?? 0) + 1,
    getLineFirstNonWhitespaceColumn: () => 1,
  };
  const editor = {
    addCommand: vi.fn(
      (keybinding: number, handler: Handler) => void commands.set(keybinding, handler),
    ),
    createDecorationsCollection: vi.fn(() => decorations),
    getModel: () => model,
    getValue: () => value,
    revealLineInCenter: vi.fn(),
    setPosition: vi.fn(),
    focus: vi.fn(),
  };
  const monaco = {
    KeyMod: { CtrlCmd: 2048 },
    KeyCode: { Enter: 3 },
    MarkerSeverity: { Error: 8 },
    Range: class {
      constructor(
        public startLineNumber: number,
        public startColumn: number,
        public endLineNumber: number,
        public endColumn: number,
      ) {}
    },
    editor: { setModelMarkers: vi.fn() },
  };
  return {
    editor,
    monaco,
    decorations,
    mounted: false,
    /** Runs the Ctrl/Cmd+Enter command the workspace registered. */
    pressCtrlEnter: () => commands.get(2048 | 3)?.(),
    setValue: (next: string) => void (value = next),
    setOnChange: (handler: typeof onChange) => void (onChange = handler),
    /**
     * Changes the text the way Monaco does on a paste: the model holds it at once, and the change
     * reaches React from a model listener (not a DOM event), so React re-renders later.
     */
    paste: (next: string) => {
      value = next;
      onChange?.(next);
    },
  };
}

/** What the fake editor recorded; replaced by `resetFakeMonaco()`. */
export let fakeMonaco = makeSpies();

/** Fresh spies for the next test. */
export function resetFakeMonaco() {
  fakeMonaco = makeSpies();
}

interface FakeEditorProps {
  value?: string;
  onChange?: (value: string | undefined) => void;
  onMount?: (editor: unknown, monaco: unknown) => void;
  options?: { ariaLabel?: string };
  theme?: string;
}

/** The fake `<Editor>`. */
export function Editor({ value = '', onChange, onMount, options, theme }: FakeEditorProps) {
  const mountedRef = useRef(false);
  fakeMonaco.setValue(value);
  fakeMonaco.setOnChange(onChange);
  useEffect(() => {
    if (mountedRef.current) return;
    mountedRef.current = true;
    fakeMonaco.mounted = true;
    onMount?.(fakeMonaco.editor, fakeMonaco.monaco);
  }, [onMount]);
  return (
    <textarea
      aria-label={options?.ariaLabel}
      data-monaco-theme={theme}
      data-fake-monaco=""
      value={value}
      onChange={(event) => {
        // Like Monaco, the editor holds the new text at once, before React re-renders.
        fakeMonaco.setValue(event.target.value);
        onChange?.(event.target.value);
      }}
    />
  );
}
