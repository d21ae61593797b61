import type { RunError, RunReport } from '../../runner/report.ts';

/** The reason after "Run failed: ", one fixed phrase per kind of run error. */
export function failureReason(error: RunError, durationMs: number): string {
  switch (error.kind) {
    case 'timeout': {
      // The runner says "timed out after 3 s"; fall back to the run's own duration.
      const stated = /(\d+(?:\.\d+)?)\s*s\b/.exec(error.message)?.[1];
      const seconds = stated ?? String(Math.max(1, Math.round(durationMs / 1000)));
      return `timed out after ${seconds} s`;
    }
    case 'memory':
      return 'ran out of memory';
    case 'compile':
      return error.line ? `compile error on line ${error.line}` : 'compile error';
    case 'load':
      return error.line ? `error while loading, line ${error.line}` : 'error while loading';
    case 'violation':
      return `blocked: ${error.message.replace(/^blocked:\s*/i, '')}`;
    case 'crashed':
      return 'the runner crashed';
  }
}

/** The one sentence the run summary shows after a run. */
export function summarizeRun(report: RunReport): string {
  if (report.error) return `Run failed: ${failureReason(report.error, report.durationMs)}`;
  const total = report.checks.length;
  const passed = report.checks.filter((check) => check.passed).length;
  if (passed === total) return `All ${total} ${total === 1 ? 'check' : 'checks'} passed`;
  return `${passed} of ${total} checks passed`;
}
