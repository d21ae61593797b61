/**
 * DUMP/RESTORE in the engine, without a server: the footer checks, TTLs on the engine's clock,
 * and hostile payloads. Every hostile payload carries a valid footer (version and CRC-64), so it
 * reaches the parser; each gets Redis's `ERR Bad data format` quickly and without allocating what
 * it claims, and each has a control (the same payload without the trick) that RESTOREs fine.
 * The byte-for-byte comparisons with redis-server are in tests/redis-server/dump.test.ts.
 */
import { describe, expect, test } from 'vitest';
import RedisMock from 'ioredis-mock';
import {
  FaithfulClient,
  type FaithfulRedis,
  type MockLike,
} from '../../src/redis/faithful-client.ts';
import { createEngine } from '../../src/redis/fidelity/engine.ts';
import { crc64 } from '../../src/redis/fidelity/crc64.ts';
import { lzfCompress, lzfDecompress } from '../../src/redis/fidelity/lzf.ts';
import { decodeListpack, encodeListpack } from '../../src/redis/fidelity/listpack.ts';
import { ReplyError } from '../../src/redis/reply-error.ts';
import { oneCheck, run } from '../runner/harness.ts';

let store = 0;

function setup(start = Date.now()) {
  let time = start;
  const mock = new RedisMock({ host: `dump-unit-${++store}` }) as unknown as MockLike;
  const engine = createEngine({ now: () => time, storeFor: () => mock });
  const conn = engine.connect();
  const exec = (...argv: (string | Uint8Array)[]) => {
    const reply = engine.execute(conn, argv);
    return reply instanceof ReplyError ? `ERR:${reply.message}` : reply;
  };
  const client = new FaithfulClient(engine, mock) as FaithfulRedis;
  return { exec, client, advance: (ms: number) => (time += ms), now: () => time };
}

const enc = (s: string) => new TextEncoder().encode(s);

/** `body` (type byte and object) with the version-10 footer and a correct CRC-64. */
function payload(body: number[] | Uint8Array): Uint8Array {
  const withVersion = Uint8Array.from([...body, 10, 0]);
  const out = new Uint8Array(withVersion.length + 8);
  out.set(withVersion);
  out.set(crc64(withVersion), withVersion.length);
  return out;
}

/** A ziplist around raw entries (prevlen, encoding, data each), its tail offset moved by `skew`. */
function ziplist(entries: number[][], skew = 0): number[] {
  const size = 11 + entries.reduce((n, e) => n + e.length, 0);
  const tail = 10 + entries.slice(0, -1).reduce((n, e) => n + e.length, 0) + skew;
  const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  return [...u32(size), ...u32(tail), entries.length, 0, ...entries.flat(), 0xff];
}

