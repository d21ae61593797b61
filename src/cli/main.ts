/**
 * The `cachelab` command line: argument parsing and dispatch. Each command's module is loaded
 * only when that command runs, so `--help` or a usage error costs almost nothing and `grade`
 * loads only what grading needs. `main(args, io)` is what the bin calls and what tests call
 * in-process, with their own streams and working folder.
 */
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Lesson } from '../lessons/schema.ts';
import type { PrestartedChild } from './child-endpoint.ts';
import { CLI_OPTIONS } from './cli-options.ts';
import { PACKAGE_ROOT } from './package-root.ts';
import type { NodeRunner, NodeRunnerOptions } from './node-host.ts';
import type { RunnerPool, RunnerPoolOptions } from './runner-pool.ts';
import { markStep, writeTimings } from './grade-timing.ts';
import { UsageError } from './usage-error.ts';
import type { VerifyResult } from './verify.ts';

/** Streams the CLI writes to (the real process's, or a test's), and where it runs. */
export interface CliIo {
  /** Results. With `--json`, only JSON goes here. */
  stdout: NodeJS.WritableStream;
  /** Human-readable errors, and progress on a terminal. */
  stderr: NodeJS.WritableStream;
  /** Input, for `cachelab cli`. */
  stdin: NodeJS.ReadableStream;
  /** Whether stdin is a terminal (interactive `cachelab cli`). */
  isTTY: boolean;
  /** Whether stderr is a terminal (progress of a batch `grade`). Default false. */
  stderrIsTTY?: boolean;
  /** The folder relative paths are resolved against. Default `process.cwd()`. */
  cwd?: string;
  /** Ends `verify --watch` (exit 0) when aborted; the bin aborts it on SIGINT/SIGTERM. */
  signal?: AbortSignal;
  /**
   * Starts runner pools (default `createRunnerPool`). The in-process tests pass one that hands
   * out a shared warm pool, so each test does not pay for starting children.
   */
  createPool?: (options: RunnerPoolOptions) => RunnerPool;
  /**
   * The runner child the bin started before this module loaded (prestart.ts), for a one-file
   * `grade`; its pool takes it if it was started as the pool would start it, else it is stopped.
   */
  prestarted?: PrestartedChild;
}

export { PACKAGE_ROOT };

