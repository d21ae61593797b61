/**
 * A prerendered lesson page asks for no script before its first paint (scripts/vite-prerender.ts,
 * `startAppAfterPaint`): its inline start script requests the app once the first contentful paint
 * is on screen, or after START_FALLBACK_MS. The script is run here against a stub document, with
 * fake timers and a stub PerformanceObserver.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  appStartScript,
  START_FALLBACK_MS,
  startAppAfterPaint,
} from '../../scripts/vite-prerender.ts';

const TEMPLATE = [
  '<head><title>t</title>',
  '<script type="module" crossorigin src="/assets/index-1.js"></script>',
  '<link rel="modulepreload" crossorigin href="/assets/jsx-runtime-2.js">',
  '<link rel="stylesheet" crossorigin href="/assets/index-3.css">',
  '</head><body><div id="root"></div></body>',
].join('\n');

interface Added {
  tag: string;
  rel?: string;
  type?: string;
  src?: string;
  href?: string;
}

/** Runs a start script with a stub document; `paint()` reports a first contentful paint. */
function runStartScript(source: string, { paintTiming = true } = {}) {
  const added: Added[] = [];
  let observer: ((list: { getEntriesByName(name: string): unknown[] }) => void) | undefined;
  let disconnected = false;
  const document = {
    head: { appendChild: (element: Added) => added.push(element) },
    createElement: (tag: string) => ({ tag }),
  };
  class PerformanceObserver {
    static supportedEntryTypes = paintTiming ? ['paint', 'navigation'] : ['navigation'];
    constructor(callback: (list: never, self: PerformanceObserver) => void) {
      observer = (list) => callback(list as never, this);
    }
    observe(options: { type: string; buffered: boolean }) {
      expect(options).toEqual({ type: 'paint', buffered: true });
    }
    disconnect() {
      disconnected = true;
    }
  }
  const frames: (() => void)[] = [];
  const requestAnimationFrame = (callback: () => void) => frames.push(callback);
  new Function('document', 'PerformanceObserver', 'requestAnimationFrame', 'setTimeout', source)(
    document,
    PerformanceObserver,
    requestAnimationFrame,
    setTimeout,
  );
  const entries = (names: string[]) => ({
    getEntriesByName: (name: string) => names.filter((n) => n === name),
  });
  return {
    added,
    frames,
    paint: (name = 'first-contentful-paint') => observer?.(entries([name])),
    get disconnected() {
      return disconnected;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('startAppAfterPaint', () => {
  it('takes the module script and its preloads out of the page, into the start script', () => {
    const page = startAppAfterPaint(TEMPLATE, ['/assets/lesson-4.js', '/assets/jsx-runtime-2.js']);
    expect(page).not.toMatch(/<script type="module"/);
    expect(page).not.toMatch(/rel="modulepreload"/);
    // The stylesheet, which the first paint needs, stays as it was.
    expect(page).toContain('<link rel="stylesheet" crossorigin href="/assets/index-3.css">');
    const inline = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1];
    expect(inline).toBe(
      appStartScript('/assets/index-1.js', ['/assets/jsx-runtime-2.js', '/assets/lesson-4.js']),
    );
  });

  it('refuses a template without exactly one module script', () => {
    expect(() => startAppAfterPaint('<head></head>', [])).toThrow(/0 module scripts/);
    const twice = TEMPLATE.replace(
      '</head>',
      '<script type="module" crossorigin src="/b.js"></script></head>',
    );
    expect(() => startAppAfterPaint(twice, [])).toThrow(/2 module scripts/);
  });

  it('keeps a "</script>" in a URL from ending the inline script', () => {
    const source = appStartScript('/a</script><script>alert(1)//.js', ['/</script>.js']);
    expect(source).not.toContain('</script>');
    const run = runStartScript(source);
    run.paint();
    expect(run.added.map((a) => a.src ?? a.href)).toEqual([
      '/</script>.js',
      '/a</script><script>alert(1)//.js',
    ]);
  });
});

describe('the start script', () => {
  const source = appStartScript('/assets/index-1.js', ['/assets/lesson-4.js']);

  it('requests nothing before the first contentful paint, then the preloads and the app once', () => {
    vi.useFakeTimers();
    const run = runStartScript(source);
    expect(run.added).toEqual([]);
    // A first paint that is not contentful (a blank frame) does not start the app.
    run.paint('first-paint');
    expect(run.added).toEqual([]);
    run.paint();
    expect(run.added).toEqual([
      {
        tag: 'link',
        rel: 'modulepreload',
        crossOrigin: '',
        fetchPriority: 'low',
        href: '/assets/lesson-4.js',
      },
      {
        tag: 'script',
        type: 'module',
        crossOrigin: '',
        fetchPriority: 'low',
        src: '/assets/index-1.js',
      },
    ]);
    expect(run.disconnected).toBe(true);
    // The fallback timer, and a repeated report, add nothing more.
    vi.advanceTimersByTime(START_FALLBACK_MS);
    run.paint();
    expect(run.added).toHaveLength(2);
  });

  it('starts the app after the fallback when the page never paints (a background tab)', () => {
    vi.useFakeTimers();
    const run = runStartScript(source);
    vi.advanceTimersByTime(START_FALLBACK_MS - 1);
    expect(run.added).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(run.added.map((a) => a.tag)).toEqual(['link', 'script']);
  });

  it('waits for a painted frame where the browser has no paint timing', () => {
    vi.useFakeTimers();
    const run = runStartScript(source, { paintTiming: false });
    expect(run.added).toEqual([]);
    expect(run.frames).toHaveLength(1);
    run.frames[0]();
    expect(run.added).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(run.added.map((a) => a.tag)).toEqual(['link', 'script']);
  });
});
