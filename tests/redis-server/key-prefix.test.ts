/**
 * ioredis's `keyPrefix`, compared with ioredis 5 on a real server: the same calls through a
 * prefixed client must leave the same keys (seen by an unprefixed client) and give the same
 * replies. Covers commands, `call`, objects for MSET/HSET, EVAL and FCALL keys, pipelines,
 * transactions, `duplicate()`, and that KEYS/SCAN patterns and replies are not rewritten.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import { withFidelity } from '../../src/redis/faithful-client.ts';

const REDIS_URL = process.env.REDIS_URL;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- chains of either client's methods
type AnyClient = Record<string, (...args: any[]) => any>;

const LIBRARY =
  "#!lua name=kp\nredis.register_function('first', function(keys) return keys[1] end)";

/** Runs every step with a prefixed client; returns the replies and the keys left behind. */
async function scenario(prefixed: AnyClient, plainClient: AnyClient): Promise<unknown> {
  const replies: unknown[] = [];
  replies.push(await prefixed.set('s', 'v'));
  replies.push(await prefixed.get('s'));
  replies.push(await prefixed.call('SET', 'c', '1'));
  replies.push(await prefixed.mset({ a: '1', b: '2' }));
  replies.push(await prefixed.mset('x1', '1', 'x2', '2'));
  replies.push(await prefixed.mget('a', 'b', 'nope'));
  replies.push(await prefixed.hset('h', { f: '1' }));
  replies.push(await prefixed.rename('s', 's2'));
  replies.push(await prefixed.sinterstore('dest', 'set1', 'set2'));
  replies.push(await prefixed.eval('return {KEYS[1], ARGV[1]}', 1, 'e', 'arg'));
  replies.push(await prefixed.function('LOAD', 'REPLACE', LIBRARY));
  replies.push(await prefixed.fcall('first', 1, 'f', 'arg'));
  replies.push(await prefixed.pipeline().set('p', '1').incr('p').exec());
  replies.push(await prefixed.multi().set('m', '1').get('m').exec());
  replies.push(await prefixed.duplicate().set('d', '1'));
  // Patterns are not prefixed, and names come back whole.
  replies.push([...(await prefixed.keys('*'))].sort());
  replies.push((await prefixed.keys('a*')).length);
  const [, page] = await prefixed.scan('0', 'MATCH', 'app:*', 'COUNT', '1000');
  replies.push([...page].sort());
  const keys = [...(await plainClient.keys('*'))].sort();
  await prefixed.function('FLUSH');
  return { replies, keys };
}

describe.runIf(REDIS_URL)('keyPrefix, as ioredis 5 applies it', () => {
  let real: Redis;
  let realPrefixed: Redis;

  beforeAll(async () => {
    real = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0 });
    realPrefixed = new Redis(REDIS_URL!, { keyPrefix: 'app:', maxRetriesPerRequest: 0 });
    await real.connect();
  });

  afterAll(async () => {
    await real?.flushall();
    real?.disconnect();
    realPrefixed?.disconnect();
  });

  test('a prefixed client writes and reads the same keys as on a real server', async () => {
    await real.flushall();
    const expected = await scenario(
      realPrefixed as unknown as AnyClient,
      real as unknown as AnyClient,
    );
    await real.flushall();
    const host = `key-prefix-${Date.now()}`;
    const sandboxPlain = withFidelity(new RedisMock({ host }));
    const sandboxPrefixed = withFidelity(new RedisMock({ host, keyPrefix: 'app:' }));
    const actual = await scenario(
      sandboxPrefixed as unknown as AnyClient,
      sandboxPlain as unknown as AnyClient,
    );
    expect(actual).toEqual(expected);
    // The control: without the option, nothing is prefixed (so the comparison can fail).
    expect((expected as { keys: string[] }).keys).toContain('app:s2');
    expect((expected as { keys: string[] }).keys).not.toContain('s2');
  });
});
