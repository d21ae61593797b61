/**
 * Resolves once the page's first contentful paint is on screen; at once on every later call.
 *
 * Heavy start-up work waits for it: Monaco's chunks and the runner worker. On a 2-core machine,
 * fetching and compiling them while the lesson's first frame was laid out and rasterised made
 * that frame reach the screen at about 1.5 s instead of about 0.8 s, and the lesson text is the
 * page's largest paint. Browsers without paint timing wait for a frame instead, and a page in a
 * background tab (which never paints) goes ahead after `fallbackMs`.
 */
let painted: Promise<void> | undefined;

export function afterFirstPaint(fallbackMs = 1500): Promise<void> {
  painted ??= new Promise<void>((resolve) => {
    if (typeof requestAnimationFrame !== 'function') {
      resolve();
      return;
    }
    const fallback = setTimeout(resolve, fallbackMs);
    const done = () => {
      clearTimeout(fallback);
      resolve();
    };
    if (PerformanceObserver.supportedEntryTypes?.includes('paint')) {
      const observer = new PerformanceObserver((list) => {
        if (!list.getEntriesByName('first-contentful-paint').length) return;
        observer.disconnect();
        done();
      });
      observer.observe({ type: 'paint', buffered: true });
    } else {
      // A task queued from a rAF callback runs once that frame is laid out and painted.
      requestAnimationFrame(() => setTimeout(done, 0));
    }
  });
  return painted;
}
