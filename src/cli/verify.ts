/**
 * `cachelab verify`: content CI for lessons. Every solution must pass every check and every
 * starter must fail at least one (freeCodeCamp's "test suite must fail on the initial
 * contents"). The grading function is a parameter, so the same logic runs on the sandbox or,
 * for `verify --redis`, against a real server.
 */
import type { Lesson } from '../lessons/schema.ts';
import type { RunReport } from '../runner/report.ts';
import { formatMs } from './grade.ts';

/** Grades one source file against one lesson. */
export type Grade = (lesson: string, source: string) => Promise<RunReport>;

/** The verdict on one lesson, in the documented `--json` shape. */
export interface LessonVerdict {
  /** The lesson slug. */
  lesson: string;
  /** The lesson title. */
  title: string;
  /** How many checks the lesson has. */
  checkCount: number;
  /** Whether the solution passed every check. */
  solutionPassed: boolean;
  /** Whether the starter failed at least one check. */
  starterFailed: boolean;
  /** Time to grade both files. */
  durationMs: number;
  /** What is wrong, one sentence each; empty when the lesson is fine. */
  problems: string[];
  /** `verify --redis` only: checks whose outcome differs between the sandbox and Redis. */
  mismatches?: Mismatch[];
}

/** The verdict on a set of lessons. */
export interface VerifyResult {
  /** True when every lesson is fine. */
  ok: boolean;
  /** One verdict per lesson, in course order. */
  lessons: LessonVerdict[];
  /** `verify --redis` only: the server (URL without password) the lessons ran against. */
  redis?: string;
}

/** Verifies one lesson: grades its solution and its starter. */
export async function verifyLesson(lesson: Lesson, grade: Grade): Promise<LessonVerdict> {
  const started = performance.now();
  const solution = await grade(lesson.slug, lesson.solution);
  const starter = await grade(lesson.slug, lesson.starter);
  return verdictOf(lesson, solution, starter, started);
}

function verdictOf(
  lesson: Lesson,
  solution: RunReport,
  starter: RunReport,
  started: number,
  where = '',
): LessonVerdict {
  const problems: string[] = [];
  if (solution.error) {
    problems.push(
      `solution.ts${where}: ${solution.error.kind} error: ${solution.error.message}${lineOf(solution.error.line)}`,
    );
  }
  for (const check of solution.checks) {
    if (!check.passed)
      problems.push(`solution.ts fails "${check.name}"${where}: ${check.message ?? 'no message'}`);
  }
  if (starter.passed)
    problems.push(`starter.ts passes every check${where}; it must fail at least one`);
  if (starter.error) {
    // A starter should fail its checks, not crash: learners start from it.
    problems.push(
      `starter.ts${where}: ${starter.error.kind} error: ${starter.error.message}${lineOf(starter.error.line)}`,
    );
  }
  const checkCount = solution.checks.length || starter.checks.length;
  return {
    lesson: lesson.slug,
    title: lesson.title,
    checkCount,
    solutionPassed: solution.passed,
    starterFailed: !starter.passed,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    problems,
  };
}

/** A check whose verdict on the sandbox differs from its verdict on a real Redis. */
export interface Mismatch {
  /** Which file was graded. */
  file: 'solution.ts' | 'starter.ts';
  /** The check's name. */
  check: string;
  /** Whether it passed on the sandbox (ioredis-mock with the fidelity layer). */
  sandboxPassed: boolean;
  /** Whether it passed on the real server. */
  redisPassed: boolean;
  /** The failing side's message. */
  message?: string;
}

function mismatchesOf(file: Mismatch['file'], sandbox: RunReport, redis: RunReport): Mismatch[] {
  const out: Mismatch[] = [];
  for (const check of sandbox.checks) {
    const onRedis = redis.checks.find((c) => c.name === check.name);
    if (!onRedis || onRedis.passed === check.passed) continue;
    const failing = check.passed ? onRedis : check;
    out.push({
      file,
      check: check.name,
      sandboxPassed: check.passed,
      redisPassed: onRedis.passed,
      ...(failing.message ? { message: failing.message } : {}),
    });
  }
  return out;
}

function mismatchText(m: Mismatch): string {
  return m.sandboxPassed
    ? `${m.file} "${m.check}" passes on the sandbox but fails on Redis: ${m.message ?? 'no message'}`
    : `${m.file} "${m.check}" fails on the sandbox but passes on Redis (sandbox: ${m.message ?? 'no message'})`;
}

/**
 * `verify --redis`: grades every solution and starter on the sandbox and on a real server.
 * The verdict is the server's (solution passes, starter fails), plus every check whose
 * outcome differs between the two, since such a check depends on a quirk of the sandbox.
 */
export async function verifyLessonsOnServer(
  lessons: readonly Lesson[],
  sandbox: Grade,
  server: Grade,
): Promise<VerifyResult> {
  const verdicts: LessonVerdict[] = [];
  for (const lesson of lessons) {
    const started = performance.now();
    const onSandbox = [
      await sandbox(lesson.slug, lesson.solution),
      await sandbox(lesson.slug, lesson.starter),
    ];
    const onRedis = [
      await server(lesson.slug, lesson.solution),
      await server(lesson.slug, lesson.starter),
    ];
    const verdict = verdictOf(lesson, onRedis[0], onRedis[1], started, ' on Redis');
    const mismatches = [
      ...mismatchesOf('solution.ts', onSandbox[0], onRedis[0]),
      ...mismatchesOf('starter.ts', onSandbox[1], onRedis[1]),
    ];
    verdict.problems.push(...mismatches.map(mismatchText));
    verdicts.push({ ...verdict, mismatches });
  }
  return { ok: verdicts.every((v) => v.problems.length === 0), lessons: verdicts };
}

/** Verifies lessons one after another. */
export async function verifyLessons(
  lessons: readonly Lesson[],
  grade: Grade,
): Promise<VerifyResult> {
  const verdicts: LessonVerdict[] = [];
  for (const lesson of lessons) verdicts.push(await verifyLesson(lesson, grade));
  return { ok: verdicts.every((v) => v.problems.length === 0), lessons: verdicts };
}

function lineOf(line: number | undefined): string {
  return line ? ` (line ${line})` : '';
}

/** The readable verify report. */
export function formatVerifyReport(result: VerifyResult): string {
  const lines: string[] = [];
  for (const v of result.lessons) {
    const ok = v.problems.length === 0;
    lines.push(
      `${ok ? '✓' : '✗'} ${v.lesson}: ${v.title} (${v.checkCount} checks, ${formatMs(v.durationMs)})`,
    );
    for (const problem of v.problems) lines.push(`    ${problem}`);
  }
  const bad = result.lessons.filter((v) => v.problems.length > 0).length;
  lines.push('');
  lines.push(
    result.ok
      ? `${plural(result.lessons.length, 'lesson')} verified${result.redis ? ` on ${result.redis}` : ''}: every solution passes and every starter fails${result.redis ? ', and every check agrees with the sandbox' : ''}.`
      : `${bad} of ${plural(result.lessons.length, 'lesson')} ${bad === 1 ? 'has' : 'have'} problems.`,
  );
  return `${lines.join('\n')}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
