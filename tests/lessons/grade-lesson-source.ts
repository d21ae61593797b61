/**
 * Grades learner source against a lesson through the real Node host (a runner child process,
 * sandbox, fidelity client), the same path `cachelab grade` takes. One runner per test file; its
 * child runs the bundle built once for the test run (tests/helpers/global-setup.ts), the same
 * code the installed package's children run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createNodeRunner, type NodeRunner } from '../../src/cli/node-host.ts';
import type { CheckSuite } from '../../src/runner/checks-api.ts';
import type { RunReport } from '../../src/runner/report.ts';
import { runnerChildEntry } from '../helpers/runner-child-bundle.ts';

/** Per-test timeout: the first grade in a file also starts a runner child, which is slow under parallel load. */
export const GRADE_TIMEOUT_MS = 30_000;

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * One runner for all the course files a worker runs: the `shared` project gives its files one
 * module cache, so thirteen course files start one runner child instead of thirteen (about 0.6 s
 * of CPU each). Every run still gets fresh realms and a fresh store, as in a batch of `cachelab
 * grade`. After a file the runner closes unless the next course file takes it up within three
 * seconds (the next file's imports take about one on a busy machine); if the worker ends first, the child exits as its channel closes (src/cli/child-main.ts).
 */
let sharedRunner: NodeRunner | undefined;
let idleClose: ReturnType<typeof setTimeout> | undefined;
// The host's own timer functions, taken at load: a later file's fake timers must not swallow the
// idle close, or clear it by accident.
const { setTimeout: hostSetTimeout, clearTimeout: hostClearTimeout } = globalThis;

function lessonRunner(): (slug: string, source: string) => Promise<RunReport> {
  afterAll(() => {
    idleClose = hostSetTimeout(() => {
      const runner = sharedRunner;
      sharedRunner = undefined;
      void runner?.close();
    }, 3000);
    idleClose.unref();
  });
  return (slug, source) => {
    hostClearTimeout(idleClose);
    sharedRunner ??= createNodeRunner({ root, spare: false, childEntry: runnerChildEntry() });
    return sharedRunner.run(slug, source);
  };
}

/** The full name of the one check whose name starts with `start`, so a renamed check fails loudly. */
export function checkNamed(suite: CheckSuite<never>, start: string): string {
  const found = suite.checks.filter((check) => check.name.startsWith(start));
  if (found.length !== 1)
    throw new Error(`expected one check starting "${start}", found ${found.length}`);
  return found[0].name;
}

/** A learner file that must fail the named check. */
export interface WrongImplementation {
  /** Completes "rejects an implementation that ...". */
  name: string;
  /** The full name of a check it must fail. */
  fails: string;
  /** The learner's source. */
  source: string;
}

/** A correct learner file that must pass every check. */
export interface CorrectVariant {
  /** Completes "accepts ...". */
  name: string;
  /** The learner's source. */
  source: string;
}

/** Grades each wrong implementation (must fail its named check) and each correct variant (must pass all). */
export function describeVariants(
  title: string,
  slug: string,
  suite: CheckSuite<never>,
  variants: { wrong: readonly WrongImplementation[]; correct: readonly CorrectVariant[] },
): void {
  describe(title, () => {
    const gradeLessonSource = lessonRunner();
    it.each(variants.wrong)(
      'rejects an implementation that $name',
      async ({ source, fails }) => {
        const report = await gradeLessonSource(slug, source);
        expect(report.error).toBeUndefined();
        const result = report.checks.find((c) => c.name === fails);
        expect(result?.passed, `check "${fails}"`).toBe(false);
      },
      GRADE_TIMEOUT_MS,
    );

    it.each(variants.correct)(
      'accepts $name',
      async ({ source }) => {
        const report = await gradeLessonSource(slug, source);
        expect(report.error).toBeUndefined();
        expect(report.checks.filter((c) => !c.passed)).toEqual([]);
        expect(report.checks).toHaveLength(suite.checks.length);
      },
      GRADE_TIMEOUT_MS,
    );
  });
}
