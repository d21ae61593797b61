/* eslint-disable @typescript-eslint/no-explicit-any -- probe suites call arbitrary learner exports */
import { describe, expect, test } from 'vitest';
import { defineChecks } from '../../src/runner/checks-api.ts';
import { checks, oneCheck, run } from './harness.ts';

/** Learner code that runs one command and reports how it settled, as learner code sees it. */
const PROBE = `
import Redis, { ReplyError } from 'ioredis';
const redis = new Redis();
export async function attempt(name: string, ...args: string[]) {
  try {
    return { ok: true, reply: await (redis as any).call(name, ...args) };
  } catch (err) {
    return { ok: false, replyError: err instanceof ReplyError, name: (err as Error).name, message: (err as Error).message };
  }
}
export async function incr(key: string) {
  try {
    return { ok: true, reply: await redis.incr(key) };
  } catch (err) {
    return { ok: false, replyError: err instanceof ReplyError, message: (err as Error).message };
  }
}
export async function selectAndSet() {
  await redis.select(3);
  await redis.set('leak', 'x');
}
export async function getLeak() {
  return redis.get('leak');
}
`;

async function outcomeOf(argv: string[]): Promise<unknown> {
  let seen: unknown;
  const suite = defineChecks<Record<string, (...args: any[]) => any>>({
    exports: ['attempt'],
    checks: [
      {
        name: 'probe',
        run: async ({ learner }) => {
          seen = await learner.attempt(...argv);
        },
      },
    ],
  });
  const report = await run(PROBE, suite);
  expect(report.error).toBeUndefined();
  return seen;
}

describe("learner code in the sandbox gets Redis 7's replies", () => {
  test('INCR on a non-integer rejects with a ReplyError carrying Redis’s exact text', async () => {
    let outcome: unknown;
    const report = await run(
      PROBE,
      oneCheck(async ({ learner, redis }) => {
        await redis.set('greeting', 'hello');
        outcome = await learner.incr('greeting');
      }),
    );
    expect(report.passed).toBe(true);
    expect(outcome).toEqual({
      ok: false,
      replyError: true,
      message: 'ERR value is not an integer or out of range',
    });
  });

  test.each([
    [['SET', 'k', 'v', 'EX', '0'], "ERR invalid expire time in 'set' command"],
    [['SET', 'k', 'v', 'EX', 'abc'], 'ERR value is not an integer or out of range'],
    [['SET', 'k', 'v', 'BOGUS'], 'ERR syntax error'],
    [['RENAME', 'missing', 'x'], 'ERR no such key'],
    [['GET'], "ERR wrong number of arguments for 'get' command"],
  ])('%j rejects with %s', async (argv, message) => {
    expect(await outcomeOf(argv)).toEqual({
      ok: false,
      replyError: true,
      name: 'ReplyError',
      message,
    });
  });

  test('WRONGTYPE: GET on a list is refused, not answered with the list', async () => {
    let outcome: unknown;
    await run(
      PROBE,
      oneCheck(async ({ learner, redis }) => {
        await redis.rpush('queue', 'a', 'b');
        outcome = await learner.attempt('GET', 'queue');
      }),
    );
    expect(outcome).toMatchObject({
      ok: false,
      replyError: true,
      message: 'WRONGTYPE Operation against a key holding the wrong kind of value',
    });
  });

  test('redis.call works for successful commands too', async () => {
    expect(await outcomeOf(['SET', 'k', 'v'])).toEqual({ ok: true, reply: 'OK' });
  });

  test('redis.call is recorded under the command it names', async () => {
    let names: string[] = [];
    await run(
      PROBE,
      oneCheck(async ({ learner, log }) => {
        await learner.attempt('SET', 'k', 'v');
        names = log.names();
      }),
    );
    expect(names).toEqual(['set']);
  });

  test('redis.call cannot run Lua outside the sandbox guard', async () => {
    const outcome = (await outcomeOf(['EVAL', 'return type(os)', '0'])) as { message?: unknown };
    // There is no `os` in the script's VM: reading it is Redis 7's "nonexistent global" error;
    // with the host's library it would have answered "table".
    expect(String(outcome.message)).toMatch(/nonexistent global variable 'os'/);
  });

  test('a database the learner SELECTed is emptied before the next check', async () => {
    const seen: unknown[] = [];
    await run(
      PROBE,
      checks(
        async ({ learner }) => void (await learner.selectAndSet()),
        async ({ learner }) => {
          await learner.attempt('SELECT', '3');
          seen.push(await learner.getLeak());
        },
      ),
    );
    expect(seen).toEqual([null]);
  });

  test('a check’s own redis client answers like Redis 7 too (no HGETALL character map)', async () => {
    let hgetall: unknown;
    let hasData = true;
    await run(
      PROBE,
      oneCheck(async ({ redis }) => {
        hasData = typeof (redis as unknown as { data?: unknown }).data === 'object';
        await redis.set('session', 'abc');
        hgetall = await redis.hgetall('session').catch((e: Error) => e.message);
      }),
    );
    expect(hasData).toBe(false);
    expect(hgetall).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
  });
});
