/**
 * The `cachelab` command line: argument parsing and dispatch. `grade` and `verify` run learner
 * code in the Node host (node-host.ts); `cli` and `new` live in their own modules and are
 * loaded only when asked for.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LessonError } from '../lessons/parse-lesson.ts';
import type { Lesson } from '../lessons/schema.ts';
import { formatGradeReport, gradeJson } from './grade.ts';
import { loadLessonsFromDisk } from './load-lessons.ts';
import {
  createNodeRunner,
  RunnerError,
  type NodeRunner,
  type NodeRunnerOptions,
} from './node-host.ts';
import { formatVerifyReport, verifyLessons, type VerifyResult } from './verify.ts';
import { parseRedisUrl, ServerError } from './redis-url.ts';

/** Streams the CLI writes to (the real process's, or a test's). */
export interface CliIo {
  /** Results. With `--json`, only JSON goes here. */
  stdout: NodeJS.WritableStream;
  /** Human-readable errors. */
  stderr: NodeJS.WritableStream;
  /** Input, for `cachelab cli`. */
  stdin: NodeJS.ReadableStream;
  /** Whether stdin is a terminal (interactive `cachelab cli`). */
  isTTY: boolean;
}

/** The folder that holds this package (and its `lessons/`). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const HELP = `cachelab: an interactive Redis course, and its headless grader.

Usage:
  cachelab grade <file> --lesson <slug> [--json]
  cachelab verify [--lesson <slug>] [--json] [--watch]
  cachelab verify --redis <url> [--flush] [--lesson <slug>] [--json]
  cachelab cli [command [arg ...]]
  cachelab new <slug>
  cachelab --help

Commands:
  grade    Grade one learner file against a lesson's hidden checks. The file runs in a
           locked-down sandbox (SES Compartment in a worker thread, ioredis-mock as Redis).
  verify   Check the lessons themselves: every solution.ts passes every check and every
           starter.ts fails at least one. All lessons, or one with --lesson.
           With --redis, also run every solution and starter against a real Redis
           (through ioredis 5): learner code still runs in the sandboxed worker thread,
           but its commands go to the server over the host's connection. Each check
           starts on an emptied database; the fake clock re-sets TTLs with PEXPIRE.
           Any check that passes on the sandbox but fails on Redis (or the reverse) is
           a problem. Lua, SELECT, FLUSHALL and other commands that could reach beyond
           the database are refused.
  cli      redis-cli over the sandbox store (see \`cachelab cli --help\`).
  new      Scaffold the next numbered lesson folder (see \`cachelab new --help\`).

Options:
  --lesson <slug>   The lesson, by slug, e.g. key-value-basics (grade: required).
  --json            Print only JSON on stdout (shapes below).
  --watch           verify: re-verify lessons as their files change (readable report only).
  --redis <url>     verify: the server and database, e.g. redis://127.0.0.1:6379/15 (the
                    path picks the database, default 0). The database must be empty:
                    cachelab refuses to touch a database that holds keys...
  --flush           ...unless --flush is given: then it empties that database (FLUSHDB,
                    never FLUSHALL) before, between and after checks.
  --root <dir>      The folder that holds lessons/ (default: the cachelab package).
  --timeout <ms>    Whole-run hard timeout (default 10000).
  -h, --help        Show this help.

Exit codes:
  grade    0 every check passed; 1 a check failed, or the code did not compile, threw
           while loading, timed out, ran out of memory or was stopped by the sandbox;
           2 usage error, unknown lesson or unreadable file.
  verify   0 every lesson holds; 1 some lesson does not; 2 usage error, invalid lesson files,
           or (--redis) a bad URL, an unreachable server, or a non-empty database without --flush.

JSON output:
  grade    {"lesson": slug, "passed": bool,
            "checks": [{"name": str, "passed": bool, "message"?: str}],
            "error"?: {"kind": "compile"|"load"|"timeout"|"memory"|"violation",
                       "message": str, "line"?: n, "column"?: n},
            "console"?: str, "durationMs": n}
  verify   {"ok": bool, "lessons": [{"lesson": slug, "title": str, "checkCount": n,
            "solutionPassed": bool, "starterFailed": bool, "durationMs": n,
            "problems": [str]}]}
           with --redis, also "redis": url, and per lesson "mismatches": [{"file":
           "solution.ts"|"starter.ts", "check": str, "sandboxPassed": bool,
           "redisPassed": bool, "message"?: str}]
  exit 2   {"error": {"kind": "usage", "message": str}}
`;

/** A usage problem: exit code 2, reported as `{"error": {"kind": "usage", ...}}` under --json. */
class UsageError extends Error {}

const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: Boolean(process.stdin.isTTY),
};

