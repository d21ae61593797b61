/**
 * The CLI runner host against a child that misbehaves on purpose (tests/cli/fixtures/
 * fake-runner-child.mjs): a failed self-test, silence at start-up, an oversized or forged frame,
 * a crash or exit mid-run. Every case must end as a clear error or a failed report, never a hang
 * or a pass; the healthy scenario is their control copy. These children start in milliseconds,
 * so the suite stays in `npm test`; the real attack suite is tests/sandbox/sandbox-node.test.ts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { createRunnerPool, RunnerError } from '../../src/cli/runner-pool.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FAKE_CHILD = path.join(root, 'tests/cli/fixtures/fake-runner-child.mjs');
const LESSON = 'key-value-basics';

describe('the CLI runner host against a misbehaving child', () => {
  const fake = (scenario: string, extra: Partial<Parameters<typeof createRunnerPool>[0]> = {}) =>
    createRunnerPool({
      lessonsDir: scenario,
      childEntry: FAKE_CHILD,
      size: 1,
      hardTimeoutMs: 1000,
      startupTimeoutMs: 3000,
      ...extra,
    });

  test('a failed warm-up self-test is fatal for the runner, never a hang', async () => {
    const failing = fake('fatal-warmup');
    const started = performance.now();
    try {
      await expect(failing.ready()).rejects.toThrow(/self-test/);
      await expect(failing.run(LESSON, 'x')).rejects.toBeInstanceOf(RunnerError);
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      await failing.close();
    }
  }, 30_000);

  test('a child that never says ready meets the start-up deadline', async () => {
    const silent = fake('silent', { startupTimeoutMs: 1000 });
    try {
      await expect(silent.ready()).rejects.toThrow(/did not start within 1 s/);
    } finally {
      await silent.close();
    }
  }, 30_000);

  test('a frame announced over the size cap is refused by its header: violation', async () => {
    const oversized = fake('oversized');
    const before = process.memoryUsage().rss;
    try {
      const report = await oversized.run(LESSON, 'x');
      expect(report.passed).toBe(false);
      expect(report.error?.kind).toBe('violation');
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await oversized.close();
    }
  }, 30_000);

  test('a message outside the protocol ends the run as a violation, not a pass', async () => {
    const forged = fake('forged-shape');
    try {
      const report = await forged.run(LESSON, 'x');
      expect(report.passed).toBe(false);
      expect(report.error?.kind).toBe('violation');
    } finally {
      await forged.close();
    }
  }, 30_000);

  test.each([['crash'], ['exit']])(
    'a child that dies mid-run (%s) gives crashed',
    async (scenario) => {
      const dying = fake(scenario);
      try {
        const report = await dying.run(LESSON, 'x');
        expect(report.passed).toBe(false);
        expect(report.error?.kind).toBe('crashed');
      } finally {
        await dying.close();
      }
    },
    30_000,
  );

  test('a healthy child passes (control copy of the cases above)', async () => {
    const healthy = fake('healthy');
    try {
      expect((await healthy.run(LESSON, 'x')).passed).toBe(true);
      expect((await healthy.run(LESSON, 'x')).passed).toBe(true);
    } finally {
      await healthy.close();
    }
  }, 30_000);
});
