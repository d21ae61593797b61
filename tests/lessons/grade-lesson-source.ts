/**
 * Grades learner source against a lesson through the real Node host (worker thread, sandbox,
 * fidelity client), the same path `cachelab grade` takes. One runner per test file.
 */
import { afterAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createNodeRunner, type NodeRunner } from '../../src/cli/node-host.ts';
import type { CheckSuite } from '../../src/runner/checks-api.ts';
import type { RunReport } from '../../src/runner/report.ts';

/** Per-test timeout: the first grade in a file also starts a worker thread, which is slow under parallel load. */
export const GRADE_TIMEOUT_MS = 30_000;

const root = fileURLToPath(new URL('../..', import.meta.url));
let runner: NodeRunner | undefined;

afterAll(async () => {
  await runner?.close();
  runner = undefined;
});

/** Runs `source` against the lesson `slug` and returns the report. */
export function gradeLessonSource(slug: string, source: string): Promise<RunReport> {
  runner ??= createNodeRunner({ root, spare: false });
  return runner.run(slug, source);
}

/** The full name of the one check whose name starts with `start`, so a renamed check fails loudly. */
export function checkNamed(suite: CheckSuite<never>, start: string): string {
  const found = suite.checks.filter((check) => check.name.startsWith(start));
  if (found.length !== 1)
    throw new Error(`expected one check starting "${start}", found ${found.length}`);
  return found[0].name;
}
