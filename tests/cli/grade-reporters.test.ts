/** The grade reporters on hand-made results: pure functions, no runner. */
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { batchJson, formatBatchReport, formatGradeReport } from '../../src/cli/grade.ts';
import { escapeControl } from '../../src/cli/reporters/escape-control.ts';
import { githubAnnotations } from '../../src/cli/reporters/github.ts';
import { junitReport, xmlText } from '../../src/cli/reporters/junit.ts';
import {
  checkRows,
  runErrorSummary,
  type SubmissionResult,
} from '../../src/cli/submission-result.ts';

// Any C0 (but tab and newline), DEL or C1 character.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string) => { window: { DOMParser: typeof DOMParser } };
};
const NAMES = ['first check', 'second check', 'third check', 'fourth check'];

const timedOut = (error: Record<string, unknown> = {}): SubmissionResult => ({
  file: 'sub/a.ts',
  lesson: 'expiry',
  checkNames: NAMES,
  report: {
    lesson: 'expiry',
    passed: false,
    checks: [{ name: 'first check', passed: true, durationMs: 2 }],
    error: { kind: 'timeout', message: 'Your code did not finish within 10 s.', ...error },
    console: '',
    durationMs: 10_000,
  },
});

describe(runErrorSummary, () => {
  test('a timeout names the check it cut short and counts the checks that never ran', () => {
    expect(runErrorSummary(timedOut())).toBe("timed out during 'second check'; 2 checks not run");
    // The worker's own fields win over what the names suggest.
    expect(runErrorSummary(timedOut({ check: 'third check', notRun: ['fourth check'] }))).toBe(
      "timed out during 'third check'; 1 check not run",
    );
  });

  test('the readable report says it too, and marks the interrupted and the skipped checks', () => {
    const text = formatGradeReport(timedOut());
    expect(text).toContain("    timed out during 'second check'; 2 checks not run\n");
    expect(text).toContain('– second check (interrupted)\n');
    expect(text).toContain('– fourth check (not run)\n');
    expect(text).toContain('1 of 4 checks passed in 10.0 s.');
  });

  test('without the fields or the names it still says it timed out, and claims nothing more', () => {
    const bare = { ...timedOut(), checkNames: undefined };
    expect(runErrorSummary(bare)).toBe('timed out');
    expect(checkRows(bare).map((r) => r.status)).toEqual(['passed']);
  });
});

describe(junitReport, () => {
  test('one testcase per check: finished, interrupted (error) and not run (error)', () => {
    const doc = new new JSDOM('').window.DOMParser().parseFromString(
      junitReport([timedOut()], 10_000),
      'application/xml',
    );
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    const cases = [...doc.getElementsByTagName('testcase')];
    expect(cases.map((c) => c.getAttribute('name'))).toEqual(NAMES);
    expect(cases.map((c) => c.firstElementChild?.tagName ?? 'ok')).toEqual([
      'ok',
      'error',
      'error',
      'error',
    ]);
    expect(cases[1]!.firstElementChild!.getAttribute('type')).toBe('timeout');
    expect(doc.getElementsByTagName('testsuite')[0]!.getAttribute('errors')).toBe('3');
  });

  test('escapes markup, quotes and every character XML 1.0 cannot carry', () => {
    const text = 'a<b>&"c\'\u0000\u0007\u001b[2J\ud800\uffff\n';
    const escaped = xmlText(text);
    expect(escaped).toBe("a&lt;b&gt;&amp;&quot;c'\\x00\\x07\\x1b[2J\\ud800\\uffff&#10;");
    // Control: the raw text is not well-formed XML.
    const parse = (xml: string) =>
      new new JSDOM('').window.DOMParser()
        .parseFromString(xml, 'application/xml')
        .getElementsByTagName('parsererror').length;
    expect(parse(`<a>${escaped}</a>`)).toBe(0);
    expect(parse(`<a>${text}</a>`)).toBeGreaterThan(0);
  });
});

describe(githubAnnotations, () => {
  test('one annotation for the run error and one per failing check, at the line when known', () => {
    const result: SubmissionResult = {
      file: 'a,b.ts',
      lesson: 'expiry',
      report: {
        lesson: 'expiry',
        passed: false,
        checks: [
          { name: 'ok', passed: true, durationMs: 1 },
          {
            name: 'keys: expire',
            passed: false,
            message: '100%\nwrong',
            line: 7,
            column: 3,
            durationMs: 1,
          },
        ],
        console: '',
        durationMs: 3,
      },
    };
    expect(githubAnnotations(result)).toBe(
      '::error file=a%2Cb.ts,line=7,col=3,title=keys%3A expire::100%25%0Awrong\n',
    );
  });
});

describe('readable reports', () => {
  test('escape control characters in every piece of learner text', () => {
    const evil = '\u001b[2J\u009b1mAll checks passed\r';
    const result: SubmissionResult = {
      file: `evil${evil}.ts`,
      lesson: 'expiry',
      report: {
        lesson: 'expiry',
        passed: false,
        checks: [{ name: evil, passed: false, message: evil, durationMs: 1 }],
        console: `${evil}\n`,
        durationMs: 1,
      },
    };
    for (const text of [formatGradeReport(result), formatBatchReport([result], 5)]) {
      expect(text).not.toMatch(CONTROL);
      expect(text).toContain(escapeControl(evil));
    }
  });

  test('the batch JSON counts failures and keeps the file order', () => {
    const json = batchJson(
      [timedOut(), { file: 'b.ts', problem: { kind: 'lesson', message: 'no lesson' } }],
      12.3,
    );
    expect(json).toMatchObject({ passed: false, total: 2, failed: 2, durationMs: 12 });
    expect(json.submissions.map((s) => s.file)).toEqual(['sub/a.ts', 'b.ts']);
    expect(json.submissions[0]).toMatchObject({
      error: { kind: 'timeout', check: 'second check', notRun: ['third check', 'fourth check'] },
    });
    expect(json.submissions[1]).toEqual({
      file: 'b.ts',
      lesson: null,
      passed: false,
      checks: [],
      error: { kind: 'lesson', message: 'no lesson' },
      durationMs: 0,
    });
  });
});
