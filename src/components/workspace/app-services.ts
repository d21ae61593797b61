/**
 * The app's single runner client and progress store. One of each per page: the runner keeps a
 * warmed worker across lesson navigation, and the store is the one listener for other tabs.
 * Created on first use, so tests that never render the real app never start a worker.
 */
import { createProgressStore, type ProgressStore } from '../../progress/progress-store.ts';
import { createBrowserStorage } from '../../progress/storage-adapter.ts';
import { createRunnerClient, type RunnerClient } from '../../runner/browser/runner-client.ts';

let runner: RunnerClient | undefined;
let progress: ProgressStore | undefined;

/** The page's runner client. */
export function appRunner(): RunnerClient {
  runner ??= createRunnerClient();
  return runner;
}

/** The page's progress store over localStorage (or memory, when storage is blocked). */
export function appProgress(): ProgressStore {
  progress ??= createProgressStore(createBrowserStorage());
  return progress;
}

/**
 * Prerendering only (src/prerender.tsx): the progress store the pages are rendered with, one
 * that stands for a first visit with working storage, so no "cannot save" notice is baked in.
 */
export function provideAppProgress(store: ProgressStore): void {
  progress = store;
}
