/**
 * Unordered replies are never more orderly than Redis's: KEYS, SCAN, SMEMBERS, HGETALL on large
 * hashes come back in hash-table order (dict.ts), SCAN pages are uneven and can be empty, while
 * small hashes keep insertion order (listpack) and small integer sets stay sorted (intset).
 * Each "solution that relies on sorted output" is also run against a sorted control, which it
 * passes: the sandbox, not the solution's test, is what makes it fail.
 */
import { describe, expect, test } from 'vitest';
import RedisMock from 'ioredis-mock';
import { withFidelity, type FaithfulRedis } from '../../src/redis/faithful-client.ts';
import { dictOrder, dictScan, nextCursor, tableSize } from '../../src/redis/fidelity/dict.ts';
import { takeKeyspaceSnapshot } from '../../src/runner/keyspace-snapshot.ts';

let n = 0;
const fresh = (): FaithfulRedis => withFidelity(new RedisMock({ host: `order-${++n}` }));
const sorted = (xs: string[]) => [...xs].sort();

async function scanAll(
  r: FaithfulRedis,
  extra: string[] = [],
): Promise<{ keys: string[]; pages: string[][]; cursors: string[] }> {
  const pages: string[][] = [];
  const cursors: string[] = [];
  let cursor = '0';
  do {
    const [next, page] = (await r.call('scan', cursor, ...extra)) as [string, string[]];
    pages.push(page);
    cursors.push(next);
    cursor = next;
  } while (cursor !== '0' && pages.length < 10_000);
  return { keys: pages.flat(), pages, cursors };
}

/** A lesson-3 style solution that forgot to sort: the "first ten users" are SCAN's first page. */
async function firstTenUsers(scan: (cursor: string) => Promise<[string, string[]]>) {
  const [, page] = await scan('0');
  return page.slice(0, 10);
}

describe('the dict simulation', () => {
  test('the cursor walks a table of 8 in reverse-binary order', () => {
    const seen: bigint[] = [0n];
    let c = 0n;
    do {
      c = nextCursor(c, 8);
      seen.push(c);
    } while (c !== 0n);
    expect(seen).toEqual([0n, 4n, 2n, 6n, 1n, 5n, 3n, 7n, 0n]);
  });

  test('tables grow like Redis: 4 buckets, then the next power of two past the fill', () => {
    expect([0, 4, 5, 8, 9, 100].map(tableSize)).toEqual([4, 4, 8, 8, 16, 128]);
  });

  test('a full scan visits every entry exactly once, in neither sorted nor insertion order', () => {
    const entries = Array.from({ length: 300 }, (_, i) => `key:${i}`);
    const got: string[] = [];
    let cursor = 0n;
    do {
      const { next, page } = dictScan(entries, cursor, 10);
      got.push(...page);
      cursor = next;
    } while (cursor !== 0n);
    expect(sorted(got)).toEqual(sorted(entries));
    expect(got).not.toEqual(sorted(entries));
    expect(got).not.toEqual(entries);
    expect(dictOrder(entries)).not.toEqual(sorted(entries));
  });
});

describe('SCAN and KEYS', () => {
  test('SCAN returns every key once, unsorted, in uneven pages', async () => {
    const r = fresh();
    const keys = Array.from({ length: 100 }, (_, i) => `user:${String(i).padStart(3, '0')}`);
    for (const k of keys) await r.call('set', k, '1');
    const { keys: got, pages } = await scanAll(r);
    expect(sorted(got)).toEqual(keys);
    expect(new Set(got).size).toBe(keys.length);
    expect(got).not.toEqual(keys);
    expect(new Set(pages.map((p) => p.length)).size).toBeGreaterThan(1);
  });

  test('MATCH leaves empty pages while the cursor is not 0', async () => {
    const r = fresh();
    for (let i = 0; i < 200; i++) await r.call('set', `k:${i}`, '1');
    await r.call('set', 'needle', '1');
    const { keys, pages, cursors } = await scanAll(r, ['MATCH', 'needle']);
    expect(keys).toEqual(['needle']);
    const emptyWithCursor = pages.filter((p, i) => p.length === 0 && cursors[i] !== '0');
    expect(emptyWithCursor.length).toBeGreaterThan(0);
  });

  test('a solution that relies on sorted SCAN output fails here, and passes on a sorted control', async () => {
    const r = fresh();
    const users = Array.from({ length: 50 }, (_, i) => `user:${String(i).padStart(2, '0')}`);
    for (const u of users) await r.call('set', u, '1');
    const expected = users.slice(0, 10);
    const sandbox = await firstTenUsers(
      (c) => r.call('scan', c, 'COUNT', '10') as Promise<[string, string[]]>,
    );
    expect(sandbox).not.toEqual(expected);
    // Control: the same solution against the sandbox's old, sorted SCAN passes.
    const sortedScan = async (c: string): Promise<[string, string[]]> => {
      const all = sorted(users);
      const at = Number(c);
      return [at + 10 >= all.length ? '0' : String(at + 10), all.slice(at, at + 10)];
    };
    expect(await firstTenUsers(sortedScan)).toEqual(expected);
  });

  test('KEYS comes back in hash order, not sorted and not insertion order', async () => {
    const r = fresh();
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    for (const k of keys) await r.call('set', k, '1');
    const got = (await r.call('keys', '*')) as string[];
    expect(sorted(got)).toEqual(keys);
    expect(got).not.toEqual(keys);
  });
});

