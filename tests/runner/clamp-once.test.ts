import { describe, expect, it } from 'vitest';
import { createReportClamp } from '../../src/runner/boundary-caps.ts';
import { BOUNDARY_LIMITS as L } from '../../src/runner/limits.ts';
import { checks, run } from './harness.ts';

/**
 * A host that clamps the report (the worker loop) lends the core its clamp (RunOptions.clamp), so
 * each check result is clamped once: the host's clamp of the report then finds every check done
 * and hands back the very objects the core made, instead of building each one again.
 */

const SOURCE = 'export function add(a: number, b: number) { return a + b; }';
const suite = checks(
  async ({ learner, client }) => {
    await client.set('k', 'v'.repeat(L.traceArgChars + 10));
    await learner.add(1, 2);
  },
  async ({ learner }) => {
    await learner.add(3, 4);
  },
  async () => {
    throw new Error('x'.repeat(L.messageChars + 5));
  },
);

describe('a check result clamped once', () => {
  it("is the host clamp's own result, which the report clamp then keeps as it is", async () => {
    const clamp = createReportClamp();
    const report = await run(SOURCE, suite, { clamp });
    expect(report.checks.map((c) => c.passed)).toEqual([true, true, false]);
    const posted = clamp.report(report);
    report.checks.forEach((check, index) => {
      expect(posted.checks[index]).toBe(check);
      expect(clamp.check(index, check)).toBe(check);
    });
    // Clamped in the core: the long message is cut and marked there already.
    expect(report.checks[2].message!.length).toBeLessThanOrEqual(L.messageChars);
    expect(report.checks[2].truncated).toEqual(['message']);
    expect(report.checks[0].trace!.some((entry) => entry.args.some((a) => a.endsWith('…')))).toBe(
      true,
    );
  });

  it('without a host clamp, the report clamp builds every check again (the control)', async () => {
    const report = await run(SOURCE, suite);
    const posted = createReportClamp().report(report);
    report.checks.forEach((check, index) => {
      expect(posted.checks[index]).not.toBe(check);
      expect(posted.checks[index]).toEqual(check);
    });
  });
});
