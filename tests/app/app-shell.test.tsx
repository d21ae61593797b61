// @vitest-environment jsdom
/**
 * The suites that render the real app shell (src/app/App.tsx), as ONE test file: one worker, one
 * jsdom, one load of React and the router (measured A/B, each run alone: the four suites as four
 * workers took 22 s of CPU, as this one 13 s).
 *
 * Why they each had a worker of their own, and why one worker of their own is still right: a
 * lesson page warms the app's one runner client, whose chunk can arrive after a file has ended; in
 * a worker shared with other files (the `dom` project) its start then failed inside another file.
 * jsdom has no Worker, so that start always fails; the warm-up now swallows it (app-services.ts,
 * tests/workspace/app-services.test.ts), and CI once failed on 18 unhandled rejections from here
 * before it did. Here the worker is still this file's alone (vite.config.ts). Hydration must meet the app's
 * module state as a first page load has it: it runs first, and the parts after it get fresh
 * modules (`vi.resetModules()`; without it, lesson-chunks fails on the lesson chunk hydration
 * loaded, measured). React, the router and Testing Library stay loaded.
 *
 * The suites stay in their own files, named `*.test.tsx`, and read as before. Each is imported
 * inside a describe of its own, so its top-level hooks (matchMedia stubs, storage resets) apply to
 * its own tests only, and the document is put back after it. vite.config.ts takes every file
 * imported here out of the projects, so each runs once, here. Run one with
 * `npx vitest run tests/app/app-shell.test.tsx -t '<describe name>'`.
 */
import { afterAll, describe, vi } from 'vitest';
import { resetDocument } from '../helpers/reset-document.ts';

const firstUrl = window.location.href;

describe('hydration.test.tsx', async () => {
  afterAll(() => resetDocument(firstUrl));
  await import('./hydration.test.tsx');
  // Later parts get modules of their own (the app, its runner client and progress store), so
  // what hydration leaves in them (provideAppProgress) stays with the hydration test.
  vi.resetModules();
});

describe('lesson-chunks.test.tsx', async () => {
  afterAll(() => resetDocument(firstUrl));
  await import('./lesson-chunks.test.tsx');
});

describe('routing.test.tsx', async () => {
  afterAll(() => resetDocument(firstUrl));
  await import('./routing.test.tsx');
});

describe('theme.test.tsx', async () => {
  afterAll(() => resetDocument(firstUrl));
  await import('./theme.test.tsx');
});