describe('collections', () => {
  test('SMEMBERS of strings is hash order; of small integers, ascending (intset)', async () => {
    const r = fresh();
    await r.call('sadd', 's', 'apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape');
    const members = (await r.call('smembers', 's')) as string[];
    expect(members).not.toEqual(sorted(members));
    await r.call('sadd', 'n', '30', '-5', '100', '7');
    expect(await r.call('smembers', 'n')).toEqual(['-5', '7', '30', '100']);
    expect(await r.call('object', 'encoding', 'n')).toBe('intset');
  });

  test('small hashes keep insertion order, integer-like fields included (listpack)', async () => {
    const r = fresh();
    await r.call('hset', 'h', 'z', '1', '10', '2', '2', '3', 'a', '4');
    expect(await r.call('hkeys', 'h')).toEqual(['z', '10', '2', 'a']);
    expect(await r.call('HGETALL', 'h')).toEqual(['z', '1', '10', '2', '2', '3', 'a', '4']);
  });

  test('past 512 fields a hash is in hash order, and stays a hashtable when it shrinks', async () => {
    const r = fresh();
    const fields = Array.from({ length: 600 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    await r.call('hset', 'h', ...fields.flatMap((f) => [f, 'v']));
    const keys = (await r.call('hkeys', 'h')) as string[];
    expect(sorted(keys)).toEqual(fields);
    expect(keys).not.toEqual(fields);
    await r.call('hdel', 'h', ...fields.slice(5));
    expect(await r.call('object', 'encoding', 'h')).toBe('hashtable');
    const [, page] = (await r.call('hscan', 'h', '0', 'COUNT', '100')) as [string, string[]];
    expect(sorted(page.filter((_, i) => i % 2 === 0))).toEqual(fields.slice(0, 5));
  });
});

describe('HSET with fields named like Object.prototype members', () => {
  test('constructor, __proto__ and toString are ordinary fields', async () => {
    const r = fresh();
    expect(await r.call('hset', 'h', 'constructor', 'c', '__proto__', 'p', 'toString', 't')).toBe(
      3,
    );
    expect(await r.call('hget', 'h', '__proto__')).toBe('p');
    expect(await r.call('hget', 'h', 'constructor')).toBe('c');
    expect(await r.call('hlen', 'h')).toBe(3);
    expect(await r.call('HGETALL', 'h')).toEqual([
      'constructor',
      'c',
      '__proto__',
      'p',
      'toString',
      't',
    ]);
    expect(await r.call('hincrby', 'h2', 'constructor', '5')).toBe(5);
    expect(await r.call('hexists', 'h2', '__proto__')).toBe(0);
    expect(Object.entries((await r.hgetall('h')) as Record<string, string>)).toEqual([
      ['constructor', 'c'],
      ['__proto__', 'p'],
      ['toString', 't'],
    ]);
  });

  test('the keyspace snapshot keeps HSET order, integer-like fields included', async () => {
    const mock = new RedisMock({ host: `order-${++n}` });
    await withFidelity(mock).call('hset', 'h', 'z', '1', '10', '2', '2', '3');
    const raw = mock as unknown as Parameters<typeof takeKeyspaceSnapshot>[0];
    expect(takeKeyspaceSnapshot(raw, Date.now()).entries[0].value).toEqual([
      ['z', '1'],
      ['10', '2'],
      ['2', '3'],
    ]);
  });

  test('the keyspace snapshot carries them', async () => {
    const mock = new RedisMock({ host: `order-${++n}` });
    const r = withFidelity(mock);
    await r.call('hset', 'h', '__proto__', 'p', 'constructor', 'c');
    const raw = mock as unknown as Parameters<typeof takeKeyspaceSnapshot>[0];
    const snap = takeKeyspaceSnapshot(raw, Date.now());
    expect(snap.entries[0]).toMatchObject({
      key: 'h',
      type: 'hash',
      value: [
        ['__proto__', 'p'],
        ['constructor', 'c'],
      ],
    });
  });
});
