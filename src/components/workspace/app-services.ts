/**
 * The app's single runner client and progress store. One of each per page: the runner keeps a
 * warmed worker across lesson navigation, and the store is the one listener for other tabs.
 * Created on first use, so tests that never render the real app never start a worker. The runner
 * client's code is its own chunk, downloaded on the first warm-up or Run (lazy-service.ts).
 */
import { createProgressStore, type ProgressStore } from '../../progress/progress-store.ts';
import { createBrowserStorage, createMemoryStorage } from '../../progress/storage-adapter.ts';
import type { WorkspaceRunner } from './use-run.ts';
import { lazyService } from './lazy-service.ts';

let runner: WorkspaceRunner | undefined;
let progress: ProgressStore | undefined;
let firstVisit: ProgressStore | undefined;

/** The page's runner client. */
export function appRunner(): WorkspaceRunner {
  if (runner) return runner;
  const client = lazyService(() =>
    import('../../runner/browser/runner-client.ts').then((module) => module.createRunnerClient()),
  );
  runner = {
    warm: () => {
      // A warm-up has nobody to tell. A chunk that fails to download, or a worker that cannot
      // start (no Worker in this browser, a blocked script), is reported by the next Run, which
      // tries again; neither may surface as an unhandled rejection.
      client()
        .then((c) => c.warm())
        .catch(() => undefined);
    },
    run: (lesson, source, onCheck) => client().then((c) => c.run(lesson, source, onCheck)),
  };
  return runner;
}

/** The page's progress store over localStorage (or memory, when storage is blocked). */
export function appProgress(): ProgressStore {
  progress ??= createProgressStore(createBrowserStorage());
  return progress;
}

/**
 * A store that stands for a first visit with working storage: nothing saved, nothing to warn
 * about. The prerendered pages are rendered with it, and the app hydrates them with it (see
 * use-hydrated.ts) before switching to the learner's own store.
 */
export function firstVisitProgress(): ProgressStore {
  firstVisit ??= createProgressStore({ ...createMemoryStorage(), persistent: true });
  return firstVisit;
}

/**
 * Prerendering only (src/prerender.tsx): the progress store the pages are rendered with, one
 * that stands for a first visit with working storage, so no "cannot save" notice is baked in.
 */
export function provideAppProgress(store: ProgressStore): void {
  progress = store;
}
