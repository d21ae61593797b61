import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chooseEditor } from '../../src/editor/editor-choice.ts';
import { whenWanted } from '../../src/editor/when-wanted.ts';

/** A window whose media queries answer from a table. */
function fakeWindow(matches: Record<string, boolean>, search = '') {
  return {
    location: { search } as Location,
    matchMedia: (query: string) => ({ matches: matches[query] ?? false }) as MediaQueryList,
  };
}

describe(chooseEditor, () => {
  it('gives a touch-only narrow device the touch editor, and everything else Monaco', () => {
    const phone = { '(pointer: coarse)': true, '(max-width: 900px)': true };
    expect(chooseEditor(fakeWindow(phone))).toBe('touch');
    // A tablet with a trackpad keeps Monaco.
    expect(chooseEditor(fakeWindow({ ...phone, '(any-pointer: fine)': true }))).toBe('monaco');
    // A wide touch screen keeps Monaco.
    expect(chooseEditor(fakeWindow({ '(pointer: coarse)': true }))).toBe('monaco');
    // A narrow desktop window keeps Monaco.
    expect(chooseEditor(fakeWindow({ '(max-width: 900px)': true }))).toBe('monaco');
  });

  it('lets ?editor= override the guess', () => {
    expect(chooseEditor(fakeWindow({}, '?editor=touch'))).toBe('touch');
    expect(
      chooseEditor(
        fakeWindow({ '(pointer: coarse)': true, '(max-width: 900px)': true }, '?editor=monaco'),
      ),
    ).toBe('monaco');
  });
});

describe(whenWanted, () => {
  it('loads once, on the first focus or touch, and not after being stopped', () => {
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        observe() {}
        disconnect() {}
      },
    );
    try {
      const element = new EventTarget() as unknown as Element;
      const load = vi.fn();
      whenWanted(element, load);
      expect(load).not.toHaveBeenCalled();
      element.dispatchEvent(new Event('focusin'));
      element.dispatchEvent(new Event('pointerdown'));
      expect(load).toHaveBeenCalledTimes(1);

      const other = new EventTarget() as unknown as Element;
      const never = vi.fn();
      whenWanted(other, never)();
      other.dispatchEvent(new Event('focusin'));
      expect(never).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('loads when the box comes near the viewport', () => {
    let report: ((entries: { isIntersecting: boolean }[]) => void) | undefined;
    let margin = '';
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(callback: typeof report, options: { rootMargin: string }) {
          report = callback;
          margin = options.rootMargin;
        }
        observe() {}
        disconnect() {}
      },
    );
    try {
      const load = vi.fn();
      whenWanted(new EventTarget() as unknown as Element, load, { marginPx: 600 });
      expect(margin).toBe('600px 0px');
      report!([{ isIntersecting: false }]);
      expect(load).not.toHaveBeenCalled();
      report!([{ isIntersecting: true }]);
      expect(load).toHaveBeenCalledTimes(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  describe('in idle time', () => {
    let idle: (() => void) | undefined;
    const box = () => new EventTarget() as unknown as Element;
    beforeEach(() => {
      vi.useFakeTimers();
      vi.stubGlobal(
        'IntersectionObserver',
        class {
          observe() {}
          disconnect() {}
        },
      );
      idle = undefined;
      vi.stubGlobal('requestIdleCallback', (callback: () => void) => {
        idle = callback;
        return 1;
      });
      vi.stubGlobal('cancelIdleCallback', () => {
        idle = undefined;
      });
    });
    afterEach(() => {
      vi.useRealTimers();
      vi.unstubAllGlobals();
    });

    it('never loads on its own without idleAfterMs', () => {
      const load = vi.fn();
      whenWanted(box(), load);
      vi.advanceTimersByTime(60_000);
      expect(idle).toBeUndefined();
      expect(load).not.toHaveBeenCalled();
    });

    it('loads in the first idle time after idleAfterMs', () => {
      const load = vi.fn();
      whenWanted(box(), load, { idleAfterMs: 4000 });
      vi.advanceTimersByTime(3999);
      expect(idle).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect(load).not.toHaveBeenCalled(); // it waits for the page to be idle
      idle!();
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('loads after the delay where the browser has no idle callbacks', () => {
      vi.stubGlobal('requestIdleCallback', undefined);
      const load = vi.fn();
      whenWanted(box(), load, { idleAfterMs: 4000 });
      vi.advanceTimersByTime(4000);
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('does not load where the learner asked the browser to save data', () => {
      vi.stubGlobal('navigator', { connection: { saveData: true } });
      const load = vi.fn();
      whenWanted(box(), load, { idleAfterMs: 4000 });
      vi.advanceTimersByTime(60_000);
      expect(idle).toBeUndefined();
      expect(load).not.toHaveBeenCalled();
    });

    it('gives the idle load up once it loaded for another reason, or was stopped', () => {
      const load = vi.fn();
      const element = box();
      whenWanted(element, load, { idleAfterMs: 4000 });
      element.dispatchEvent(new Event('pointerdown'));
      vi.advanceTimersByTime(4000);
      expect(idle).toBeUndefined();
      expect(load).toHaveBeenCalledTimes(1);

      const stopped = vi.fn();
      const stop = whenWanted(box(), stopped, { idleAfterMs: 4000 });
      vi.advanceTimersByTime(4000); // the idle callback is asked for…
      expect(idle).toBeDefined();
      stop(); // …and given back
      expect(idle).toBeUndefined();
      expect(stopped).not.toHaveBeenCalled();
    });
  });
});
