import { useRef } from 'react';
import { CourseOutline, type CompletionState, type OutlineEntry } from './CourseOutline.tsx';

/** Props for {@link LessonsMenu}. */
export interface LessonsMenuProps {
  /** Every lesson, in order. */
  lessons: readonly OutlineEntry[];
  /** The lesson on screen, marked in the menu. */
  currentSlug?: string;
  /** Saved completion per lesson, for the marks. */
  completion?: Record<string, CompletionState>;
}

/**
 * The header's "Lessons" menu: a native popover (`popover="auto"`), so the browser closes it on
 * Escape and on a click outside, returns focus to the button, and it opens even on a prerendered
 * page before the app's JavaScript has run. It sits in the top layer, sized to the viewport (see
 * layout.css), so it never runs off a phone's screen. Choosing a lesson closes it.
 */
export function LessonsMenu({ lessons, currentSlug, completion }: LessonsMenuProps) {
  const panel = useRef<HTMLDivElement>(null);
  return (
    <>
      <button type="button" className="lessons-menu-button" popoverTarget="lessons-menu">
        Lessons
      </button>
      <div
        ref={panel}
        id="lessons-menu"
        popover="auto"
        className="popover lessons-menu-panel"
        onClick={(event) => {
          if (event.target instanceof Element && event.target.closest('a')) {
            panel.current?.hidePopover?.();
          }
        }}
      >
        <CourseOutline lessons={lessons} currentSlug={currentSlug} completion={completion} />
      </div>
    </>
  );
}
