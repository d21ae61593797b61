/**
 * `cachelab grade`: one learner file against one lesson, as a RunReport, as the exact `--json`
 * shape, or as a readable report.
 */
import type { RunReport } from '../runner/report.ts';

/** The `--json` output of `cachelab grade`, exactly as documented. */
export interface GradeJson {
  /** The lesson slug. */
  lesson: string;
  /** Whether every check passed. */
  passed: boolean;
  /** One entry per check. */
  checks: { name: string; passed: boolean; message?: string }[];
  /** A run-level error, when there is one. */
  error?: { kind: string; message: string; line?: number; column?: number };
  /** The learner's console output, when there was any. */
  console?: string;
  /** How long the run took. */
  durationMs: number;
}

/** Projects a RunReport onto the documented `--json` shape (no trace, keyspace or timings per check). */
export function gradeJson(report: RunReport): GradeJson {
  return {
    lesson: report.lesson,
    passed: report.passed,
    checks: report.checks.map((c) => ({
      name: c.name,
      passed: c.passed,
      ...(c.message !== undefined ? { message: c.message } : {}),
    })),
    ...(report.error
      ? {
          error: {
            kind: report.error.kind,
            message: report.error.message,
            ...(report.error.line !== undefined ? { line: report.error.line } : {}),
            ...(report.error.column !== undefined ? { column: report.error.column } : {}),
          },
        }
      : {}),
    ...(report.console ? { console: report.console } : {}),
    durationMs: report.durationMs,
  };
}

const ERROR_TITLES: Record<string, string> = {
  compile: 'Your code does not compile',
  load: 'Your code failed while loading',
  timeout: 'The run timed out',
  memory: 'The run ran out of memory',
  violation: 'The sandbox stopped the run',
};

/** A readable report: ✓/✗ per check with messages and timings, then console output and a summary. */
export function formatGradeReport(report: RunReport, file: string): string {
  const lines: string[] = [`cachelab grade ${file} --lesson ${report.lesson}`, ''];
  if (report.error) {
    const where = report.error.line
      ? ` (line ${report.error.line}${report.error.column ? `, column ${report.error.column}` : ''})`
      : '';
    lines.push(`✗ ${ERROR_TITLES[report.error.kind] ?? 'The run failed'}${where}`);
    lines.push(`    ${report.error.message}`);
    lines.push('');
  }
  for (const check of report.checks) {
    lines.push(`${check.passed ? '✓' : '✗'} ${check.name} (${formatMs(check.durationMs)})`);
    if (!check.passed && check.message) {
      for (const line of check.message.split('\n')) lines.push(`    ${line}`);
    }
  }
  if (report.console) {
    lines.push('', 'Console output:');
    for (const line of report.console.replace(/\n$/, '').split('\n')) lines.push(`  | ${line}`);
  }
  const passed = report.checks.filter((c) => c.passed).length;
  lines.push('');
  lines.push(
    report.passed
      ? `All ${report.checks.length} checks passed in ${formatMs(report.durationMs)}.`
      : `${passed} of ${report.checks.length} checks passed in ${formatMs(report.durationMs)}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** Formats a duration for people: "0.8 ms", "12 ms", "1.4 s". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}
