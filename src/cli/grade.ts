/**
 * `cachelab grade` output: the exact `--json` shapes and the readable reports, for one file and
 * for a batch. Every piece of learner text is printed with its control characters escaped.
 */
import type { RunReport } from '../runner/report.ts';
import { escapeControl, escapeControlInline } from './reporters/escape-control.ts';
import {
  checkRows,
  runErrorSummary,
  submissionPassed,
  type SubmissionResult,
} from './submission-result.ts';

/** The `--json` output of `cachelab grade` for one file, exactly as documented. */
export interface GradeJson {
  /** The lesson slug. */
  lesson: string;
  /** Whether every check passed. */
  passed: boolean;
  /** One entry per check. */
  checks: { name: string; passed: boolean; message?: string }[];
  /** A run-level error, when there is one. */
  error?: {
    kind: string;
    message: string;
    line?: number;
    column?: number;
    check?: string;
    notRun?: string[];
  };
  /** The learner's console output, when there was any. */
  console?: string;
  /** How long the run took. */
  durationMs: number;
}

/** Projects a RunReport onto the documented `--json` shape (no trace, keyspace or timings per check). */
export function gradeJson(report: RunReport): GradeJson {
  const error = report.error;
  return {
    lesson: report.lesson,
    passed: report.passed,
    checks: report.checks.map((c) => ({
      name: c.name,
      passed: c.passed,
      ...(c.message !== undefined ? { message: c.message } : {}),
    })),
    ...(error
      ? {
          error: {
            kind: error.kind,
            message: error.message,
            ...(error.line !== undefined ? { line: error.line } : {}),
            ...(error.column !== undefined ? { column: error.column } : {}),
            ...(error.check !== undefined ? { check: error.check } : {}),
            ...(error.notRun !== undefined ? { notRun: error.notRun } : {}),
          },
        }
      : {}),
    ...(report.console ? { console: report.console } : {}),
    durationMs: report.durationMs,
  };
}

/** One file's entry in the batch `--json` document. */
export type SubmissionJson =
  | ({ file: string } & GradeJson)
  | {
      file: string;
      lesson: string | null;
      passed: false;
      checks: [];
      error: { kind: 'lesson' | 'read'; message: string };
      durationMs: 0;
    };

/** The batch `--json` document: one entry per file, in the order the files were named. */
export interface BatchJson {
  /** Whether every submission passed. */
  passed: boolean;
  /** How many submissions there were. */
  total: number;
  /** How many failed (including those that could not run). */
  failed: number;
  /** Wall time of the whole batch. */
  durationMs: number;
  /** One entry per file. */
  submissions: SubmissionJson[];
}

/** A submission's JSON entry. */
export function submissionJson(result: SubmissionResult): SubmissionJson {
  if (result.report) {
    const json = gradeJson(result.report);
    // When the run was cut short, say which checks never ran even if the worker did not.
    if (json.error && json.error.notRun === undefined && result.checkNames) {
      const notRun = checkRows(result)
        .filter((r) => r.status === 'not-run')
        .map((r) => r.name);
      if (json.error.kind === 'timeout') {
        const interrupted = checkRows(result).find((r) => r.status === 'interrupted');
        if (interrupted && json.error.check === undefined) json.error.check = interrupted.name;
      }
      json.error.notRun = notRun;
    }
    return { file: result.file, ...json };
  }
  return {
    file: result.file,
    lesson: result.lesson ?? null,
    passed: false,
    checks: [],
    error: { kind: result.problem?.kind ?? 'read', message: result.problem?.message ?? '' },
    durationMs: 0,
  };
}

/** The batch `--json` document. */
export function batchJson(results: readonly SubmissionResult[], durationMs: number): BatchJson {
  const failed = results.filter((r) => !submissionPassed(r)).length;
  return {
    passed: failed === 0,
    total: results.length,
    failed,
    durationMs: Math.round(durationMs),
    submissions: results.map(submissionJson),
  };
}

