/**
 * One graded submission of `cachelab grade`, and the per-check rows every reporter (readable,
 * JSON, JUnit, GitHub) prints from it, so they agree on what passed, failed and never ran.
 */
import type { RunReport } from '../runner/report.ts';

/** Why a submission could not be run at all (it still counts as failed, never as a usage error). */
export interface SubmissionProblem {
  /** "lesson": no lesson could be told from the file; "read": the file could not be read or is too big. */
  kind: 'lesson' | 'read';
  /** What is wrong, for the learner. */
  message: string;
}

/** The outcome of grading one file. */
export interface SubmissionResult {
  /** The file as the user named it (relative to the working folder when inside it). */
  file: string;
  /** The lesson slug it was graded against, when known. */
  lesson?: string;
  /** The runner's report, when the file ran. */
  report?: RunReport;
  /** Set instead of `report` when the file could not run. */
  problem?: SubmissionProblem;
  /** The lesson's check names in order, when known: lets reports list checks that never ran. */
  checkNames?: readonly string[];
}

/** How one check ended. */
export type CheckStatus = 'passed' | 'failed' | 'interrupted' | 'not-run';

/** One check of a submission, as reporters print it. */
export interface CheckRow {
  /** The check's name. */
  name: string;
  /** How it ended. */
  status: CheckStatus;
  /** Why it failed, or why it did not finish. */
  message?: string;
  /** Line in the learner's file, when known. */
  line?: number;
  /** Column in the learner's file, when known. */
  column?: number;
  /** How long it took, for checks that finished. */
  durationMs?: number;
}

/** Whether the submission passed. */
export function submissionPassed(result: SubmissionResult): boolean {
  return result.report?.passed === true;
}

/** The check that was running when a run was cut short, from the report or from the names. */
function interruptedCheck(result: SubmissionResult): string | undefined {
  const report = result.report;
  if (!report?.error || report.error.kind !== 'timeout') return undefined;
  if (report.error.check) return report.error.check;
  // Checks run one after another, so the one after the last finished is the one cut short.
  return result.checkNames?.[report.checks.length];
}

/** The checks that never started. */
function notRunChecks(result: SubmissionResult): string[] {
  const report = result.report;
  if (!report?.error) return [];
  if (report.error.notRun) return [...report.error.notRun];
  const done = new Set(report.checks.map((c) => c.name));
  const interrupted = interruptedCheck(result);
  return (result.checkNames ?? []).filter((name) => !done.has(name) && name !== interrupted);
}

/** Every check of a submission in order: finished ones, the interrupted one, then those not run. */
export function checkRows(result: SubmissionResult): CheckRow[] {
  const report = result.report;
  if (!report) {
    return (result.checkNames ?? []).map((name) => ({
      name,
      status: 'not-run',
      message: result.problem?.message,
    }));
  }
  const rows: CheckRow[] = report.checks.map((c) => ({
    name: c.name,
    status: c.passed ? 'passed' : 'failed',
    ...(c.message !== undefined ? { message: c.message } : {}),
    ...(c.line !== undefined ? { line: c.line } : {}),
    ...(c.column !== undefined ? { column: c.column } : {}),
    durationMs: c.durationMs,
  }));
  const interrupted = interruptedCheck(result);
  if (interrupted && !rows.some((r) => r.name === interrupted)) {
    rows.push({ name: interrupted, status: 'interrupted', message: report.error!.message });
  }
  const why = report.error ? runErrorSummary(result) : undefined;
  for (const name of notRunChecks(result)) rows.push({ name, status: 'not-run', message: why });
  return rows;
}

const ERROR_TITLES: Record<string, string> = {
  compile: 'does not compile',
  load: 'failed while loading',
  timeout: 'timed out',
  memory: 'ran out of memory',
  violation: 'was stopped by the sandbox',
  crashed: 'crashed the sandbox',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * One line on why the run failed as a whole, e.g. "timed out during 'loadUser …'; 3 checks not
 * run" or "does not compile (line 3, column 7): Unexpected token". Undefined when it did not.
 */
export function runErrorSummary(result: SubmissionResult): string | undefined {
  if (result.problem) return result.problem.message;
  const error = result.report?.error;
  if (!error) return undefined;
  const title = ERROR_TITLES[error.kind] ?? 'failed';
  if (error.kind === 'timeout') {
    const check = interruptedCheck(result);
    const notRun = notRunChecks(result).length;
    const known = error.notRun !== undefined || result.checkNames !== undefined;
    const during = check ? ` during '${check}'` : '';
    return `timed out${during}${known ? `; ${plural(notRun, 'check')} not run` : ''}`;
  }
  const where =
    error.line !== undefined
      ? ` (line ${error.line}${error.column !== undefined ? `, column ${error.column}` : ''})`
      : '';
  return `${title}${where}: ${error.message}`;
}