export const HELP = `cachelab: an interactive Redis course, and its headless grader.

Usage:
  cachelab grade <file|folder>... [--lesson <slug>] [--course <dir>] [--json]
                 [--reporter readable|json|junit|github] [--output <file>] [--jobs <n>]
  cachelab verify [--course <dir>] [--lesson <slug>] [--json] [--watch]
  cachelab verify --redis <url> [--flush] [--lesson <slug>] [--json]
  cachelab cli [command [arg ...]]
  cachelab new <slug>
  cachelab --help | --version

Commands:
  grade    Grade learner files against a lesson's hidden checks. Each file runs in a
           locked-down sandbox (an SES Compartment in an isolated runner, ioredis-mock as
           Redis); several files run on a pool of warm runners, never sharing one run.
           The lesson comes from --lesson, or from the header "Download my code" writes
           ("// cachelab lesson: <slug> ..."). Folders are searched for .ts/.js files.
  verify   Check the lessons themselves: every solution.ts passes every check and every
           starter.ts fails at least one. All lessons, or one with --lesson.
           With --redis, also run every solution and starter against a real Redis
           (through ioredis 5): learner code still runs in the sandboxed worker,
           but its commands go to the server over the host's connection. Each check
           starts on an emptied database; the fake clock re-sets TTLs with PEXPIRE.
           Any check that passes on the sandbox but fails on Redis (or the reverse) is
           a problem. Lua, SELECT, FLUSHALL and other commands that could reach beyond
           the database are refused.
  cli      redis-cli over the sandbox store (see \`cachelab cli --help\`).
  new      Scaffold the next numbered lesson folder (see \`cachelab new --help\`).

Options:
  --lesson <slug>   The lesson, by slug, e.g. key-value-basics. grade: overrides file
                    headers; needed for a file without one.
  --course <dir>    A course outside this package: a folder of NN-slug lesson folders
                    (or a folder holding lessons/). Default: the built-in course.
  --json            Print only JSON on stdout (shapes below). Same as --reporter json.
  --reporter <r>    grade: readable (default), json, junit (JUnit XML: a testsuite per
                    file, a testcase per check) or github (GitHub Actions annotations).
                    May be given more than once; only one may write to stdout.
  --output <file>   grade: write the junit report to this file instead of stdout.
  --jobs <n>        grade: runners working at once (default: the number of CPUs).
  --watch           verify: re-verify lessons as their files change (readable report only).
  --redis <url>     verify: the server and database, e.g. redis://127.0.0.1:6379/15 (the
                    path picks the database, default 0). The database must be empty:
                    cachelab refuses to touch a database that holds keys...
  --flush           ...unless --flush is given: then it empties that database (FLUSHDB,
                    never FLUSHALL) before, between and after checks.
  --root <dir>      The folder that holds lessons/ (same as --course).
  --timeout <ms>    Whole-run hard timeout (default 10000).
  -h, --help        Show this help.
  -v, --version     Print the version of this package.

Environment:
  CACHELAB_CACHE_DIR  Where the runner's startup snapshot is kept (default
                      $XDG_CACHE_HOME/cachelab, else ~/.cache/cachelab). The installed
                      package builds it in the background after its first grade; later
                      runs start their sandboxed runners from it, skipping most loading.
  CACHELAB_SNAPSHOT=0 Never use or build the startup snapshot.
  CACHELAB_TIMING=1   grade: print when each step was reached to stderr (benchmarks).

Exit codes:
  grade    0 every file passed every check; 1 some file failed a check, did not compile,
           threw while loading, timed out, ran out of memory, crashed or was stopped by
           the sandbox, or names no lesson this course has; 2 usage error (bad options,
           unknown --lesson, a path that does not exist, one file without a lesson).
  verify   0 every lesson holds; 1 some lesson does not; 2 usage error, invalid lesson files,
           or (--redis) a bad URL, an unreachable server, or a non-empty database without --flush.

JSON output:
  grade    one file:
           {"lesson": slug, "passed": bool,
            "checks": [{"name": str, "passed": bool, "message"?: str}],
            "error"?: {"kind": "compile"|"load"|"timeout"|"memory"|"violation"|"crashed",
                       "message": str, "line"?: n, "column"?: n,
                       "check"?: str, "notRun"?: [str]},
            "console"?: str, "durationMs": n}
           several files or a folder:
           {"passed": bool, "total": n, "failed": n, "durationMs": n,
            "submissions": [{"file": str, ...the one-file shape}]}
           (a file that could not run: "lesson": slug|null, "checks": [],
            "error": {"kind": "lesson"|"read", "message": str})
  verify   {"ok": bool, "lessons": [{"lesson": slug, "title": str, "checkCount": n,
            "solutionPassed": bool, "starterFailed": bool, "durationMs": n,
            "problems": [str]}]}
           with --redis, also "redis": url, and per lesson "mismatches": [{"file":
           "solution.ts"|"starter.ts", "check": str, "sandboxPassed": bool,
           "redisPassed": bool, "message"?: str}]
  exit 2   {"error": {"kind": "usage", "message": str}}
`;

const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: Boolean(process.stdin.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
};

// Errors that mean "exit 2", by name so that matching them loads none of their modules.
const EXIT_2_ERRORS = new Set(['UsageError', 'LessonError', 'RunnerError', 'ServerError']);

/** Runs the CLI with `args` (without `node` and the script) and resolves to the exit code. */
export async function main(args: string[], io: CliIo = processIo): Promise<number> {
  markStep('main');
  try {
    return await dispatch(args, io);
  } finally {
    // A prestarted child no pool took (a usage error, another command) is not left running.
    io.prestarted?.discard();
  }
}

/** This package's version, from its package.json (the installed one, or the checkout's). */
function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return version;
}

async function dispatch(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'cli') {
    const { runRedisCli } = await import('./redis-cli.ts');
    return runRedisCli(rest, io);
  }
  if (command === 'new') {
    const { runNew } = await import('./new-lesson.ts');
    return runNew(rest, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd ?? process.cwd() });
  }
  const json = args.includes('--json');
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(HELP);
      return 0;
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (command === 'grade') {
      try {
        return await grade(rest, io);
      } finally {
        writeTimings(io.stderr);
      }
    }
    if (command === 'verify') return await verify(rest, io);
    throw new UsageError(`unknown command "${command}". Run cachelab --help.`);
  } catch (error) {
    if (!(error instanceof Error) || !EXIT_2_ERRORS.has(error.name)) throw error;
    // The runner failing to start is not the learner's fault: exit 2, not 1.
    const kind = error.name === 'RunnerError' ? 'internal' : 'usage';
    if (json) io.stdout.write(`${JSON.stringify({ error: { kind, message: error.message } })}\n`);
    else io.stderr.write(`cachelab: ${error.message}\n`);
    return 2;
  }
}

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: CLI_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

type Values = ReturnType<typeof parse>['values'];

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`${name} must be a positive whole number, got "${value}"`);
  return n;
}

function timeoutOf(timeout: string | undefined): number | undefined {
  return timeout === undefined ? undefined : positiveInt('--timeout (ms)', timeout);
}

