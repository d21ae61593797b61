/**
 * The API that a lesson's hidden `checks.ts` is written against, imported as `cachelab/checks`.
 *
 * A check never talks to the learner's code directly: it gets `learner`, a proxy whose functions
 * run the learner's exports with a timeout, turn throws into readable failures ("saveUser threw:
 * ...") and hand back plain copies of what they returned. Pass `client` (never `redis`) to
 * learner functions, so that the command log and trace see only what the learner's code sent.
 */
import type { Redis } from 'ioredis';
import type { expect as chaiExpect } from 'chai';

/** A learner export as a check sees it: always async, result copied into plain data. */
export type LearnerFn<F> = F extends (...args: infer A) => infer R
  ? (...args: A) => Promise<Awaited<R>>
  : never;

/** The learner's module as a check sees it. */
export type LearnerModule<E> = { [K in keyof E]: LearnerFn<E[K]> };

/** One command the learner's code sent, as recorded by the sandbox client. */
export interface LoggedCommand {
  /** Lower-case command name, e.g. "set". */
  name: string;
  /** Arguments, stringified the way they go over the wire. */
  args: string[];
}

/** The commands the learner's code sent during the current check. */
export interface CommandLog {
  /** Every command in order. */
  all(): LoggedCommand[];
  /** Just the lower-case names, in order. */
  names(): string[];
  /** Commands with this name (case-insensitive). */
  only(name: string): LoggedCommand[];
}

/** Learner-visible time. `advance` also ages every key's TTL, on the mock and on a real server. */
export interface Clock {
  /** The learner-visible `Date.now()`. */
  now(): number;
  /** Moves time forward by `ms`, expiring keys whose time runs out. */
  advance(ms: number): Promise<void>;
}

/** One call the learner's code made on a fake database. */
export interface FakeDbCall {
  /** The method name. */
  method: string;
  /** Plain copies of the arguments. */
  args: unknown[];
}

/** Canned behaviour for one fake database method: a value to return, or a function to run. */
export type FakeDbResponse = ((...args: unknown[]) => unknown) | { returns: unknown };

/** Options for a fake database. */
export interface FakeDbOptions {
  /** Initial rows of its key/value table, served by the built-in `get`, `set` and `delete`. */
  rows?: Record<string, unknown>;
  /** Extra methods with canned responses, e.g. `{ fetchPopularPosts: { returns: posts } }`. */
  methods?: Record<string, FakeDbResponse>;
  /** Simulated latency of every call, in fake-clock ms (default 0). */
  latencyMs?: number;
}

/** A fake database that records every call and every write. */
export interface FakeDb {
  /** The object to hand to learner code. Every method is async and recorded. */
  api: Record<string, (...args: unknown[]) => Promise<unknown>>;
  /** Every call in order. */
  calls: FakeDbCall[];
  /** Calls to one method. */
  callsTo(method: string): FakeDbCall[];
  /** The key/value table, as writes left it. */
  rows: Map<string, unknown>;
  /** The calls that changed `rows` (`set`, `delete`), in order. */
  writes: FakeDbCall[];
}

/**
 * What every check receives. A fresh module evaluation, store, log, clock and fake databases per
 * check; every handle in it stops working when the check ends.
 */
export interface CheckContext<E> {
  /** The learner's exports. Calling a missing export fails with a readable message. */
  learner: LearnerModule<E>;
  /**
   * A second app server: the learner's module evaluated again, in its own sandbox, sharing only
   * this check's Redis store (and its log). Use it for races: real concurrent requests come from
   * separate processes, so a module-level JS lock or cache must not make racy Redis code pass.
   */
  newServer(): LearnerModule<E>;
  /** The client to pass into learner functions: logged, traced, tamper-proof. */
  client: Redis;
  /** The check's own view of the same store, for setup and assertions. Not logged. */
  redis: Redis;
  /** Commands that the learner's code sent through `client` (or its own `new Redis()`). */
  log: CommandLog;
  /** The fake clock. */
  clock: Clock;
  /** Makes a recording fake database. */
  fakeDb(options?: FakeDbOptions): FakeDb;
  /** chai's expect: failures read as expected vs received. */
  expect: typeof chaiExpect;
}

/** One hidden check. */
export interface Check<E> {
  /** A learner-facing sentence, e.g. "loadUser returns null for a user that was never saved". */
  name: string;
  /** Throws (usually through `expect`) to fail. */
  run(ctx: CheckContext<E>): Promise<void> | void;
}

/** A lesson's checks, as `checks.ts` exports them by default. */
export interface CheckSuite<E = Record<string, unknown>> {
  /** The exports the checks require, so a missing one is reported before any check runs. */
  exports: readonly (keyof E & string)[];
  /** The checks, in the order they are shown. */
  checks: readonly Check<E>[];
}

/** Declares a lesson's checks. `exports` names the functions the learner's module must export. */
export function defineChecks<E>(suite: {
  exports: readonly (keyof E & string)[];
  checks: readonly Check<E>[];
}): CheckSuite<E> {
  if (suite.checks.length === 0) throw new Error('defineChecks needs at least one check');
  const names = new Set<string>();
  for (const check of suite.checks) {
    if (names.has(check.name)) throw new Error(`Two checks are both named "${check.name}"`);
    names.add(check.name);
  }
  return { exports: [...suite.exports], checks: [...suite.checks] };
}
