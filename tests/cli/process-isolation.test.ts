/**
 * The fast process-level smoke test of the CLI sandbox that `npm test` keeps: a builtin that never
 * checks for interrupts (so only the OS can stop it) meets the hard deadline, and the child is
 * gone, not spinning on. The memory smoke test is node-host.test.ts's ("a memory bomb ends as
 * ran out of memory"). The whole process-level attack suite (every CPU and memory attack, the
 * snapshot child, the bin at its deadline) is tests/sandbox/, run by `npm run test:sandbox`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { spawnChild } from '../../src/cli/child-endpoint.ts';
import { Supervisor } from '../../src/runner/supervisor.ts';
import { runnerChildEntry } from '../helpers/runner-child-bundle.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Lesson 1 whose saveUser first spins in a builtin V8 never interrupts. */
const SPIN = `import type { Redis } from 'ioredis';
export async function saveUser(redis: Redis, user: any) {
  Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1);
  await redis.set('user:' + user.id, JSON.stringify(user));
}
export async function loadUser() { return null; }
export async function deleteUser() { return false; }
export async function getPopularPosts() { return []; }
`;

/** Whether the process can still use a CPU: it exists and is not a zombie awaiting its reaping. */
function running(pid: number): boolean {
  try {
    return !/ Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

test('a timed-out child cannot keep the CPU: it is killed at the hard deadline', async () => {
  const child = spawnChild({
    entry: runnerChildEntry(),
    config: { lessonsDir: path.join(root, 'lessons'), checkTimeoutMs: 300 },
    memoryMb: 384,
  });
  // Half a second is plenty: the spin starts in the first check, so a short deadline can only
  // make the timeout come sooner, never turn it into something else.
  // A start-up that does not finish fails as such (30 s, against this test's 60), not as a
  // test timeout that could be anywhere.
  const supervisor = new Supervisor(child, { startupTimeoutMs: 30_000, hardTimeoutMs: 500 });
  try {
    await supervisor.ready;
    const pid = child.pid!;
    expect(running(pid)).toBe(true);
    const started = performance.now();
    const report = await supervisor.run('key-value-basics', SPIN);
    expect(report.error?.kind).toBe('timeout');
    expect(report.passed).toBe(false);
    expect(performance.now() - started).toBeLessThan(10_000);
    // SIGKILL is asynchronous: poll for the end of the process (events, not a fixed sleep).
    await expect.poll(() => running(pid), { timeout: 5000, interval: 20 }).toBe(false);
  } finally {
    supervisor.terminate();
  }
}, 60_000);
