import { describe, expect, it } from 'vitest';
import { clampCheckResult, createReportClamp } from '../../src/runner/boundary-caps.ts';
import { BOUNDARY_LIMITS as L } from '../../src/runner/limits.ts';
import { checkResultSchema } from '../../src/runner/protocol.ts';
import type { CheckResult } from '../../src/runner/report.ts';

/**
 * The worker loop posts a check's result as the run's report clamp built it, without parsing it
 * against the schema again (worker-loop.ts). That is only sound if the clamp's output meets
 * `checkResultSchema` whatever it was given; these results try to break that. Each hostile input
 * fails the schema as it is (the control: the clamp is what makes it postable).
 */

const long = (n: number) => 'x'.repeat(n);

const hostile: [string, unknown][] = [
  ['unknown and repeated truncation marks', { truncated: ['bogus', 'trace', 'trace', 7, null] }],
  ['truncation marks that are not a list', { truncated: 'trace' }],
  ['non-finite numbers', { durationMs: NaN, clockAdvancedMs: Infinity }],
  ['invalid positions', { line: 0, column: 2.5 }],
  ['a negative traceOmitted', { traceOmitted: -3 }],
  ['a name and message over the cap', { name: long(L.messageChars + 10), message: long(9000) }],
  [
    'a trace over every cap',
    {
      trace: Array.from({ length: L.traceEntries + 5 }, (_, i) => ({
        command: long(L.traceArgChars + 1),
        args: Array.from({ length: L.traceArgs + 3 }, () => long(L.traceArgChars + 2)),
        reply: i % 2 ? long(L.traceArgChars * 2) : 'OK',
        atMs: i % 3 ? NaN : i,
      })),
    },
  ],
  [
    'a keyspace over every cap',
    {
      keyspace: Array.from({ length: L.keyspaceEntries + 1 }, (_, i) => ({
        key: long(L.keyChars + 1),
        type: long(L.keyChars + 1),
        preview: long(L.keyChars * 3),
        ttlMs: i % 2 ? Infinity : NaN,
      })),
    },
  ],
  ['extra fields', { extra: { deep: true }, passed: 'yes' }],
  ['a surrogate pair at the cut', { message: `${long(L.messageChars - 2)}😀${long(8)}` }],
];

const base: CheckResult = { name: 'check', passed: false, durationMs: 1 };

describe('a clamped check result meets the schema without a parse', () => {
  it.each(hostile)('%s', (_label, fields) => {
    const raw = { ...base, ...(fields as object) } as CheckResult;
    // Control: as it is, the result could not be posted.
    expect(checkResultSchema.safeParse(raw).success).toBe(false);
    const clamp = createReportClamp();
    for (const out of [clamp.check(0, raw), clampCheckResult(raw)]) {
      const parsed = checkResultSchema.safeParse(out);
      expect(parsed.success, JSON.stringify(parsed.error?.issues?.slice(0, 2))).toBe(true);
      // Nothing the parse would drop: what is posted is what the host parses.
      expect(JSON.parse(JSON.stringify(out))).toEqual(parsed.data);
    }
  });

  it('keeps only the known truncation marks, and adds its own', () => {
    const out = createReportClamp().check(0, {
      ...base,
      message: long(L.messageChars + 1),
      truncated: ['bogus', 'console'] as never,
    });
    expect(out.truncated).toEqual(['console', 'message']);
  });

  it('posts a well-formed result unchanged (control: the clamp cuts nothing it need not)', () => {
    const result: CheckResult = {
      name: 'loadUser returns the saved user',
      passed: false,
      message: 'expected 1 to equal 2',
      line: 3,
      column: 5,
      durationMs: 1.25,
      trace: [{ command: 'GET', args: ['user:7'], reply: '(nil)', atMs: 0.5 }],
      traceOmitted: 2,
      keyspace: [{ key: 'user:7', type: 'string', preview: '"{}"', ttlMs: null }],
      clockAdvancedMs: 0,
      truncated: ['trace'],
    };
    expect(createReportClamp().check(0, result)).toEqual(result);
  });
});
