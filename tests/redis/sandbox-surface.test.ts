/**
 * The issue-13 client surface as learner code sees it in the sandbox: scanStream pages, a second
 * connection that subscribes while the first publishes, and a blocking pop that a check ends by
 * moving the fake clock instead of sleeping.
 */
import { expect, test } from 'vitest';
import { oneCheck, run } from '../runner/harness.ts';

const LEARNER = `
import Redis from 'ioredis';
const redis = new Redis();
export async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  let pages = 0;
  await new Promise<void>((resolve, reject) => {
    const stream = redis.scanStream({ match: 'user:*', count: 10 });
    stream.on('data', (page: string[]) => { pages++; keys.push(...page); });
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  return [String(pages), ...keys];
}
export async function pubsub(): Promise<unknown[]> {
  const sub = redis.duplicate();
  const got: unknown[] = [];
  sub.on('message', (channel: string, message: string) => got.push([channel, message]));
  const count = await sub.subscribe('news');
  let refused = '';
  try { await sub.get('x'); } catch (e) { refused = (e as Error).message; }
  const receivers = await redis.publish('news', 'hello');
  await new Promise((r) => setTimeout(r, 0));
  return [count, refused, receivers, got];
}
export function waitForJob(): Promise<unknown> {
  return new Redis().blpop('jobs', 5);
}
`;

test('scanStream, subscribe on a duplicate, and BLPOP on the fake clock work for learner code', async () => {
  let keys: string[] = [];
  let pubsub: unknown[] = [];
  let popped: unknown = 'unset';
  let early: unknown = 'unset';
  const report = await run(
    LEARNER,
    oneCheck(async ({ learner, redis, clock }) => {
      for (let i = 0; i < 40; i++) await redis.set(`user:${i}`, 'v');
      await redis.set('other', 'v');
      keys = await learner.allKeys();
      pubsub = await learner.pubsub();
      const waiting = learner.waitForJob().then((r: unknown) => (popped = r));
      await clock.advance(4000);
      early = popped;
      await clock.advance(1000);
      await waiting;
    }),
  );
  expect(report.error).toBeUndefined();
  expect(report.checks.map((c) => c.passed)).toEqual([true]);
  const [pages, ...found] = keys;
  expect(Number(pages)).toBeGreaterThan(1);
  expect(found.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `user:${i}`).sort());
  expect(pubsub).toEqual([
    1,
    'Connection in subscriber mode, only subscriber commands may be used',
    1,
    [['news', 'hello']],
  ]);
  expect(early).toBe('unset');
  expect(popped).toBeNull();
});
