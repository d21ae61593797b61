/**
 * The Node host's hard deadline against every kind of runaway learner code: each ends as a
 * timeout (the child is killed) and the runner grades the next, correct program. Part of
 * `npm run test:sandbox`: each case waits for a real deadline. `npm test` keeps the sync loop in
 * a check as its smoke test (tests/cli/node-host.test.ts).
 */
import { describe, expect, test } from 'vitest';
import { CORRECT_SAVE, saveUserDoes } from '../helpers/lesson1-sources.ts';
import { LESSON, runawayRunner } from '../helpers/runaway-runner.ts';

const host = runawayRunner();

describe('the Node host against runaway learner code', () => {
  test('a correct program passes (the control copy)', async () => {
    await host.expectHealthy();
  });

  test.each([
    ['a sync endless loop while loading', 'while (true) {}\nexport {};'],
    ['an async endless loop', saveUserDoes('for (;;) await null;')],
    ['catastrophic regex backtracking', saveUserDoes("/^(a+)+$/.test('a'.repeat(40) + 'b');")],
  ])(
    '%s ends as a timeout and the runner recovers',
    async (_name, source) => {
      const started = performance.now();
      const report = await host.runner.run(LESSON, source);
      expect(report.error?.kind).toBe('timeout');
      expect(report.error?.message).toMatch(/did not finish within 2.5 s/);
      expect(report.passed).toBe(false);
      // The hard timeout plus, at worst, a replacement child's start-up on a loaded machine.
      expect(performance.now() - started).toBeLessThan(30_000);
      await host.expectHealthy();
    },
    90_000,
  );

  test('a timeout keeps the results of checks that finished before it', async () => {
    const source = saveUserDoes(CORRECT_SAVE).replace(
      'export async function getPopularPosts(redis: Redis, db: any) {',
      'export async function getPopularPosts(redis: Redis, db: any) {\n  while (true) {}',
    );
    const report = await host.runner.run(LESSON, source);
    expect(report.error?.kind).toBe('timeout');
    expect(report.checks.length).toBeGreaterThanOrEqual(6);
    expect(report.checks.every((c) => c.passed)).toBe(true);
  }, 30_000);
});
