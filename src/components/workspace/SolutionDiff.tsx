import { useLayoutEffect, useMemo, useRef } from 'react';
import { inlineLines, sideBySideRows, type DiffCell } from './solution-diff-rows.ts';

/** Props for {@link SolutionDiff}. */
export interface SolutionDiffProps {
  /** The learner's current code; never changed by this component. */
  code: string;
  /** The lesson's reference solution. */
  solution: string;
}

function Cell({ cell, side }: { cell?: DiffCell; side: 'mine' | 'solution' }) {
  if (!cell) return <td className="diff-cell diff-empty" colSpan={2} />;
  const label = cell.changed
    ? side === 'mine'
      ? 'only in your code: '
      : 'only in the solution: '
    : '';
  return (
    <>
      <td className="diff-number">{cell.number}</td>
      <td className="diff-cell" data-changed={cell.changed} data-side={side}>
        {label && <span className="visually-hidden">{label}</span>}
        <code>{cell.text === '' ? ' ' : cell.text}</code>
      </td>
    </>
  );
}

/** How much of the diff's top must be on screen when it opens. */
const VISIBLE_TOP_PX = 80;

/**
 * The diff mounts when the learner first opens the Solution tab (its code arrives as a chunk of
 * its own, so it can appear a moment after the click), and it must appear where they are
 * looking: a Solution button whose result opened below the screen seemed to do nothing. When its
 * top is not on screen then, it is scrolled into view, as little as possible ('nearest'). Before
 * paint (a layout effect), so it never shows off screen first. Measured in CI: tapped right after
 * "Jump to exercise" on a 390 px phone, the tab sat at the bottom edge and the diff opened 10 px
 * below the screen.
 */
function revealOnOpen(element: HTMLElement | null): void {
  if (!element) return;
  const { top } = element.getBoundingClientRect();
  if (top < 0 || top + VISIBLE_TOP_PX > window.innerHeight)
    element.scrollIntoView?.({ block: 'nearest' });
}

/**
 * The learner's code beside the solution. Read-only by design: "Solve" buttons that overwrite
 * work are a top complaint about other tutorials. Side by side when there is room, inline when
 * the workspace is narrow (a container query in workspace.css picks one).
 */
export function SolutionDiff({ code, solution }: SolutionDiffProps) {
  const section = useRef<HTMLElement>(null);
  useLayoutEffect(() => revealOnOpen(section.current), []);
  const rows = useMemo(() => sideBySideRows(code, solution), [code, solution]);
  const inline = useMemo(() => inlineLines(code, solution), [code, solution]);
  const identical = rows.every((row) => !row.mine?.changed && !row.solution?.changed);
  return (
    <section ref={section} className="solution-diff" aria-labelledby="solution-heading">
      <h3 id="solution-heading">Your code and the solution</h3>
      <p className="diff-note">
        {identical
          ? 'Your code matches the solution exactly.'
          : 'Your code stays as it is. Copy whatever you want to use.'}
      </p>
      {/* Focusable so keyboard users can scroll a long diff. */}
      <div className="diff-side-by-side" role="group" aria-label="Side-by-side diff" tabIndex={0}>
        <table aria-label="Your code beside the solution">
          <colgroup>
            <col className="diff-col-number" />
            <col />
            <col className="diff-col-number" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th colSpan={2} scope="colgroup">
                Your code
              </th>
              <th colSpan={2} scope="colgroup">
                Solution
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index}>
                <Cell cell={row.mine} side="mine" />
                <Cell cell={row.solution} side="solution" />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <pre
        className="diff-inline"
        role="group"
        aria-label="Your code and the solution, inline"
        tabIndex={0}
      >
        {inline.map((line, index) => (
          <span key={index} className="diff-line" data-kind={line.kind}>
            <span aria-hidden="true">
              {line.kind === 'mine' ? '- ' : line.kind === 'solution' ? '+ ' : '  '}
            </span>
            {line.kind !== 'same' && (
              <span className="visually-hidden">
                {line.kind === 'mine' ? 'only in your code: ' : 'only in the solution: '}
              </span>
            )}
            {line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </section>
  );
}
