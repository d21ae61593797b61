import { afterAll, inject } from 'vitest';

// The DOM matchers (toBeInTheDocument, ...) only mean something with a DOM, so only the jsdom
// test files load them: importing jest-dom costs every other file about 0.2 s of CPU, and the
// suite has dozens of node-environment files. A node file that used one would fail loudly with
// "Invalid Chai property", never pass by accident.
if (typeof document !== 'undefined') await import('@testing-library/jest-dom/vitest');

// Files of the `shared` project (vite.config.ts) run one after another in one worker. A file
// that locks the realm down (SES lockdown, src/runner/harden.ts) leaves it frozen for the files
// after it, where vitest itself fails ("Cannot assign to read only property 'stackTraceLimit'"),
// far from the cause. Fail the file that did it instead, with the fix.
const LOCKED_KEY = Symbol.for('cachelab.lockedDown');
if (inject('sharedWorker')) {
  afterAll(() => {
    if ((globalThis as { [LOCKED_KEY]?: true })[LOCKED_KEY])
      throw new Error(
        'This file locked the realm down (SES lockdown) in a worker it shares with other files. ' +
          'Add it to ISOLATED_FILES in vite.config.ts, so it gets a worker of its own.',
      );
  });
}