/** rdbSaveLen. */
function len(n: number): number[] {
  if (n < 64) return [n];
  if (n < 16384) return [0x40 | (n >> 8), n & 0xff];
  return [0x80, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function str(bytes: Uint8Array | number[]): number[] {
  return [...len(bytes.length), ...bytes];
}

describe('CRC-64 and LZF', () => {
  test('crc64 is CRC-64/Jones: the check value of "123456789" is 0xe9c6d914c4b8d9ca', () => {
    expect(
      Buffer.from(crc64(enc('123456789')))
        .reverse()
        .toString('hex'),
    ).toBe('e9c6d914c4b8d9ca');
  });

  test('lzf compresses as Redis does and refuses when it would not save 4 bytes', () => {
    // Bytes of `SET k <100 x "a">` then DUMP k on redis-server 7.0.15 (compressed part).
    expect(Buffer.from(lzfCompress(enc('a'.repeat(100)), 96)!).toString('hex')).toBe(
      '016161e05700016161',
    );
    expect(lzfCompress(enc('abcdefghijklmnopqrstu'), 17)).toBeNull();
    const text = enc('the quick brown fox jumps over the lazy dog; '.repeat(40));
    expect(lzfDecompress(lzfCompress(text, text.length - 4)!, text.length)).toEqual(text);
  });

  test('lzfDecompress refuses back references before the start and runs past either end', () => {
    expect(lzfDecompress(Uint8Array.from([0x20, 0x05]), 4)).toBeNull();
    expect(lzfDecompress(Uint8Array.from([0x05, 0x61]), 6)).toBeNull();
    expect(lzfDecompress(Uint8Array.from([0x01, 0x61, 0x61]), 1)).toBeNull();
    // Control: the same literal run with a matching length decodes.
    expect(lzfDecompress(Uint8Array.from([0x01, 0x61, 0x61]), 2)).toEqual(enc('aa'));
  });
});

describe('RESTORE on the engine', () => {
  test('round-trips every type and keeps TTLs on the engine clock, ABSTTL in the past deletes', () => {
    const { exec, advance, now } = setup();
    exec('set', 's', 'v');
    exec('rpush', 'l', 'a', '1');
    exec('sadd', 'i', '1', '2');
    exec('hset', 'h', 'f', 'v');
    exec('zadd', 'z', '1.5', 'm');
    exec('xadd', 'x', '1-1', 'f', 'v');
    for (const key of ['s', 'l', 'i', 'h', 'z', 'x']) {
      const dumped = exec('dump', key) as Uint8Array;
      expect(exec('restore', `${key}2`, '0', dumped)).toEqual({ text: 'OK' });
      expect(exec('dump', `${key}2`)).toEqual(dumped);
    }
    const dumped = exec('dump', 's') as Uint8Array;
    expect(exec('restore', 't', '5000', dumped)).toEqual({ text: 'OK' });
    expect(exec('pttl', 't')).toBe(5000);
    expect(exec('restore', 'a', String(now() + 2000), dumped, 'ABSTTL')).toEqual({ text: 'OK' });
    expect(exec('pttl', 'a')).toBe(2000);
    expect(exec('restore', 's', String(now() - 1), dumped, 'ABSTTL', 'REPLACE')).toEqual({
      text: 'OK',
    });
    expect(exec('exists', 's')).toBe(0);
    expect(exec('restore', 'old', '0', dumped, 'IDLETIME', '120')).toEqual({ text: 'OK' });
    expect(exec('object', 'idletime', 'old')).toBe(120);
    advance(3000);
    expect(exec('exists', 't')).toBe(1);
    expect(exec('restore', 't', '0', dumped)).toBe('ERR:BUSYKEY Target key name already exists.');
  });

  test('the footer: a flipped bit, a newer RDB version or a short payload is refused', () => {
    const { exec } = setup();
    exec('set', 's', 'value');
    const good = exec('dump', 's') as Uint8Array;
    expect(exec('restore', 'k', '0', good)).toEqual({ text: 'OK' });
    const flipped = Uint8Array.from(good);
    flipped[3] ^= 0x10;
    const newer = Uint8Array.from(good);
    newer[newer.length - 10] = 11;
    for (const bad of [flipped, newer, good.subarray(0, 9), good.subarray(0, good.length - 1)])
      expect(exec('restore', 'k2', '0', bad), Buffer.from(bad).toString('hex')).toBe(
        'ERR:ERR DUMP payload version or checksum are wrong',
      );
  });

  const hostile: [string, number[] | Uint8Array, number[] | Uint8Array][] = [
    ['a string claiming 2^32-1 bytes', [0, 0x80, 0xff, 0xff, 0xff, 0xff, 0x61], [0, 1, 0x61]],
    [
      'a string claiming 2^64-1 bytes',
      [0, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x61],
      [0, 0x81, 0, 0, 0, 0, 0, 0, 0, 1, 0x61],
    ],
    ['a set claiming 2^32-1 members', [2, 0x80, 0xff, 0xff, 0xff, 0xff, 1, 0x61], [2, 1, 1, 0x61]],
    [
      'an LZF string claiming a 4 GB expansion',
      [0, 0xc3, 3, 0x80, 0xff, 0xff, 0xff, 0xff, 0x01, 0x61, 0x61],
      [0, 0xc3, 3, 2, 0x01, 0x61, 0x61],
    ],
    // RDB reads run on into the 10 footer bytes (Redis reads them too), so 13 is past the end.
    ['a truncated string', [0, 13, 0x61, 0x62], [0, 2, 0x61, 0x62]],
    ['an unknown string encoding', [0, 0xc5, 1], [0, 0xc0, 1]],
    ['an unknown object type', [8, 1, 0x61], [0, 1, 0x61]],
    ['an empty set', [2, 0], [2, 1, 1, 0x61]],
    ['a set with a duplicate member', [2, 2, 1, 0x61, 1, 0x61], [2, 2, 1, 0x61, 1, 0x62]],
    [
      'a hash with a duplicate field',
      [4, 2, ...str(enc('f')), ...str(enc('1')), ...str(enc('f')), ...str(enc('2'))],
      [4, 2, ...str(enc('f')), ...str(enc('1')), ...str(enc('g')), ...str(enc('2'))],
    ],
    [
      'an intset whose size does not match its count',
      [11, ...str([2, 0, 0, 0, 9, 0, 0, 0, 1, 0])],
      [11, ...str([2, 0, 0, 0, 1, 0, 0, 0, 1, 0])],
    ],
    [
      'an intset out of order',
      [11, ...str([2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, 0])],
      [11, ...str([2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0])],
    ],
    [
      'a zset with a NaN score',
      [5, 1, ...str(enc('m')), 0, 0, 0, 0, 0, 0, 0xf8, 0x7f],
      [5, 1, ...str(enc('m')), 0, 0, 0, 0, 0, 0, 0xf8, 0x3f],
    ],
  ];

  /** A listpack hash of one pair, then corrupted by `corrupt`. */
  function listpackHash(corrupt: (lp: Uint8Array) => void): number[] {
    const lp = encodeListpack([enc('field'), 12n]);
    corrupt(lp);
    return [16, ...str(lp)];
  }
  hostile.push(
    [
      'a listpack whose backlen is wrong',
      listpackHash((lp) => (lp[6 + 6] = 9)),
      listpackHash(() => {}),
    ],
    [
      'a listpack whose header size lies',
      listpackHash((lp) => (lp[0] += 1)),
      listpackHash(() => {}),
    ],
    [
      'a listpack whose string runs past its end',
      listpackHash((lp) => (lp[6] = 0x80 | 60)),
      listpackHash(() => {}),
    ],
    [
      'a listpack with an odd number of hash elements',
      [16, ...str(encodeListpack([enc('field'), 12n, enc('x')]))],
      [16, ...str(encodeListpack([enc('field'), 12n, enc('x'), 1n]))],
    ],
    [
      'a listpack that claims 2^32 bytes of string',
      listpackHash((lp) => lp.set([0xf0, 0xff, 0xff, 0xff, 0xff], 6)),
      listpackHash(() => {}),
    ],
    [
      'a listpack sorted set out of order',
      [17, ...str(encodeListpack([enc('b'), 2n, enc('a'), 1n]))],
      [17, ...str(encodeListpack([enc('a'), 1n, enc('b'), 2n]))],
    ],
    [
      'a ziplist whose prevlen is wrong',
      [
        10,
        ...str(
          ziplist([
            [0, 0x01, 0x61],
            [9, 0x01, 0x62],
          ]),
        ),
      ],
      [
        10,
        ...str(
          ziplist([
            [0, 0x01, 0x61],
            [3, 0x01, 0x62],
          ]),
        ),
      ],
    ],
    [
      'a ziplist whose tail offset is wrong',
      [
        10,
        ...str(
          ziplist(
            [
              [0, 0x01, 0x61],
              [3, 0x01, 0x62],
            ],
            1,
          ),
        ),
      ],
      [
        10,
        ...str(
          ziplist([
            [0, 0x01, 0x61],
            [3, 0x01, 0x62],
          ]),
        ),
      ],
    ],
    [
      'a ziplist with an unknown encoding',
      [10, ...str(ziplist([[0, 0xc5, 1]]))],
      [10, ...str(ziplist([[0, 0xc0, 1, 0]]))],
    ],
    [
      'a quicklist with an unknown container',
      [18, 1, 3, ...str(encodeListpack([1n]))],
      [18, 1, 2, ...str(encodeListpack([1n]))],
    ],
    [
      'a stream node whose lp-count lies',
      [
        19,
        1,
        ...str([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]),
        ...str(encodeListpack([1n, 0n, 1n, enc('f'), 0n, 2n, 0n, 0n, enc('v'), 9n])),
        1,
        1,
        1,
        1,
        1,
        0,
        0,
        1,
        0,
      ],
      [
        19,
        1,
        ...str([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]),
        ...str(encodeListpack([1n, 0n, 1n, enc('f'), 0n, 2n, 0n, 0n, enc('v'), 4n])),
        1,
        1,
        1,
        1,
        1,
        0,
        0,
        1,
        0,
      ],
    ],
    [
      'a consumer owning an entry its group has not delivered',
      [
        19,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        ...str(enc('g')),
        0,
        0,
        0,
        0,
        1,
        ...str(enc('c')),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        ...new Array(16).fill(0),
      ],
      [
        19,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        ...str(enc('g')),
        0,
        0,
        0,
        0,
        1,
        ...str(enc('c')),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
      ],
    ],
  );

  test.each(hostile)('%s: Bad data format, and the control restores', (_name, bad, control) => {
    const { exec } = setup();
    const started = performance.now();
    expect(exec('restore', 'bad', '0', payload(bad))).toBe('ERR:ERR Bad data format');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(exec('exists', 'bad')).toBe(0);
    expect(exec('restore', 'good', '0', payload(control))).toEqual({ text: 'OK' });
  });

  test('a zipmap hash (Redis 2.4) gets a clear refusal, not Bad data format', () => {
    const { exec } = setup();
    expect(exec('restore', 'k', '0', payload([9, 0]))).toBe(
      "ERR:ERR cachelab's sandbox does not RESTORE payloads older than Redis 7.0 (zipmap hash)",
    );
  });

  test('LZF bombs stop at 64 MB of decoded strings', { timeout: 60_000 }, () => {
    const { exec } = setup();
    // Two letters, then back references of 262 bytes each: 3 KB that expand to
    // 256 KB, in a set of 300 distinct members.
    const refs = Array.from({ length: 1000 }, () => [0xe0, 0xfd, 0x00]).flat();
    const out = 2 + 1000 * 262;
    const memberOf = (i: number) => {
      const chunk = [0x01, 0x41 + (i % 26), 0x41 + Math.floor(i / 26), ...refs];
      return [0xc3, ...len(chunk.length), ...len(out), ...chunk];
    };
    const member = memberOf(0);
    const members = 300;
    const body = [2, ...len(members)];
    for (let i = 0; i < members; i++) body.push(...memberOf(i));
    const bomb = payload(body);
    const started = performance.now();
    const reply = exec('restore', 'bomb', '0', bomb);
    expect(reply).toBe("ERR:ERR cachelab's sandbox does not RESTORE values over 64 MB");
    expect(performance.now() - started).toBeLessThan(10_000);
    // Control: one such member decodes.
    expect(exec('restore', 'one', '0', payload([2, 1, ...member]))).toEqual({ text: 'OK' });
  });

  test('decodeListpack reads what encodeListpack writes, for every integer width', () => {
    const entries = [
      0n,
      127n,
      128n,
      -4096n,
      4095n,
      -32768n,
      32767n,
      8388607n,
      -8388608n,
      2147483647n,
      -(2n ** 63n),
      enc('x'.repeat(5000)),
    ];
    expect(decodeListpack(encodeListpack(entries))).toEqual(entries);
  });
});

describe('RESTORE under fuzzing', () => {
  /** mulberry32, so a failing mutation can be replayed from its seed. */
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  test('4,000 mutated payloads with valid footers: each is OK or an error reply, never a throw', () => {
    const { exec } = setup();
    exec('set', 'int', '-70000');
    exec('set', 'lzf', 'fuzz '.repeat(30));
    exec('rpush', 'list', 'a', '12', 'x'.repeat(70), '-5000', '99999999999');
    exec('sadd', 'intset', '1', '-40000', '7');
    exec('sadd', 'set', ...Array.from({ length: 20 }, (_, i) => `m${i}`), 'x');
    exec('hset', 'hash', 'f', 'v', 'n', '1');
    exec('hset', 'bighash', 'long', 'v'.repeat(80), 'f', '1');
    exec('zadd', 'zset', '1', 'a', '2.5', 'b');
    exec('zadd', 'skiplist', '1', 'a'.repeat(80), '2', 'b');
    exec('xadd', 'stream', '1-1', 'f', 'v', 'g', 'w');
    exec('xadd', 'stream', '2-1', 'f', 'v', 'g', 'w');
    exec('xadd', 'stream', '3-1', 'h', 'x');
    exec('xgroup', 'create', 'stream', 'grp', '0');
    exec('xreadgroup', 'group', 'grp', 'alice', 'streams', 'stream', '>');
    const keys = [
      'int',
      'lzf',
      'list',
      'intset',
      'set',
      'hash',
      'bighash',
      'zset',
      'skiplist',
      'stream',
    ];
    const bodies = keys.map((k) => {
      const dumped = exec('dump', k) as Uint8Array;
      return dumped.subarray(0, dumped.length - 10);
    });
    const rand = prng(2026);
    const outcomes = { ok: 0, badFormat: 0, other: 0 };
    const started = performance.now();
    for (let i = 0; i < 4000; i++) {
      const body = Array.from(bodies[i % bodies.length]);
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * body.length);
        const kind = rand();
        if (kind < 0.6) body[at] = Math.floor(rand() * 256);
        else if (kind < 0.8) body.splice(at, 1);
        else if (kind < 0.9) body.splice(at, 0, Math.floor(rand() * 256));
        else body.length = at;
      }
      let reply: unknown;
      expect(
        () => (reply = exec('restore', `k${i}`, '0', payload(body))),
        `mutation ${i}`,
      ).not.toThrow();
      if (typeof reply === 'object' && reply !== null && 'text' in reply) outcomes.ok++;
      else if (reply === 'ERR:ERR Bad data format') outcomes.badFormat++;
      else outcomes.other++;
    }
    // Bounded: 4,000 hostile payloads in well under the sandbox's run budget.
    expect(performance.now() - started).toBeLessThan(20_000);
    // Control: the mutations do reach the parser both ways (some survive, most are refused).
    expect(outcomes.ok).toBeGreaterThan(100);
    expect(outcomes.badFormat).toBeGreaterThan(1000);
  }, 60_000);
});

test('dumpBuffer reaches learner code as a plain Uint8Array that RESTOREs', async () => {
  let seen: unknown;
  const report = await run(
    `export async function probe(redis: any) {
      await redis.set('k', 'hello');
      const bytes = await redis.dumpBuffer('k');
      await redis.restore('k2', 0, bytes);
      return [Object.getPrototypeOf(bytes) === Uint8Array.prototype, bytes.length, await redis.get('k2')];
    }`,
    oneCheck(async ({ learner, client }) => {
      seen = await learner.probe(client);
    }),
  );
  expect(report.checks[0]?.passed, report.error?.message).toBe(true);
  expect(seen).toEqual([true, 17, 'hello']);
});

test('the faithful client RESTOREs what it DUMPs', async () => {
  const { client } = setup();
  await client.rpush('l', 'a', 'b');
  const bytes = await client.dumpBuffer('l');
  expect(await client.restore('l2', 0, bytes)).toBe('OK');
  expect(await client.lrange('l2', 0, -1)).toEqual(['a', 'b']);
});
