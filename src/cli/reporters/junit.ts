/**
 * `cachelab grade --reporter junit`: JUnit XML as CI servers read it (Jenkins, GitLab, GitHub
 * test-report actions): one <testsuite> per submission, one <testcase> per check.
 */
import {
  checkRows,
  runErrorSummary,
  submissionPassed,
  type SubmissionResult,
} from '../submission-result.ts';
import { escapeControl } from './escape-control.ts';

// XML 1.0 cannot carry most C0 characters even as character references, nor lone surrogates or
// U+FFFE/U+FFFF. escapeControl already shows C0/C1 as "\x1b"; this catches what is left.
const NOT_XML =
  /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes text for XML element content or a double-quoted attribute, control characters shown. */
export function xmlText(text: string): string {
  return escapeControl(text)
    .replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Like xmlText, but newlines stay real newlines (for element content). */
function xmlContent(text: string): string {
  return xmlText(text).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3);
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlText(String(v))}"`)
    .join('');
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}

function suiteXml(result: SubmissionResult): {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
} {
  const rows = checkRows(result);
  const lines: string[] = [];
  let failures = 0;
  let errors = 0;
  const classname = result.lesson ?? 'cachelab';
  const summary = runErrorSummary(result);
  if (rows.length === 0) {
    // Nothing is known about the lesson's checks (no lesson, unreadable file): one case says why.
    errors++;
    lines.push(
      `    <testcase${attrs({ name: 'grading', classname, file: result.file, time: '0.000' })}>`,
      `      <error${attrs({ message: firstLine(summary ?? 'not graded'), type: result.problem?.kind ?? 'error' })}>${xmlContent(summary ?? 'not graded')}</error>`,
      '    </testcase>',
    );
  }
  for (const row of rows) {
    const open = `    <testcase${attrs({ name: row.name, classname, file: result.file, line: row.line, time: seconds(row.durationMs) })}`;
    if (row.status === 'passed') {
      lines.push(`${open}/>`);
      continue;
    }
    const message = row.message ?? (row.status === 'not-run' ? 'not run' : 'failed');
    if (row.status === 'failed') {
      failures++;
      lines.push(
        `${open}>`,
        `      <failure${attrs({ message: firstLine(message), type: 'check' })}>${xmlContent(message)}</failure>`,
        '    </testcase>',
      );
    } else {
      errors++;
      const type =
        row.status === 'interrupted' ? (result.report?.error?.kind ?? 'error') : 'not-run';
      const text = row.status === 'not-run' ? `not run: ${message}` : message;
      lines.push(
        `${open}>`,
        `      <error${attrs({ message: firstLine(text), type })}>${xmlContent(text)}</error>`,
        '    </testcase>',
      );
    }
  }
  const report = result.report;
  const out: string[] = [];
  if (report?.console) out.push(`    <system-out>${xmlContent(report.console)}</system-out>`);
  if (summary) out.push(`    <system-err>${xmlContent(summary)}</system-err>`);
  const tests = Math.max(rows.length, 1);
  const head = `  <testsuite${attrs({
    name: result.file,
    tests,
    failures,
    errors,
    skipped: 0,
    time: seconds(report?.durationMs),
    file: result.file,
  })}>`;
  const properties = [
    '    <properties>',
    `      <property${attrs({ name: 'lesson', value: result.lesson ?? '' })}/>`,
    `      <property${attrs({ name: 'passed', value: String(submissionPassed(result)) })}/>`,
    '    </properties>',
  ];
  return {
    xml: [head, ...properties, ...lines, ...out, '  </testsuite>'].join('\n'),
    tests,
    failures,
    errors,
  };
}

/** The whole JUnit document for a batch. */
export function junitReport(results: readonly SubmissionResult[], durationMs: number): string {
  const suites = results.map(suiteXml);
  const sum = (key: 'tests' | 'failures' | 'errors') => suites.reduce((n, s) => n + s[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'cachelab grade', tests: sum('tests'), failures: sum('failures'), errors: sum('errors'), time: seconds(durationMs) })}>`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