/** Runs the CLI with `args` (without `node` and the script) and resolves to the exit code. */
export async function main(args: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'cli') {
    const { runRedisCli } = await import('./redis-cli.ts');
    return runRedisCli(rest, io);
  }
  if (command === 'new') {
    const { runNew } = await import('./new-lesson.ts');
    return runNew(rest, { stdout: io.stdout, stderr: io.stderr, cwd: process.cwd() });
  }
  const json = args.includes('--json');
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(HELP);
      return 0;
    }
    if (command === 'grade') return await grade(rest, io);
    if (command === 'verify') return await verify(rest, io);
    throw new UsageError(`unknown command "${command}". Run cachelab --help.`);
  } catch (error) {
    if (!(
      error instanceof UsageError ||
      error instanceof LessonError ||
      error instanceof RunnerError ||
      error instanceof ServerError
    ))
      throw error;
    // The runner failing to start is not the learner's fault: exit 2, not 1.
    const kind = error instanceof RunnerError ? 'internal' : 'usage';
    if (json) io.stdout.write(`${JSON.stringify({ error: { kind, message: error.message } })}\n`);
    else io.stderr.write(`cachelab: ${error.message}\n`);
    return 2;
  }
}

const OPTIONS = {
  lesson: { type: 'string' },
  json: { type: 'boolean' },
  root: { type: 'string' },
  timeout: { type: 'string' },
  watch: { type: 'boolean' },
  redis: { type: 'string' },
  flush: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function runnerFor(
  root: string,
  timeout: string | undefined,
  server?: NodeRunnerOptions['server'],
): NodeRunner {
  let hardTimeoutMs: number | undefined;
  if (timeout !== undefined) {
    hardTimeoutMs = Number(timeout);
    if (!Number.isInteger(hardTimeoutMs) || hardTimeoutMs <= 0)
      throw new UsageError(`--timeout must be a positive number of ms, got "${timeout}"`);
  }
  return createNodeRunner({ root, hardTimeoutMs, spare: false, server });
}

async function grade(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.watch) throw new UsageError('--watch only applies to verify');
  if (values.redis !== undefined || values.flush)
    throw new UsageError('--redis and --flush only apply to verify');
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'grade needs a file: cachelab grade <file> --lesson <slug>'
        : `grade takes one file, got ${positionals.length}`,
    );
  }
  if (!values.lesson) throw new UsageError('grade needs --lesson <slug>');
  const root = path.resolve(values.root ?? PACKAGE_ROOT);
  const file = positionals[0];
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const lessons = await loadLessonsFromDisk(root);
  const lesson = lessons.find((l) => l.slug === values.lesson);
  if (!lesson) throw new UsageError(unknownLesson(values.lesson, lessons));
  const runner = runnerFor(root, values.timeout);
  try {
    const report = await runner.run(lesson.slug, source);
    io.stdout.write(
      values.json ? `${JSON.stringify(gradeJson(report))}\n` : formatGradeReport(report, file),
    );
    return report.passed ? 0 : 1;
  } finally {
    await runner.close();
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
  if (values.watch && values.json)
    throw new UsageError('--watch prints the readable report only; drop --json');
  if (values.flush && values.redis === undefined)
    throw new UsageError('--flush only applies with --redis <url>');
  if (values.redis !== undefined && values.watch)
    throw new UsageError('--redis and --watch cannot be combined');
  const root = path.resolve(values.root ?? PACKAGE_ROOT);
  if (values.redis !== undefined) {
    const { verifyOnRedis } = await import('./verify-redis.ts');
    // Parse the URL before reading lessons, so a bad URL is reported as such.
    const target = parseRedisUrl(values.redis);
    const selected = await selectLessons(root, values.lesson);
    const result = await verifyOnRedis(root, selected, target, {
      flush: Boolean(values.flush),
      timeout: values.timeout,
      runnerFor,
    });
    io.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatVerifyReport(result));
    return result.ok ? 0 : 1;
  }
  const selected = await selectLessons(root, values.lesson);
  if (values.watch) return watchAndVerify(root, values.lesson, values.timeout, io);
  const result = await verifyWithRunner(root, selected, values.timeout);
  io.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatVerifyReport(result));
  return result.ok ? 0 : 1;
}

async function selectLessons(root: string, slug: string | undefined): Promise<Lesson[]> {
  const lessons = await loadLessonsFromDisk(root);
  if (slug === undefined) return lessons;
  const lesson = lessons.find((l) => l.slug === slug);
  if (!lesson) throw new UsageError(unknownLesson(slug, lessons));
  return [lesson];
}

/** Verifies lessons in a fresh Node runner (fresh, so edited checks.ts files are re-imported). */
export async function verifyWithRunner(
  root: string,
  lessons: readonly Lesson[],
  timeout?: string,
): Promise<VerifyResult> {
  const runner = runnerFor(root, timeout);
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
  const once = async (): Promise<void> => {
    try {
      const result = await verifyWithRunner(root, await selectLessons(root, slug), timeout);
      io.stdout.write(`\n[${new Date().toLocaleTimeString()}] ${formatVerifyReport(result)}`);
    } catch (error) {
      io.stdout.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  await once();
  io.stdout.write('Watching lessons/ for changes (Ctrl+C to stop)...\n');
  let running = Promise.resolve();
  return new Promise<number>((resolve) => {
    const watcher = watchLessons(
      root,
      () => {
        running = running.then(once);
      },
      {
        onError: (error) => {
          io.stderr.write(`cachelab: stopped watching: ${error.message}\n`);
          watcher.close();
          resolve(2);
        },
      },
    );
  });
}

function unknownLesson(slug: string, lessons: readonly Lesson[]): string {
  return `unknown lesson "${slug}". Lessons: ${lessons.map((l) => l.slug).join(', ')}`;
}
