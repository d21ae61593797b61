/** A place in the learner's file that a run flagged. */
export interface EditorMarker {
  /** 1-based line. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  /** What went wrong there; shown on hover in the editor. */
  message: string;
}

/** A request to move the cursor to a line; `seq` changes so clicking the same error twice jumps twice. */
export interface RevealRequest {
  /** 1-based line. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  /** Increments with every request. */
  seq: number;
}

/** Props shared by the Monaco editor and its fallbacks. */
export interface CodeEditorProps {
  /** Model path, one per lesson (e.g. "key-value-basics.ts"), so each lesson keeps its undo history. */
  path: string;
  /** The code shown. */
  value: string;
  /** Called as the learner types. */
  onChange: (value: string) => void;
  /** Called on Ctrl/Cmd+Enter with the editor's current text (React state may lag a paste). */
  onRun: (value?: string) => void;
  /** App theme; Monaco uses vs or vs-dark to match. */
  theme: 'light' | 'dark';
  /** Accessible name of the editor. */
  ariaLabel: string;
  /** Lines the last run flagged, marked in the editor. */
  markers: readonly EditorMarker[];
  /** The latest jump request, if any. */
  reveal: RevealRequest | null;
  /** Focus the editor once it has started (the learner had already focused its stand-in). */
  autoFocus?: boolean;
}
