import { describe, expect, it } from 'vitest';
import { summarizeRun } from '../../src/components/workspace/run-summary-text.ts';
import type { CheckResult, RunReport } from '../../src/runner/report.ts';

const check = (passed: boolean): CheckResult => ({ name: 'a check', passed, durationMs: 1 });
const report = (overrides: Partial<RunReport>): RunReport => ({
  lesson: 'kv',
  passed: false,
  checks: [],
  console: '',
  durationMs: 12,
  ...overrides,
});

describe(summarizeRun, () => {
  it('says every check passed, in the singular for one check', () => {
    expect(
      summarizeRun(report({ passed: true, checks: [check(true), check(true), check(true)] })),
    ).toBe('All 3 checks passed');
    expect(summarizeRun(report({ passed: true, checks: [check(true)] }))).toBe(
      'All 1 check passed',
    );
  });

  it('counts passed checks when some fail', () => {
    expect(summarizeRun(report({ checks: [check(true), check(false), check(false)] }))).toBe(
      '1 of 3 checks passed',
    );
    expect(summarizeRun(report({ checks: [check(false)] }))).toBe('0 of 1 checks passed');
  });

  it('names each kind of run failure', () => {
    const failed = (error: RunReport['error'], durationMs = 12) =>
      summarizeRun(report({ error, durationMs, checks: [check(true)] }));
    expect(failed({ kind: 'timeout', message: 'timed out after 3 s' })).toBe(
      'Run failed: timed out after 3 s',
    );
    expect(failed({ kind: 'timeout', message: 'too slow' }, 5200)).toBe(
      'Run failed: timed out after 5 s',
    );
    expect(failed({ kind: 'memory', message: 'ran out of memory' })).toBe(
      'Run failed: ran out of memory',
    );
    expect(failed({ kind: 'compile', message: 'Unexpected token (4:7)', line: 4, column: 7 })).toBe(
      'Run failed: compile error on line 4',
    );
    expect(failed({ kind: 'load', message: 'boom', line: 9 })).toBe(
      'Run failed: error while loading, line 9',
    );
    expect(failed({ kind: 'violation', message: 'fetch() to http://127.0.0.1:9' })).toBe(
      'Run failed: blocked: fetch() to http://127.0.0.1:9',
    );
    expect(failed({ kind: 'violation', message: 'blocked: importScripts' })).toBe(
      'Run failed: blocked: importScripts',
    );
  });
});
