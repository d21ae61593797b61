import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';
import {
  createRunnerPool,
  type RunnerPool,
  type RunnerPoolOptions,
} from '../../src/cli/runner-pool.ts';
import { runnerChildEntry } from './runner-child-bundle.ts';

/** The repository root, where `bin/cachelab.mjs` and `lessons/` live. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The CLI entry point, for tests that drive a long-running process themselves. */
export const cachelabBin = path.join(repoRoot, 'bin/cachelab.mjs');

/** What one `cachelab` run printed and how it exited. */
export interface CliResult {
  /** The exit code, or null when killed by a signal. */
  code: number | null;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
}

/** Runs `node bin/cachelab.mjs ...args` from the repo root, as `npx cachelab` would. */
export function runCachelab(...args: string[]): Promise<CliResult> {
  return runCachelabIn(repoRoot, ...args);
}

/** Runs `node bin/cachelab.mjs ...args` as a process in `cwd`. */
export function runCachelabIn(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cachelabBin, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Options for an in-process run. */
export interface InProcessOptions {
  /** The working folder (default: the repo root). */
  cwd?: string;
  /** Pretend stderr is a terminal (progress output). */
  stderrIsTTY?: boolean;
  /** Ends `verify --watch`. */
  signal?: AbortSignal;
  /** Called with stdout as it grows (for long-running commands). */
  onStdout?: (stdout: string) => void;
  /** Start fresh runner children for this run instead of sharing the warm ones. */
  freshPool?: boolean;
}

const sharedPools = new Map<string, RunnerPool>();

/**
 * Runner pools shared by the in-process runs of one test file: the same child grades every run
 * for a course and timeout, as it would in one batch. A real child with real isolation between
 * runs; only the start-up is paid once.
 */
function sharedPool(requested: RunnerPoolOptions): RunnerPool {
  // The start-up deadline is the sandbox suite's to test; here a machine busy with other work
  // must not turn a slow start into a failed CLI test. Children run the bundle built for this
  // test run (global-setup.ts) rather than transpiling the sources in each child: the same code,
  // a second less of CPU per child. The bin's own sources path is cachelab-process.test.ts's.
  const options = {
    ...requested,
    startupTimeoutMs: 120_000,
    childEntry: requested.childEntry ?? runnerChildEntry(),
  };
  if (options.server) return createRunnerPool(options);
  const key = JSON.stringify([options.lessonsDir, options.hardTimeoutMs, options.childEntry]);
  let pool = sharedPools.get(key);
  if (!pool) {
    pool = createRunnerPool({ ...options, size: 1 });
    sharedPools.set(key, pool);
  }
  const shared = pool;
  return {
    run: (lesson, source, onCheck) => shared.run(lesson, source, onCheck),
    ready: () => shared.ready(),
    close: async () => {},
  };
}

/** Stops the shared runner children; call it in `afterAll`. */
export async function closeSharedPools(): Promise<void> {
  const pools = [...sharedPools.values()];
  sharedPools.clear();
  await Promise.all(pools.map((pool) => pool.close()));
}

/** Runs the CLI's `main(args, io)` in this process, with captured streams: no process start-up. */
export async function cachelabInProcess(
  args: string[],
  options: InProcessOptions = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
    options.onStdout?.(out);
  });
  stderr.on('data', (d) => (err += d));
  const code = await main(args, {
    stdout,
    stderr,
    stdin: new PassThrough(),
    isTTY: false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    cwd: options.cwd ?? repoRoot,
    signal: options.signal,
    ...(options.freshPool ? {} : { createPool: sharedPool }),
  });
  // PassThrough delivers 'data' asynchronously; let the last writes arrive.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out, stderr: err };
}

/** `cachelabInProcess` with rest arguments, like `runCachelab`. */
export function cachelab(...args: string[]): Promise<CliResult> {
  return cachelabInProcess(args);
}
