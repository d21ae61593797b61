/**
 * The fidelity layer's shortcuts answer exactly as the long way did: WATCH versions that are only
 * counted once somebody WATCHes, an engine-level FLUSHALL for the host, the all-strings path of
 * argument normalization, and redis-cli formatting without a trailing-newline regex.
 */
import RedisMock from 'ioredis-mock';
import { describe, expect, test } from 'vitest';
import { normalizeArgs, withFidelity } from '../../src/redis/faithful-client.ts';
import { formatReply } from '../../src/redis/cli-format.ts';
import { createEngine } from '../../src/redis/fidelity/engine.ts';
import type { Store } from '../../src/redis/fidelity/types.ts';

let n = 0;
const fresh = () => withFidelity(new RedisMock({ host: `fast-paths-${++n}` }));

describe('WATCH counts writes only once someone watches, and still sees every later one', () => {
  test('writes before the first WATCH do not abort a transaction', async () => {
    const redis = fresh();
    for (let i = 0; i < 5; i++) await redis.set('w', String(i));
    await redis.watch('w');
    expect(await redis.multi().get('w').exec()).toEqual([[null, '4']]);
  });

  test('a write after the first WATCH aborts it, from this client or another', async () => {
    const redis = fresh();
    const other = redis.duplicate();
    await redis.set('w', 'before');
    await redis.watch('w');
    await other.set('w', 'after');
    expect(await redis.multi().get('w').exec()).toBeNull();
    await redis.watch('w');
    await redis.set('w', 'mine');
    expect(await redis.multi().get('w').exec()).toBeNull();
  });

  test('control: without the intervening write the same transaction runs', async () => {
    const redis = fresh();
    await redis.set('w', 'before');
    await redis.watch('w');
    expect(await redis.multi().get('w').exec()).toEqual([[null, 'before']]);
  });

  test('a second WATCH in a new transaction sees a write between the two', async () => {
    const redis = fresh();
    const other = redis.duplicate();
    await redis.watch('a');
    expect(await redis.multi().get('a').exec()).toEqual([[null, null]]);
    // The first WATCH turned counting on; this write happens with nobody watching "b".
    await other.set('b', '1');
    await redis.watch('b');
    await other.set('b', '2');
    expect(await redis.multi().get('b').exec()).toBeNull();
  });
});

describe('engine.flushAll empties every database the engine opened, as FLUSHALL does', () => {
  const engineOver = (host: string) => {
    const stores = new Map<number, Store>();
    const engine = createEngine({
      storeFor: (db) => {
        const mock = new RedisMock({ host, db, lazyConnect: true }) as unknown as Store;
        stores.set(db, mock);
        return mock;
      },
    });
    return { engine, stores };
  };

  test('keys in database 0 and in a SELECTed database are gone, TTLs with them', () => {
    const { engine, stores } = engineOver(`flush-${++n}`);
    const conn = engine.connect();
    engine.execute(conn, ['SET', 'a', '1', 'EX', '100']);
    engine.execute(conn, ['SELECT', '3']);
    engine.execute(conn, ['SET', 'b', '2']);
    engine.flushAll();
    for (const store of stores.values()) {
      expect(store.data.keys()).toEqual([]);
      expect(store.expires.has('a')).toBe(false);
    }
    expect(engine.execute(conn, ['DBSIZE'])).toBe(0);
    engine.execute(conn, ['SELECT', '0']);
    expect(engine.execute(conn, ['EXISTS', 'a'])).toBe(0);
  });

  test('a WATCHed key counts as changed', () => {
    const { engine } = engineOver(`flush-${++n}`);
    const conn = engine.connect();
    engine.execute(conn, ['SET', 'w', '1']);
    engine.execute(conn, ['WATCH', 'w']);
    engine.flushAll();
    engine.execute(conn, ['MULTI']);
    engine.execute(conn, ['GET', 'w']);
    expect(engine.execute(conn, ['EXEC'])).toBeNull();
  });

  test('control: without flushAll the keys and the transaction stay', () => {
    const { engine } = engineOver(`flush-${++n}`);
    const conn = engine.connect();
    engine.execute(conn, ['SET', 'w', '1']);
    engine.execute(conn, ['WATCH', 'w']);
    engine.execute(conn, ['MULTI']);
    engine.execute(conn, ['GET', 'w']);
    expect(engine.execute(conn, ['EXEC'])).toEqual(['1']);
  });

  test('a store without clear() is emptied key by key', () => {
    const data = new Map<string, unknown>([
      ['x', '1'],
      ['y', '2'],
    ]);
    const expires = new Map<string, number>([['x', Date.now() + 10_000]]);
    const store: Store = {
      data: {
        get: (k) => data.get(k),
        set: (k, v) => void data.set(k, v),
        has: (k) => data.has(k),
        delete: (k) => void data.delete(k),
        keys: () => [...data.keys()],
      },
      expires: {
        get: (k) => expires.get(k),
        set: (k, at) => void expires.set(k, at),
        has: (k) => expires.has(k),
        delete: (k) => void expires.delete(k),
      },
    };
    createEngine({ storeFor: () => store }).flushAll();
    expect(data.size).toBe(0);
    expect(expires.size).toBe(0);
  });
});

describe(normalizeArgs, () => {
  test.each([
    ['set', ['k', 'v']],
    ['mset', ['a']],
    ['hset', ['h', 'f']],
    ['del', []],
  ])('%s with strings only: the same strings, in a new array', (name, args) => {
    const out = normalizeArgs(name, args);
    expect(out).toEqual(args);
    expect(out).not.toBe(args);
  });

  test.each([
    ['mset', [{ a: 1, b: 'x' }], ['a', '1', 'b', 'x']],
    ['hset', ['h', new Map([['f', 2]])], ['h', 'f', '2']],
    ['rpush', ['l', ['a', 'b'], 3, null], ['l', 'a', 'b', '3', '']],
  ])('%s with other values still flattens and converts them', (name, args, expected) => {
    expect(normalizeArgs(name, args as unknown[])).toEqual(expected);
  });
});

describe(formatReply, () => {
  test.each([
    ['a bulk string', 'v', '"v"'],
    ['a bulk string ending in a newline', 'v\n', '"v\\n"'],
    ['an array', ['a', ['b', null]], '1) "a"\n2) 1) "b"\n   2) (nil)'],
    ['an empty array', [], '(empty array)'],
  ])('%s has no trailing newline and keeps the inner ones', (_name, reply, text) => {
    expect(formatReply(reply as never)).toBe(text);
  });
});
