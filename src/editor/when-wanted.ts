/** Options of {@link whenWanted}. */
export interface WhenWantedOptions {
  /** How far from the viewport the box may be and still count as near (default 600 px). */
  marginPx?: number;
  /**
   * Fire anyway once this long has passed and the page is idle (absent: never). Not where the
   * learner asked the browser to save data (`navigator.connection.saveData`).
   */
  idleAfterMs?: number;
}

/** The longest an idle fire waits for the page to go idle after `idleAfterMs`. */
const IDLE_TIMEOUT_MS = 2000;

function saveData(): boolean {
  const connection = (globalThis.navigator as { connection?: { saveData?: boolean } } | undefined)
    ?.connection;
  return connection?.saveData === true;
}

/**
 * Calls `load` once the learner is about to use the editor: its box comes within `marginPx` of
 * the viewport, or it takes focus or a touch, or (with `idleAfterMs`) the page has been quiet
 * for a while. On a phone the exercise sits thousands of pixels below the lesson text; parsing
 * an editor there at start-up cost seconds of main-thread time that the learner reading the text
 * never needed, so an idle fire comes seconds after the page became interactive, when nothing
 * else wants the main thread. Returns a function that stops watching.
 */
export function whenWanted(
  element: Element,
  load: () => void,
  { marginPx = 600, idleAfterMs }: WhenWantedOptions = {},
): () => void {
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
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let idleCallback: number | undefined;
  if (idleAfterMs !== undefined && !saveData()) {
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (typeof requestIdleCallback === 'function') {
        idleCallback = requestIdleCallback(fire, { timeout: IDLE_TIMEOUT_MS });
      } else fire();
    }, idleAfterMs);
  }
  function stop() {
    observer?.disconnect();
    for (const type of events) element.removeEventListener(type, fire);
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    if (idleCallback !== undefined) cancelIdleCallback(idleCallback);
  }
  return () => {
    done = true;
    stop();
  };
}