const ERROR_TITLES: Record<string, string> = {
  compile: 'Your code does not compile',
  load: 'Your code failed while loading',
  timeout: 'The run timed out',
  memory: 'The run ran out of memory',
  violation: 'The sandbox stopped the run',
  crashed: 'The sandbox crashed',
};

function indent(text: string, prefix: string): string[] {
  return escapeControl(text)
    .split('\n')
    .map((line) => `${prefix}${line}`);
}

/** A readable report: ✓/✗ per check with messages and timings, then console output and a summary. */
export function formatGradeReport(result: SubmissionResult): string {
  const file = escapeControlInline(result.file);
  const lines: string[] = [
    `cachelab grade ${file}${result.lesson ? ` --lesson ${result.lesson}` : ''}`,
    '',
  ];
  const report = result.report;
  if (!report) {
    lines.push(`✗ ${escapeControl(result.problem?.message ?? 'not graded')}`, '');
    return `${lines.join('\n')}\n`;
  }
  if (report.error) {
    const error = report.error;
    const where = error.line
      ? ` (line ${error.line}${error.column ? `, column ${error.column}` : ''})`
      : '';
    lines.push(`✗ ${ERROR_TITLES[error.kind] ?? 'The run failed'}${where}`);
    lines.push(...indent(error.message, '    '));
    if (error.kind === 'timeout') lines.push(`    ${escapeControl(runErrorSummary(result) ?? '')}`);
    lines.push('');
  }
  for (const row of checkRows(result)) {
    const mark = row.status === 'passed' ? '✓' : row.status === 'failed' ? '✗' : '–';
    const time = row.durationMs !== undefined ? ` (${formatMs(row.durationMs)})` : '';
    const note =
      row.status === 'interrupted'
        ? ' (interrupted)'
        : row.status === 'not-run'
          ? ' (not run)'
          : '';
    lines.push(`${mark} ${escapeControlInline(row.name)}${time}${note}`);
    if (row.status === 'failed' && row.message) lines.push(...indent(row.message, '    '));
  }
  if (report.console) {
    lines.push('', 'Console output:');
    lines.push(...indent(report.console.replace(/\n$/, ''), '  | '));
  }
  const passed = report.checks.filter((c) => c.passed).length;
  const total = Math.max(report.checks.length, result.checkNames?.length ?? 0);
  lines.push('');
  lines.push(
    report.passed
      ? `All ${total} checks passed in ${formatMs(report.durationMs)}.`
      : `${passed} of ${total} checks passed in ${formatMs(report.durationMs)}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** One line (plus failing checks) per submission, then a summary: the readable batch report. */
export function formatBatchReport(
  results: readonly SubmissionResult[],
  durationMs: number,
): string {
  const lines: string[] = [];
  for (const result of results) {
    const file = escapeControlInline(result.file);
    const lesson = result.lesson ? ` [${result.lesson}]` : '';
    if (submissionPassed(result)) {
      lines.push(`✓ ${file}${lesson}: all ${result.report!.checks.length} checks passed`);
      continue;
    }
    const rows = checkRows(result);
    const passed = rows.filter((r) => r.status === 'passed').length;
    const summary = runErrorSummary(result);
    lines.push(
      `✗ ${file}${lesson}: ${rows.length > 0 ? `${passed} of ${rows.length} checks passed` : 'not graded'}${summary ? `; ${escapeControlInline(summary)}` : ''}`,
    );
    for (const row of rows) {
      if (row.status !== 'failed') continue;
      lines.push(`    ✗ ${escapeControlInline(row.name)}`);
      if (row.message) lines.push(...indent(row.message, '        '));
    }
  }
  const failed = results.filter((r) => !submissionPassed(r)).length;
  lines.push('');
  lines.push(
    `${results.length - failed} of ${results.length} submission${results.length === 1 ? '' : 's'} passed in ${formatMs(durationMs)}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** Formats a duration for people: "0.8 ms", "12 ms", "1.4 s". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}