/** The course folder: --course, else --root, else the built-in course; relative to the cwd. */
function courseOf(values: Values, io: CliIo): string {
  if (values.course !== undefined && values.root !== undefined)
    throw new UsageError('--course and --root name the same thing; give one');
  const dir = values.course ?? values.root;
  return dir === undefined ? PACKAGE_ROOT : path.resolve(io.cwd ?? process.cwd(), dir);
}

/** A pool of runner children for the course at `root`, with the built child when running from the build. */
async function poolFor(
  io: CliIo,
  root: string,
  options: {
    size: number;
    hardTimeoutMs?: number;
    server?: NodeRunnerOptions['server'];
    prestarted?: PrestartedChild;
    strictChecks?: boolean;
  },
): Promise<RunnerPool> {
  const { poolPlan } = await import('./pool-plan.ts');
  const { lessonsDir, childEntry, snapshot } = poolPlan(root);
  const create = io.createPool ?? (await import('./runner-pool.ts')).createRunnerPool;
  const pool = create({
    lessonsDir,
    size: options.size,
    ...(options.hardTimeoutMs !== undefined ? { hardTimeoutMs: options.hardTimeoutMs } : {}),
    ...(options.server ? { server: options.server } : {}),
    ...(childEntry ? { childEntry } : {}),
    ...(snapshot?.blob
      ? { childSnapshot: { blob: snapshot.blob, onRejected: (blob) => snapshot.reject(blob) } }
      : {}),
    ...(options.prestarted ? { prestarted: options.prestarted } : {}),
    ...(options.strictChecks ? { strictChecks: true } : {}),
  });
  if (!snapshot || snapshot.blob) return pool;
  return {
    ...pool,
    async close() {
      await pool.close();
      // Built after this run's work, so the first run of an installed package is not slowed by it.
      snapshot.buildInBackground();
    },
  };
}

/** One runner for `verify`: runs go one at a time, in order. */
async function runnerFor(
  io: CliIo,
  root: string,
  timeout: string | undefined,
  server?: NodeRunnerOptions['server'],
): Promise<NodeRunner> {
  // verify tests the checks themselves, so they run with chai's typo guard (RunOptions.strictChecks).
  const pool = await poolFor(io, root, {
    size: 1,
    hardTimeoutMs: timeoutOf(timeout),
    server,
    strictChecks: true,
  });
  return {
    run: (lesson, source) => pool.run(lesson, source),
    lastStartupMs: () => pool.ready(),
    close: () => pool.close(),
  };
}

