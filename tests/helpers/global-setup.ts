/**
 * Global setup of `npm test` (vite.config.ts): builds the runner child (src/cli/runner-child.ts)
 * into one JavaScript file once per test run, from the current sources, and hands its path to
 * every test file (`runnerChildEntry()` in runner-child-bundle.ts). A child started from the
 * bundle is ready after reading one file; a child started from the TypeScript sources transpiles
 * every module through the loader hooks first, about a second more of CPU per child, and the
 * suite starts dozens of children. The sources path itself stays covered by the process-level
 * smoke tests (cachelab-process.test.ts), which run the bin exactly as `npx cachelab` does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildRunnerChild } from './runner-child-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The runner child bundle built for this test run. */
    runnerChildEntry: string;
    /** Whether this file shares its worker with other files (vite.config.ts's `shared` project). */
    sharedWorker: boolean;
  }
}

/** One build per run, shared by every project of the run (each calls this setup). */
interface Build {
  dir: string;
  entry: Promise<string>;
  users: number;
}
const BUILD_KEY = Symbol.for('cachelab.testRunnerChild');
type BuildHolder = { [BUILD_KEY]?: Build };

/** Builds the bundle (once) and provides its path; the last teardown removes it. */
export default async function setup(project: TestProject): Promise<() => void> {
  const holder = globalThis as BuildHolder;
  if (!holder[BUILD_KEY]) {
    const dir = mkdtempSync(path.join(tmpdir(), 'cachelab-test-child-'));
    holder[BUILD_KEY] = { dir, entry: buildRunnerChild(dir), users: 0 };
  }
  const build = holder[BUILD_KEY];
  build.users += 1;
  project.provide('runnerChildEntry', await build.entry);
  return () => {
    build.users -= 1;
    if (build.users > 0) return;
    rmSync(build.dir, { recursive: true, force: true });
    delete holder[BUILD_KEY];
  };
}
