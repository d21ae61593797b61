// @vitest-environment jsdom
/**
 * The suites that render the workspace with Monaco replaced by tests/workspace/fake-monaco.tsx,
 * as ONE test file: one worker, one jsdom, one load of React, Testing Library and the workspace.
 *
 * Why one file: `vi.mock` needs a module cache no other file has loaded the mocked modules into,
 * so each of these suites used to get a worker of its own (vite.config.ts), and each paid for the
 * jsdom and the imports again. They mock the same two modules the same way, so they can share one
 * cache, and they run here, one after another (measured A/B, each run alone: 20.5 s of CPU as
 * three workers, 15 s as this one).
 *
 * The suites stay in their own files, named `*.test.tsx`, with their own `vi.mock` lines, and read
 * as before. Each is imported inside a describe of its own, so that its top-level hooks (one spies
 * on requestAnimationFrame) apply to its own tests only, and the document is put back after it.
 * vite.config.ts takes every file imported here out of the projects, so each runs once, here.
 * Run one with `npx vitest run tests/workspace/monaco-mocked.test.tsx -t '<describe name>'`.
 */
import { afterAll, describe, vi } from 'vitest';
import { resetDocument } from '../helpers/reset-document.ts';

vi.mock('@monaco-editor/react', async () => await import('./fake-monaco.tsx'));
vi.mock('../../src/editor/monaco-setup.ts', () => ({ DARK_THEME: 'cachelab-dark' }));

const firstUrl = window.location.href;

describe('workspace.test.tsx', async () => {
  afterAll(() => resetDocument(firstUrl));
  await import('./workspace.test.tsx');
});

describe('run-render-cost.test.tsx', async () => {
  afterAll(() => resetDocument(firstUrl));
  await import('./run-render-cost.test.tsx');
});

describe('workspace-insight.test.tsx', async () => {
  afterAll(() => resetDocument(firstUrl));
  await import('../insight/workspace-insight.test.tsx');
});
