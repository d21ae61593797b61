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
}

/** The verdict on a set of lessons. */
export interface VerifyResult {
  /** True when every lesson is fine. */
  ok: boolean;
  /** One verdict per lesson, in course order. */
  lessons: LessonVerdict[];
}

/** Verifies one lesson: grades its solution and its starter. */
export async function verifyLesson(lesson: Lesson, grade: Grade): Promise<LessonVerdict> {
  const started = performance.now();
  const solution = await grade(lesson.slug, lesson.solution);
  const starter = await grade(lesson.slug, lesson.starter);
  const problems: string[] = [];
  if (solution.error) {
    problems.push(
      `solution.ts: ${solution.error.kind} error: ${solution.error.message}${lineOf(solution.error.line)}`,
    );
  }
  for (const check of solution.checks) {
    if (!check.passed)
      problems.push(`solution.ts fails "${check.name}": ${check.message ?? 'no message'}`);
  }
  if (starter.passed) problems.push('starter.ts passes every check; it must fail at least one');
  if (starter.error) {
    // A starter should fail its checks, not crash: learners start from it.
    problems.push(
      `starter.ts: ${starter.error.kind} error: ${starter.error.message}${lineOf(starter.error.line)}`,
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
      ? `${plural(result.lessons.length, 'lesson')} verified: every solution passes and every starter fails.`
      : `${bad} of ${plural(result.lessons.length, 'lesson')} ${bad === 1 ? 'has' : 'have'} problems.`,
  );
  return `${lines.join('\n')}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
