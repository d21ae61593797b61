/**
 * The Node runner that the runaway-code suites (tests/cli/node-host.test.ts and
 * tests/sandbox/node-host-timeouts.test.ts) share: one warm child per file, under short limits,
 * started before the file's tests and closed after them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../src/cli/node-host.ts';
import { CORRECT_SAVE, saveUserDoes } from './lesson1-sources.ts';
import { runnerChildEntry } from './runner-child-bundle.ts';

/** The repository root, whose lessons/ the runner grades against. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The lesson the runaway programs are written for. */
export const LESSON = 'key-value-basics';
/**
 * The whole-run hard timeout of the shared runner, in ms. Not shorter: node-host's console flood
 * needs room on a loaded machine (measured: at 1.5 s it timed out at load 12).
 */
const HARD_TIMEOUT_MS = 2500;

/** The file's runner, and a check that it still grades a correct program. */
export interface RunawayRunner {
  /** The runner (available once the file's tests run). */
  readonly runner: NodeRunner;
  /** Expects a correct lesson-1 program to pass: the control after each attack. */
  expectHealthy(): Promise<void>;
}

/** Registers the file's runner: started in `beforeAll`, closed in `afterAll`. */
export function runawayRunner(): RunawayRunner {
  let runner: NodeRunner | undefined;
  beforeAll(async () => {
    // The child bundle built once for the test run (tests/helpers/global-setup.ts).
    runner = createNodeRunner({
      root: ROOT,
      childEntry: runnerChildEntry(),
      hardTimeoutMs: HARD_TIMEOUT_MS,
      checkTimeoutMs: 300,
      memoryMb: 384,
    });
    await runner.lastStartupMs();
  }, 60_000);
  afterAll(async () => {
    await runner?.close();
  });
  const shared: RunawayRunner = {
    get runner() {
      if (!runner) throw new Error('the runner starts in beforeAll');
      return runner;
    },
    async expectHealthy() {
      const report = await shared.runner.run(LESSON, saveUserDoes(CORRECT_SAVE));
      expect(report.passed).toBe(true);
    },
  };
  return shared;
}
