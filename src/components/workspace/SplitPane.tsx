import {
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
} from 'react';

/** Props for {@link SplitPane}. */
export interface SplitPaneProps {
  /** The lesson side. */
  start: ReactNode;
  /** The workspace side. */
  end: ReactNode;
  /** Accessible name of the separator. */
  label?: string;
  /** Initial share of the start pane, in percent. */
  initialPercent?: number;
}

const MIN = 25;
const MAX = 75;
const STEP = 5;

/**
 * Two panes side by side with a draggable, keyboard-operable separator (arrow keys, Home, End).
 * Below 900 px the panes stack and the separator is hidden (see workspace.css).
 */
export function SplitPane({
  start,
  end,
  label = 'Resize lesson and exercise',
  initialPercent = 45,
}: SplitPaneProps) {
  const [percent, setPercent] = useState(initialPercent);
  const rootRef = useRef<HTMLDivElement>(null);
  const clamp = (value: number) => Math.min(MAX, Math.max(MIN, Math.round(value)));

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next =
      event.key === 'ArrowLeft' || event.key === 'ArrowDown'
        ? percent - STEP
        : event.key === 'ArrowRight' || event.key === 'ArrowUp'
          ? percent + STEP
          : event.key === 'Home'
            ? MIN
            : event.key === 'End'
              ? MAX
              : null;
    if (next === null) return;
    event.preventDefault();
    setPercent(clamp(next));
  };

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!event.currentTarget.hasPointerCapture(event.pointerId)) return;
    const box = rootRef.current?.getBoundingClientRect();
    if (!box || box.width === 0) return;
    setPercent(clamp(((event.clientX - box.left) / box.width) * 100));
  };

  return (
    <div
      ref={rootRef}
      className="split-pane"
      style={{ '--split-start': `${percent}%` } as CSSProperties}
    >
      <div className="split-pane-start" id="split-pane-start">
        {start}
      </div>
      <div
        role="separator"
        tabIndex={0}
        aria-label={label}
        aria-orientation="vertical"
        aria-valuenow={percent}
        aria-valuemin={MIN}
        aria-valuemax={MAX}
        aria-controls="split-pane-start"
        className="split-pane-separator"
        onKeyDown={onKeyDown}
        onPointerDown={(event) => event.currentTarget.setPointerCapture(event.pointerId)}
        onPointerMove={onPointerMove}
        onPointerUp={(event) => event.currentTarget.releasePointerCapture(event.pointerId)}
      />
      <div className="split-pane-end">{end}</div>
    </div>
  );
}
