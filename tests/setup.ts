import { afterAll, inject, vi } from 'vitest';
import { installStylePrefilter } from './helpers/jsdom-style-prefilter.ts';

// The DOM matchers (toBeInTheDocument, ...) only mean something with a DOM, so only the jsdom
// test files load them: importing jest-dom costs every other file about 0.2 s of CPU, and the
// suite has dozens of node-environment files. A node file that used one would fail loudly with
// "Invalid Chai property", never pass by accident.
if (typeof document !== 'undefined') await import('@testing-library/jest-dom/vitest');

// jsdom's getComputedStyle, which every role query calls many times, matches all 111 rules of its
// default stylesheet per element; a prefilter answers the ones an element cannot match (by tag
// name or attribute) with jsdom's own answers (see the helper and its test). Measured A/B on the
// 19 jsdom files: 65 → 58 s of CPU.
if (typeof document !== 'undefined') installStylePrefilter(document);

// Files of the `shared` and `dom` projects (vite.config.ts) run one after another in one worker.
// A file that locks the realm down (SES lockdown, src/runner/harden.ts) leaves it frozen for the
// files after it, where vitest itself fails ("Cannot assign to read only property
// 'stackTraceLimit'"), far from the cause. Fail the file that did it instead, with the fix.
const LOCKED_KEY = Symbol.for('cachelab.lockedDown');
// The worker's own timer functions, kept on the realm by the first file (this setup runs again
// before every file).
const NATIVE_TIMERS = Symbol.for('cachelab.nativeTimers');
const TIMER_NAMES = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const;
if (inject('sharedWorker')) {
  const realm = globalThis as unknown as Record<symbol, Record<string, unknown> | undefined>;
  const natives = (realm[NATIVE_TIMERS] ??= Object.fromEntries(
    TIMER_NAMES.map((name) => [name, globalThis[name]]),
  ));
  afterAll(() => {
    // Whatever a file forgot to put back must not reach the next file in this worker: fake
    // timers left on would hang every later wait on a timer.
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    // A spy on a faked timer function outlives its own restore in vitest's registry, and a later
    // restoreAllMocks (above, after some later file) puts the dead fake back as the global: every
    // timer after it never fires (measured once: a whole file of watcher tests timed out). Put
    // the worker's own back, and fail the file where it showed, with the cause.
    const replaced = TIMER_NAMES.filter((name) => globalThis[name] !== natives[name]);
    if (replaced.length > 0) {
      for (const name of replaced) Object.assign(globalThis, { [name]: natives[name] });
      throw new Error(
        `${replaced.join(', ')} was not the worker's own after this file: a spy or stub on a ` +
          'fake timer function was put back after the fake timers were gone. Look for ' +
          "vi.spyOn(globalThis, 'setTimeout') under vi.useFakeTimers() in this file or an " +
          'earlier one in this worker; count through vi.stubGlobal, unstubbed inside the test.',
      );
    }
    if ((globalThis as { [LOCKED_KEY]?: true })[LOCKED_KEY])
      throw new Error(
        'This file locked the realm down (SES lockdown) in a worker it shares with other files. ' +
          'Add it to ISOLATED_FILES in vite.config.ts, so it gets a worker of its own.',
      );
  });
}

// DOM files of the `dom` project share one jsdom: after each file, put back what a file can
// leave in it (rendered trees, the document, storage, the URL), so the next file starts from the
// page a fresh jsdom gives. The first URL is kept on the realm, since this setup runs again
// before every file.
const FIRST_URL = Symbol.for('cachelab.firstUrl');
if (inject('sharedWorker') && typeof document !== 'undefined') {
  const realm = globalThis as { [FIRST_URL]?: string };
  realm[FIRST_URL] ??= window.location.href;
  const firstUrl = realm[FIRST_URL];
  afterAll(async () => {
    const { resetDocument } = await import('./helpers/reset-document.ts');
    resetDocument(firstUrl);
  });
}

// CACHELAB_TEST_CPU_LOG=<file>: each file's CPU, for scripts/test-cpu-report.mjs (see the helper).
if (process.env.CACHELAB_TEST_CPU_LOG) {
  const { logFileCpu } = await import('./helpers/cpu-log.ts');
  logFileCpu(process.env.CACHELAB_TEST_CPU_LOG);
}
