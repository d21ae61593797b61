/**
 * Calls `load` once the learner is about to use the editor: its box comes within `marginPx` of
 * the viewport, or it takes focus or a touch. On a phone the exercise sits thousands of pixels
 * below the lesson text; parsing an editor there at start-up cost seconds of main-thread time
 * that the learner reading the text never needed. Returns a function that stops watching.
 */
export function whenWanted(element: Element, load: () => void, marginPx = 600): () => void {
  let done = false;
  const fire = () => {
    if (done) return;
    done = true;
    stop();
    load();
  };
  const events = ['focusin', 'pointerdown'] as const;
  for (const type of events) element.addEventListener(type, fire);
  let observer: IntersectionObserver | undefined;
  if (typeof IntersectionObserver === 'function') {
    observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) fire();
      },
      { rootMargin: `${marginPx}px 0px` },
    );
    observer.observe(element);
  } else {
    // No way to tell where the box is: load now rather than never.
    queueMicrotask(fire);
  }
  function stop() {
    observer?.disconnect();
    for (const type of events) element.removeEventListener(type, fire);
  }
  return () => {
    done = true;
    stop();
  };
}
