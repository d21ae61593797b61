import { afterEach, describe, expect, test, vi } from 'vitest';
import RedisMock from 'ioredis-mock';
import { createFaithfulClient, withFidelity } from '../../src/redis/faithful-client.ts';
import { ReplyError, RedisError } from '../../src/redis/reply-error.ts';

let n = 0;
const fresh = () => withFidelity(new RedisMock({ host: `faithful-${++n}` }));

async function rejection(p: Promise<unknown>): Promise<ReplyError> {
  try {
    await p;
  } catch (err) {
    return err as ReplyError;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  vi.useRealTimers();
});

describe(withFidelity, () => {
  test('rejects with a ReplyError carrying Redis exact text and the command', async () => {
    const redis = fresh();
    await redis.rpush('l', 'a');
    const err = await rejection(redis.get('l'));
    expect(err).toBeInstanceOf(ReplyError);
    expect(err).toBeInstanceOf(RedisError);
    expect(err.name).toBe('ReplyError');
    expect(err.message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(err.command).toEqual({ name: 'get', args: ['l'] });
  });

  test('redis.call runs any command, in any case, without ioredis reply shaping', async () => {
    const redis = fresh();
    expect(await redis.call('SET', 'k', 'v')).toBe('OK');
    expect(await redis.call('get', 'k')).toBe('v');
    await redis.hset('h', { a: '1' });
    expect(await redis.call('HGETALL', 'h')).toEqual(['a', '1']);
    expect(await redis.hgetall('h')).toEqual({ a: '1' });
  });

  test('unknown and unsupported commands say which command, never answer silently', async () => {
    const redis = fresh();
    expect((await rejection(redis.call('foo', 'x'))).message).toBe(
      "ERR unknown command 'foo', with args beginning with: 'x' ",
    );
    // Streams are implemented now (issue 13); DEBUG is server administration.
    expect((await rejection(redis.call('DEBUG', 'SLEEP', '0'))).message).toBe(
      "ERR cachelab's sandbox does not support 'DEBUG'",
    );
    // OBJECT is implemented now (issue 13); server administration stays refused.
    expect((await rejection(redis.call('BGSAVE'))).message).toBe(
      "ERR cachelab's sandbox does not support 'BGSAVE'",
    );
  });

  test('SELECT is asynchronous, validated, and switches database', async () => {
    const redis = fresh();
    const selecting = redis.select(2);
    expect(selecting).toBeInstanceOf(Promise);
    expect(await selecting).toBe('OK');
    await redis.set('k', 'in 2');
    expect((await rejection(redis.select(16))).message).toBe('ERR DB index is out of range');
    await redis.select(0);
    expect(await redis.get('k')).toBeNull();
  });

  test('writes go to the mock store, so raw access and lazy expiry keep working', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    const mock = new RedisMock({ host: `faithful-${++n}` });
    const redis = withFidelity(mock);
    await redis.set('k', 'v', 'PX', 500);
    expect((mock as unknown as { data: { get(k: string): unknown } }).data.get('k')).toBe('v');
    vi.setSystemTime(1_000_499);
    expect(await redis.pttl('k')).toBe(1);
    vi.setSystemTime(1_000_500);
    expect(await redis.get('k')).toBeNull();
  });

  test('multi() resolves [err, reply] pairs and keeps going after a run-time error', async () => {
    const redis = fresh();
    const results = await redis.multi().set('a', 'x').incr('a').get('a').exec();
    expect(results).toEqual([[null, 'OK'], [expect.any(ReplyError)], [null, 'x']]);
  });

  test('a queue-time error aborts the transaction with EXECABORT and previousErrors', async () => {
    const redis = fresh();
    const err = await rejection(redis.multi().set('a', '1').get().exec());
    expect(err.message).toBe('EXECABORT Transaction discarded because of previous errors.');
    expect(err.previousErrors?.map((e) => e.message)).toEqual([
      "ERR wrong number of arguments for 'get' command",
    ]);
    expect(await redis.get('a')).toBeNull();
  });

  test('pipeline() runs commands in order with their own errors', async () => {
    const redis = fresh();
    const results = (await redis.pipeline().set('a', 'x').incr('a').exec()) as [
      Error | null,
      unknown,
    ][];
    expect(results[0]).toEqual([null, 'OK']);
    expect(results[1][0]?.message).toBe('ERR value is not an integer or out of range');
  });

  test('WATCH aborts a transaction whose key changed, from another connection too', async () => {
    const redis = fresh();
    const other = redis.duplicate();
    await redis.watch('w');
    await other.set('w', 'changed');
    expect(await redis.multi().get('w').exec()).toBeNull();
  });

  test('WATCH sees writes from another client on the same store', async () => {
    const host = `faithful-${++n}`;
    const first = withFidelity(new RedisMock({ host }));
    const second = withFidelity(new RedisMock({ host }));
    await first.watch('w');
    await second.set('w', 'changed');
    expect(await first.multi().get('w').exec()).toBeNull();
    expect(await first.multi().get('w').exec()).toEqual([[null, 'changed']]);
  });

  test('callbacks receive (err, result) as in ioredis', async () => {
    const redis = fresh();
    const result = await new Promise((resolve) =>
      redis.set('k', 'v', (err: unknown, res: unknown) => resolve([err, res])),
    );
    expect(result).toEqual([null, 'OK']);
  });

  test('arguments are flattened and stringified like ioredis, Buffers kept as bytes', async () => {
    const redis = fresh();
    expect(await redis.rpush('l', ['a', 1], null)).toBe(3);
    expect(await redis.lrange('l', 0, -1)).toEqual(['a', '1', '']);
    await redis.set('b', Buffer.from([0xff, 0x00]));
    expect(await redis.strlen('b')).toBe(2);
    expect([...((await redis.getBuffer('b')) as Buffer)]).toEqual([0xff, 0x00]);
  });

  test('createFaithfulClient builds its own mock', async () => {
    const redis = createFaithfulClient(RedisMock, { host: `faithful-${++n}` });
    expect(await redis.ping()).toBe('PONG');
  });
});
