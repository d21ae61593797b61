import { describe, expect, it } from 'vitest';
import { createReportClamp } from '../../src/runner/boundary-caps.ts';
import { clampedDoneText } from '../../src/runner/done-text.ts';
import { BOUNDARY_LIMITS as L } from '../../src/runner/limits.ts';
import { fromWorkerSchema } from '../../src/runner/protocol.ts';
import type { RunReport } from '../../src/runner/report.ts';

/**
 * The worker loop posts a run's `done` from the run's report clamp without parsing the whole
 * report against the schema again (done-text.ts). That is only sound if every text it returns
 * is a message the host accepts as it is; these reports try to break that. Each hostile report
 * fails the schema as it is (the control), and the plain stringify of its clamped copy, without
 * done-text's own checks, fails too where done-text must refuse (the broken copy).
 */

const long = (n: number) => 'x'.repeat(n);
const base: RunReport = {
  lesson: 'key-value-basics',
  passed: true,
  checks: [{ name: 'check 1', passed: true, durationMs: 0.5 }],
  console: '',
  durationMs: 3,
};

/** The fast path as it would be without its checks: the clamped report, stringified. */
const brokenCopy = (report: RunReport) => JSON.stringify({ type: 'done', runId: 'run-1', report });

function hostAccepts(text: string): boolean {
  if (text.length > L.reportChars) return false;
  const parsed = fromWorkerSchema.safeParse(JSON.parse(text));
  if (!parsed.success) return false;
  // Nothing the host's parse would drop: what is posted is what the host reads.
  expect(JSON.parse(text)).toEqual(parsed.data);
  return true;
}

const hostile: [string, Record<string, unknown>][] = [
  ['a console and lesson over the cap', { console: long(L.consoleChars + 5), lesson: long(9000) }],
  ['non-finite numbers', { durationMs: NaN }],
  ['unknown truncation marks and extra fields', { truncated: ['bogus', 3], extra: { deep: 1 } }],
  [
    'checks over every cap',
    {
      checks: Array.from({ length: L.checks + 2 }, (_, i) => ({
        name: long(L.messageChars + 1),
        passed: 'yes',
        message: long(L.messageChars * 2),
        line: i % 2 ? 0 : 2.5,
        durationMs: Infinity,
        trace: [{ command: long(L.traceArgChars + 1), args: [7], reply: null, atMs: NaN }],
        extra: true,
      })),
    },
  ],
];

const hostileSnapshots: [string, unknown][] = [
  ['a snapshot entry of an unknown type', { entries: [{ key: 'k', ttlMs: null, type: 'blob' }] }],
  [
    'a NaN TTL in the snapshot',
    { entries: [{ key: 'k', type: 'string', value: 'v', ttlMs: NaN }] },
  ],
  ['a snapshot that is not one', 'everything'],
];

describe(clampedDoneText, () => {
  it.each(hostile)('posts %s only as a message the host accepts', (_label, fields) => {
    const raw = { ...base, ...fields } as RunReport;
    // Control: as it is, the report could not be posted.
    expect(fromWorkerSchema.safeParse({ type: 'done', runId: 'run-1', report: raw }).success).toBe(
      false,
    );
    const text = clampedDoneText('run-1', createReportClamp().report(raw));
    expect(text).toBeDefined();
    expect(hostAccepts(text!)).toBe(true);
  });

  it.each(hostileSnapshots)('refuses %s (the full parse then drops it)', (_label, snapshot) => {
    const clamped = createReportClamp().report({ ...base, snapshot } as RunReport);
    // The broken copy: the clamp passes the snapshot through, so without the check the host
    // would refuse the whole message and the run would be lost.
    expect(hostAccepts(brokenCopy(clamped))).toBe(false);
    expect(clampedDoneText('run-1', clamped)).toBeUndefined();
  });

  it('posts a snapshot as the schema copies it, without fields it does not know', () => {
    const snapshot = {
      entries: [{ key: 'user:7', type: 'string', value: '{}', ttlMs: 5000, secret: 'x' }],
      omittedKeys: 0,
      extra: 1,
    };
    const clamped = createReportClamp().report({ ...base, snapshot } as unknown as RunReport);
    const text = clampedDoneText('run-1', clamped)!;
    expect(hostAccepts(text)).toBe(true);
    expect(JSON.parse(text).report.snapshot).toEqual({
      entries: [{ key: 'user:7', type: 'string', value: '{}', ttlMs: 5000 }],
      omittedKeys: 0,
    });
  });

  it('leaves a report with a run error to the full parse (its kind is copied unchecked)', () => {
    const clamped = createReportClamp().report({
      ...base,
      passed: false,
      error: { kind: 'bogus', message: 'x' },
    } as unknown as RunReport);
    expect(hostAccepts(brokenCopy(clamped))).toBe(false);
    expect(clampedDoneText('run-1', clamped)).toBeUndefined();
  });

  it('refuses a report over the size cap, as the full parse did', () => {
    const huge = {
      entries: Array.from({ length: 40 }, (_, i) => ({
        key: `k${i}`,
        type: 'string',
        value: long(64 * 1024),
        ttlMs: null,
      })),
      omittedKeys: 0,
    };
    const clamped = createReportClamp().report({ ...base, snapshot: huge } as RunReport);
    expect(brokenCopy(clamped).length).toBeGreaterThan(L.reportChars);
    expect(clampedDoneText('run-1', clamped)).toBeUndefined();
  });

  it('posts a well-formed report unchanged', () => {
    const report: RunReport = {
      ...base,
      snapshot: {
        entries: [{ key: 'a', type: 'list', value: ['1', '2'], ttlMs: null }],
        omittedKeys: 0,
      },
    };
    const text = clampedDoneText('run-1', createReportClamp().report(report))!;
    expect(JSON.parse(text)).toEqual({ type: 'done', runId: 'run-1', report });
  });
});