async function grade(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.watch) throw new UsageError('--watch only applies to verify');
  if (values.redis !== undefined || values.flush)
    throw new UsageError('--redis and --flush only apply to verify');
  if (positionals.length === 0)
    throw new UsageError('grade needs a file: cachelab grade <file> [--lesson <slug>]');
  const cwd = io.cwd ?? process.cwd();
  const courseDir = courseOf(values, io);
  const hardTimeoutMs = timeoutOf(values.timeout);
  // One file: its runner starts first, so the child boots while this process loads the grader
  // and reads the file. If the command is refused after all, the runner is closed unused.
  let early =
    positionals.length === 1 && isFile(path.resolve(cwd, positionals[0]!))
      ? poolFor(io, courseDir, { size: 1, hardTimeoutMs, prestarted: io.prestarted })
      : undefined;
  // Spawned before the grader's own modules load, so they load while the child boots (a
  // failure to start surfaces where the grader waits for it).
  await early?.catch(() => {});
  try {
    const { REPORTERS, gradeSubmissions } = await import('./grade-command.ts');
    const reporters = new Set<(typeof REPORTERS)[number]>();
    for (const name of values.reporter ?? []) {
      const known = REPORTERS.find((r) => r === name);
      if (!known)
        throw new UsageError(`unknown reporter "${name}"; use one of ${REPORTERS.join(', ')}`);
      reporters.add(known);
    }
    if (values.json) reporters.add('json');
    if (reporters.size === 0) reporters.add('readable');
    if (values.output !== undefined && !reporters.has('junit'))
      throw new UsageError('--output is where --reporter junit writes; add --reporter junit');
    const toStdout = [...reporters].filter((r) => r !== 'junit' || values.output === undefined);
    if (toStdout.length > 1)
      throw new UsageError(
        `only one report can go to stdout, got ${toStdout.join(' and ')}; give junit an --output <file>`,
      );
    const jobs =
      values.jobs === undefined ? availableParallelism() : positiveInt('--jobs', values.jobs);
    return await gradeSubmissions(
      {
        paths: positionals,
        lesson: values.lesson,
        courseDir,
        cwd,
        reporters: [...reporters],
        output: values.output,
        jobs: Math.min(jobs, 64),
        createGrader: (dir, size) => {
          const started = early;
          early = undefined;
          if (started && size === 1 && dir === courseDir) return started;
          if (started)
            void started.then(
              (pool) => pool.close(),
              () => {},
            );
          return poolFor(io, dir, { size, hardTimeoutMs });
        },
      },
      { stdout: io.stdout, stderr: io.stderr, stderrIsTTY: Boolean(io.stderrIsTTY) },
    );
  } finally {
    if (early)
      void early.then(
        (pool) => pool.close(),
        () => {},
      );
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`verify takes no file arguments, got "${positionals[0]}"`);
  for (const option of ['reporter', 'output', 'jobs'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option} only applies to grade`);
  }
  if (values.watch && values.json)
    throw new UsageError('--watch prints the readable report only; drop --json');
  if (values.flush && values.redis === undefined)
    throw new UsageError('--flush only applies with --redis <url>');
  if (values.redis !== undefined && values.watch)
    throw new UsageError('--redis and --watch cannot be combined');
  timeoutOf(values.timeout);
  const root = courseOf(values, io);
  const { formatVerifyReport } = await import('./verify.ts');
  if (values.redis !== undefined) {
    const { parseRedisUrl } = await import('./redis-url.ts');
    // Parse the URL before reading lessons, so a bad URL is reported as such.
    const target = parseRedisUrl(values.redis);
    const selected = await selectLessons(root, values.lesson);
    const { verifyOnRedis } = await import('./verify-redis.ts');
    const result = await verifyOnRedis(root, selected, target, {
      flush: Boolean(values.flush),
      timeout: values.timeout,
      runnerFor: (dir, timeout, server) => runnerFor(io, dir, timeout, server),
    });
    io.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatVerifyReport(result));
    return result.ok ? 0 : 1;
  }
  const selected = await selectLessons(root, values.lesson);
  if (values.watch) return watchAndVerify(root, values.lesson, values.timeout, io);
  const result = await verifyWithRunner(root, selected, values.timeout, io);
  io.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatVerifyReport(result));
  return result.ok ? 0 : 1;
}

async function selectLessons(root: string, slug: string | undefined): Promise<Lesson[]> {
  const { loadLessonsFromDisk } = await import('./load-lessons.ts');
  const lessons = await loadLessonsFromDisk(root);
  if (slug === undefined) return lessons;
  const lesson = lessons.find((l) => l.slug === slug);
  if (!lesson)
    throw new UsageError(
      `unknown lesson "${slug}". Lessons: ${lessons.map((l) => l.slug).join(', ')}`,
    );
  return [lesson];
}

/** Verifies lessons in a fresh Node runner (fresh, so edited checks.ts files are re-imported). */
export async function verifyWithRunner(
  root: string,
  lessons: readonly Lesson[],
  timeout?: string,
  io: CliIo = processIo,
): Promise<VerifyResult> {
  const { verifyLessons } = await import('./verify.ts');
  const runner = await runnerFor(io, root, timeout);
  try {
    // Per-lesson timings should not include the worker's start-up.
    await runner.lastStartupMs();
    return await verifyLessons(lessons, (lesson, source) => runner.run(lesson, source));
  } finally {
    await runner.close();
  }
}

async function watchAndVerify(
  root: string,
  slug: string | undefined,
  timeout: string | undefined,
  io: CliIo,
): Promise<number> {
  const { watchLessons } = await import('./watch-lessons.ts');
  const { formatVerifyReport } = await import('./verify.ts');
  const once = async (): Promise<void> => {
    try {
      const result = await verifyWithRunner(root, await selectLessons(root, slug), timeout, io);
      io.stdout.write(`\n[${new Date().toLocaleTimeString()}] ${formatVerifyReport(result)}`);
    } catch (error) {
      io.stdout.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  await once();
  let running = Promise.resolve();
  return new Promise<number>((resolve) => {
    let watcher: { close(): void } | undefined;
    const stop = (error: Error) => {
      io.stderr.write(`cachelab: stopped watching: ${error.message}\n`);
      watcher?.close();
      resolve(2);
    };
    try {
      watcher = watchLessons(
        root,
        () => {
          running = running.then(once);
        },
        { onError: stop },
      );
    } catch (error) {
      stop(error as Error);
      return;
    }
    // Only now is every watch in place: an edit made after this line is seen.
    io.stdout.write('Watching lessons/ for changes (Ctrl+C to stop)...\n');
    const abort = () => {
      watcher?.close();
      // Let a verification in progress finish, so no runner is left behind.
      void running.then(() => resolve(0));
    };
    if (io.signal?.aborted) abort();
    else io.signal?.addEventListener('abort', abort, { once: true });
  });
}
