/**
 * The Node host of the runner as `grade` and `verify` use it: a runner pool (runner-pool.ts) of
 * child processes, each under OS memory limits and a hard timeout that ends in SIGKILL. Kept as
 * the CLI's one-lesson-at-a-time API over the pool; batch grading uses the pool directly.
 */
import path from 'node:path';
import type { RedisPort } from '../runner/protocol.ts';
import type { RunReport } from '../runner/report.ts';
import { createRunnerPool, RunnerError, type RunnerPoolOptions } from './runner-pool.ts';

export { RunnerError };

/** Options for the Node runner. */
export interface NodeRunnerOptions {
  /** Folder that holds `lessons/` (used when `lessonsDir` is not given). */
  root?: string;
  /** Folder that holds the `NN-slug` lesson folders (default `<root>/lessons`). */
  lessonsDir?: string;
  /** Whole-run hard timeout in ms, from the child's acknowledgement (default 10 000). */
  hardTimeoutMs?: number;
  /** Resident memory limit of a child in MB (default 512). */
  memoryMb?: number;
  /**
   * Older name for the memory cap: a V8 heap of this size, which means a child limit of twice
   * as much (the child's heap is half its memory limit, see child-endpoint.ts).
   */
  maxOldGenerationSizeMb?: number;
  /** Soft timeout per learner call, in ms (default 1 000). */
  checkTimeoutMs?: number;
  /** Keep a warmed spare child, so a run after a recycle never waits for start-up (default true). */
  spare?: boolean;
  /** How long a child may take to start, in ms (default 60 000). */
  startupTimeoutMs?: number;
  /** The child entry, when the CLI runs from its build (default bin/runner-child.mjs). */
  childEntry?: string;
  /**
   * `verify --redis`: run checks on a real server. Each child's Redis traffic is answered by
   * the host's connections (redis-server-host.ts), so learner code stays in the sandboxed child.
   */
  server?: { serve(port: RedisPort): void };
}

/** A running Node runner. */
export interface NodeRunner {
  /** Grades `source` against a lesson's checks. Never rejects for learner-caused problems. */
  run(lesson: string, source: string): Promise<RunReport>;
  /** Start-up time of the first child, in ms, once it is ready. */
  lastStartupMs(): Promise<number>;
  /** Stops every child. */
  close(): Promise<void>;
}

/** The pool options a NodeRunner's options mean. */
export function poolOptionsFor(options: NodeRunnerOptions): RunnerPoolOptions {
  const lessonsDir = options.lessonsDir ?? path.join(options.root ?? process.cwd(), 'lessons');
  const memoryMb =
    options.memoryMb ??
    (options.maxOldGenerationSizeMb ? options.maxOldGenerationSizeMb * 2 : undefined);
  return {
    lessonsDir,
    size: 1,
    spare: options.spare ?? true,
    ...(options.hardTimeoutMs !== undefined ? { hardTimeoutMs: options.hardTimeoutMs } : {}),
    ...(memoryMb !== undefined ? { memoryMb } : {}),
    ...(options.checkTimeoutMs !== undefined ? { checkTimeoutMs: options.checkTimeoutMs } : {}),
    ...(options.startupTimeoutMs !== undefined
      ? { startupTimeoutMs: options.startupTimeoutMs }
      : {}),
    ...(options.childEntry !== undefined ? { childEntry: options.childEntry } : {}),
    ...(options.server ? { server: options.server } : {}),
  };
}

/** Starts a Node runner: one warm child plus (by default) a warmed spare. */
export function createNodeRunner(options: NodeRunnerOptions): NodeRunner {
  const pool = createRunnerPool(poolOptionsFor(options));
  // Runs go one at a time, in order, as they always have for grade and verify.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run(lesson, source) {
      const result = queue.then(() => pool.run(lesson, source));
      queue = result.catch(() => {});
      return result;
    },
    lastStartupMs: () => pool.ready(),
    close: () => pool.close(),
  };
}
