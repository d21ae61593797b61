import Redis from 'ioredis-mock';
import { describe, expect, it } from 'vitest';
import {
  keyspaceSnapshotSchema,
  snapshotCommands,
  takeKeyspaceSnapshot,
  SNAPSHOT_LIMITS,
  type RawStore,
} from '../../src/runner/keyspace-snapshot.ts';

let n = 0;
const fresh = () => new Redis({ host: `snapshot-test-${n++}` });
const raw = (redis: InstanceType<typeof Redis>) => redis as unknown as RawStore;

describe('takeKeyspaceSnapshot', () => {
  it('copies every type with its raw value and remaining TTL', async () => {
    const redis = fresh();
    await redis.set('s', '{"id":42}');
    await redis.hset('h', 'name', 'Ada', 'role', 'admin');
    await redis.rpush('l', 'a', 'b');
    await redis.sadd('st', 'x');
    await redis.zadd('z', 1, 'one', 2.5, 'two');
    await redis.set('ttl', 'v', 'PX', 5000);
    const now = Date.now();
    const snapshot = takeKeyspaceSnapshot(raw(redis), now);
    expect(keyspaceSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.omittedKeys).toBe(0);
    const byKey = Object.fromEntries(snapshot.entries.map((e) => [e.key, e]));
    expect(byKey.s).toEqual({ key: 's', type: 'string', value: '{"id":42}', ttlMs: null });
    expect(byKey.h).toMatchObject({
      type: 'hash',
      value: [
        ['name', 'Ada'],
        ['role', 'admin'],
      ],
    });
    expect(byKey.l).toMatchObject({ type: 'list', value: ['a', 'b'] });
    expect(byKey.st).toMatchObject({ type: 'set', value: ['x'] });
    expect(byKey.z).toMatchObject({
      type: 'zset',
      value: [
        ['one', '1'],
        ['two', '2.5'],
      ],
    });
    expect(byKey.ttl.ttlMs).toBeGreaterThan(4900);
    expect(byKey.ttl.ttlMs).toBeLessThanOrEqual(5000);
  });

  it('writes infinite scores as redis-cli spells them', () => {
    const zset = new Map([
      ['top', { score: Infinity, value: 'top' }],
      ['bottom', { score: -Infinity, value: 'bottom' }],
    ]);
    const store: RawStore = { data: new Map([['z', zset]]), expires: new Map() };
    expect(takeKeyspaceSnapshot(store, 0).entries[0]).toMatchObject({
      value: [
        ['top', 'inf'],
        ['bottom', '-inf'],
      ],
    });
  });

  it('skips keys whose time ran out on the check clock', async () => {
    const redis = fresh();
    await redis.set('otp', '1234', 'EX', 60);
    await redis.set('keep', 'v');
    const snapshot = takeKeyspaceSnapshot(raw(redis), Date.now() + 61_000);
    expect(snapshot.entries.map((e) => e.key)).toEqual(['keep']);
  });

  it('caps the number of keys and counts the rest', async () => {
    const redis = fresh();
    const pairs: string[] = [];
    for (let i = 0; i < SNAPSHOT_LIMITS.keys + 5; i++) pairs.push(`k${i}`, 'v');
    await redis.mset(...pairs);
    const snapshot = takeKeyspaceSnapshot(raw(redis), Date.now());
    expect(snapshot.entries).toHaveLength(SNAPSHOT_LIMITS.keys);
    expect(snapshot.omittedKeys).toBe(5);
  });
});

describe('takeKeyspaceSnapshot size cap', () => {
  it('leaves out keys once the snapshot would grow past its size budget', async () => {
    const redis = fresh();
    const big = 'x'.repeat(SNAPSHOT_LIMITS.stringChars);
    const count = Math.ceil(SNAPSHOT_LIMITS.totalChars / big.length) + 3;
    for (let i = 0; i < count; i++) await redis.set(`big:${i}`, big);
    await redis.set('small', 'v');
    const snapshot = takeKeyspaceSnapshot(raw(redis), Date.now());
    const chars = snapshot.entries.reduce((n, e) => n + e.key.length + String(e.value).length, 0);
    expect(chars).toBeLessThanOrEqual(SNAPSHOT_LIMITS.totalChars);
    expect(snapshot.omittedKeys).toBeGreaterThanOrEqual(3);
    expect(snapshot.entries.map((e) => e.key)).toContain('small');
  });
});

describe('snapshotCommands', () => {
  it('recreates the same store in an empty one', async () => {
    const source = fresh();
    await source.set('s', 'hello');
    await source.hset('h', 'f', '1');
    await source.rpush('l', 'a', 'b', 'c');
    await source.sadd('st', 'x', 'y');
    await source.zadd('z', 3, 'c', 1, 'a');
    await source.set('e', 'v', 'EX', 100);
    const now = Date.now();
    const snapshot = takeKeyspaceSnapshot(raw(source), now);

    const target = fresh();
    for (const [name, ...args] of snapshotCommands(snapshot)) {
      const method = (target as unknown as Record<string, (...a: string[]) => Promise<unknown>>)[
        name.toLowerCase()
      ];
      await method.apply(target, args);
    }
    const copy = takeKeyspaceSnapshot(raw(target), now);
    expect(
      copy.entries.map(({ ttlMs, ...rest }) => ({ ...rest, expires: ttlMs !== null })),
    ).toEqual(snapshot.entries.map(({ ttlMs, ...rest }) => ({ ...rest, expires: ttlMs !== null })));
    expect(await target.pttl('e')).toBeGreaterThan(99_000);
  });
});
