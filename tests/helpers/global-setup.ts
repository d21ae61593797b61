/**
 * Global setup of `npm test` (vite.config.ts) and `npm run test:sandbox`: builds the runner child
 * (src/cli/runner-child.ts) into one JavaScript file from the current sources, or takes the last
 * build when not one of its files changed (`cachedRunnerChild`), and hands its path to every test
 * file (`runnerChildEntry()` in runner-child-bundle.ts). A child started from the bundle is ready
 * after reading one file; a child started from the TypeScript sources transpiles every module
 * through the loader hooks first, about a second more of CPU per child, and the suite starts
 * dozens of children. The sources path itself stays covered by the process-level smoke tests
 * (cachelab-process.test.ts), which run the bin exactly as `npx cachelab` does.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { cachedRunnerChild } from './runner-child-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The runner child bundle built for this test run. */
    runnerChildEntry: string;
    /** Whether this file shares its worker with other files (vite.config.ts's `shared` project). */
    sharedWorker: boolean;
  }
}

const CACHE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../node_modules/.cache/cachelab-test-child',
);

/** One look-up per run, shared by every project of the run (each calls this setup). */
const BUILD_KEY = Symbol.for('cachelab.testRunnerChild');
type BuildHolder = { [BUILD_KEY]?: Promise<string> };

/** Provides the bundle's path to the project. */
export default async function setup(project: TestProject): Promise<void> {
  // Every Node process that inherits NODE_EXTRA_CA_CERTS reads and parses that bundle at start-up
  // (measured on the CI-like machine: `node -e 0` 130 ms of CPU with it, 30 ms without), and the
  // suite starts dozens: the test workers (vitest forks them with this process's environment,
  // read after the global setup) and the processes tests spawn. No test makes a TLS connection,
  // so drop it before any of them starts.
  delete process.env.NODE_EXTRA_CA_CERTS;
  const holder = globalThis as BuildHolder;
  holder[BUILD_KEY] ??= cachedRunnerChild(CACHE_DIR);
  project.provide('runnerChildEntry', await holder[BUILD_KEY]);
}
