import { diffLines } from 'diff';

/** One line on one side of the diff. */
export interface DiffCell {
  /** 1-based line number on that side. */
  number: number;
  /** The line's text, without its newline. */
  text: string;
  /** Whether the line exists only on this side. */
  changed: boolean;
}

/** One row of a side-by-side diff; a side is absent where the other side added lines. */
export interface DiffRow {
  /** The learner's line. */
  mine?: DiffCell;
  /** The solution's line. */
  solution?: DiffCell;
}

/** One line of the inline (unified) diff. */
export interface InlineLine {
  /** "same", "mine" (only in the learner's code) or "solution" (only in the solution). */
  kind: 'same' | 'mine' | 'solution';
  /** The line's text. */
  text: string;
}

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Side-by-side rows: removed and added runs are paired line by line so edits sit side by side. */
export function sideBySideRows(mine: string, solution: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let left = 1;
  let right = 1;
  const changes = diffLines(mine, solution);
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const lines = splitLines(change.value);
    if (!change.added && !change.removed) {
      for (const text of lines) {
        rows.push({
          mine: { number: left++, text, changed: false },
          solution: { number: right++, text, changed: false },
        });
      }
      continue;
    }
    const removed = change.removed ? lines : [];
    const next = changes[i + 1];
    const added = change.added ? lines : next?.added ? splitLines(next.value) : [];
    if (change.removed && next?.added) i++;
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const row: DiffRow = {};
      if (k < removed.length) row.mine = { number: left++, text: removed[k]!, changed: true };
      if (k < added.length) row.solution = { number: right++, text: added[k]!, changed: true };
      rows.push(row);
    }
  }
  return rows;
}

/** The unified view for narrow screens. */
export function inlineLines(mine: string, solution: string): InlineLine[] {
  return diffLines(mine, solution).flatMap((change) =>
    splitLines(change.value).map((text) => ({
      kind: change.added
        ? ('solution' as const)
        : change.removed
          ? ('mine' as const)
          : ('same' as const),
      text,
    })),
  );
}
