import { startTransition, useEffect, useState } from 'react';

/**
 * Calls `callback` once the next frame has been painted; returns a function that cancels it.
 * Pages in a background tab paint no frames, so there it waits until the tab is shown again.
 */
export function afterNextPaint(callback: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A task queued from a rAF callback runs once that frame has been laid out and painted.
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(callback, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

/**
 * `value` as of the page's last paint: a new value comes back in a render of its own that starts
 * after the frame painting the render that brought it. For content the learner cannot see yet (a
 * hidden tab), so the update they can see reaches the screen without waiting for it. That render
 * is a transition, so a click or a key in the meantime goes first.
 */
export function useAfterPaint<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    return afterNextPaint(() => startTransition(() => setShown(() => value)));
  }, [value, shown]);
  return shown;
}
