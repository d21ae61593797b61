/* eslint-disable @typescript-eslint/no-explicit-any -- probe suites call arbitrary learner exports */
/**
 * Runs the runner core in the test's own realm: ioredis-mock's Node build, then hardenRealm(),
 * exactly as the hosts do. Lockdown stays in the worker of the file that imports this: the
 * suites run together in tests/runner/locked-realm.test.ts, and any other importer gets a worker
 * of its own (vite.config.ts).
 */
import RedisMock from 'ioredis-mock';
import { defineChecks, type CheckContext, type CheckSuite } from '../../src/runner/checks-api.ts';
import { hardenRealm } from '../../src/runner/harden.ts';
import { mockBackend } from '../../src/runner/redis-backend.ts';
import { runLesson, type RunOptions } from '../../src/runner/run-lesson.ts';
import type { RunReport } from '../../src/runner/report.ts';

hardenRealm();

/** One backend per locked realm, like one per worker. */
export const backend = mockBackend(RedisMock);

/** Runs `source` against `suite` in this realm. */
export function run(
  source: string,
  suite: CheckSuite<any>,
  options: Partial<RunOptions> = {},
): Promise<RunReport> {
  return runLesson({ lesson: 'test', source, suite }, { backend, checkTimeoutMs: 300, ...options });
}

/** A context as checks get it, typed loosely for probing. */
export type AnyContext = CheckContext<Record<string, (...args: any[]) => any>>;

/** A suite of one check named "probe" that runs `body`. */
export function oneCheck(body: (ctx: AnyContext) => Promise<void> | void): CheckSuite<any> {
  return defineChecks<Record<string, (...args: any[]) => any>>({
    exports: [],
    checks: [{ name: 'probe', run: body }],
  });
}

/** A suite of several checks, named check 1, check 2, ... */
export function checks(...bodies: ((ctx: AnyContext) => Promise<void> | void)[]): CheckSuite<any> {
  return defineChecks<Record<string, (...args: any[]) => any>>({
    exports: [],
    checks: bodies.map((run, i) => ({ name: `check ${i + 1}`, run })),
  });
}
