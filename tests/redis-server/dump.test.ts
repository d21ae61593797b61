/**
 * DUMP/RESTORE against redis-server 7.0.15, byte for byte where Redis's bytes are deterministic:
 * - every deterministic encoding (int/raw/LZF strings, quicklist nodes, intsets of each width,
 *   listpack hashes and sorted sets, streams with consumer groups) DUMPs to the server's bytes;
 * - payloads the server DUMPs from seeded random values, in every encoding including hashtable,
 *   skiplist and consumer groups with PELs, RESTORE into the sandbox to the same value, and the
 *   sandbox's payloads RESTORE into the server;
 * - RESTORE's errors and TTL rules answer as the server does.
 * Compared through `callBuffer`, never text: invalid UTF-8 would turn into U+FFFD on both sides.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import { withFidelity, type FaithfulRedis } from '../../src/redis/faithful-client.ts';
import { crc64 } from '../../src/redis/fidelity/crc64.ts';
import { encodeListpack } from '../../src/redis/fidelity/listpack.ts';

const enc = (s: string) => new TextEncoder().encode(s);

const REDIS_URL = process.env.REDIS_URL;

type Client = Redis | FaithfulRedis;

/** mulberry32: a small seeded PRNG, so a failing case can be replayed. */
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

function hex(value: unknown): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : String(value);
}

async function call(client: Client, argv: (string | Buffer)[]): Promise<unknown> {
  const [name, ...args] = argv;
  return client
    .callBuffer(String(name), ...(args as string[]))
    .catch((e: Error) => `ERR:${e.message}`);
}

/** A value's observable content, in an order-independent form where Redis's order is a dict's. */
async function snapshot(client: Client, key: string): Promise<string> {
  const type = String(await client.call('type', key));
  const reads: Record<string, string[][]> = {
    none: [],
    string: [['get', key]],
    list: [['lrange', key, '0', '-1']],
    set: [['smembers', key]],
    hash: [['hgetall', key]],
    zset: [['zrange', key, '0', '-1', 'withscores']],
    stream: [
      ['xrange', key, '-', '+'],
      ['xinfo', 'stream', key, 'full'],
    ],
  };
  const out: unknown[] = [type, await client.call('object', 'encoding', key).catch(() => null)];
  for (const argv of reads[type]) {
    let reply = await client.call(argv[0], ...argv.slice(1));
    if (type === 'set' && Array.isArray(reply)) reply = [...reply].sort();
    if (type === 'hash' && reply && typeof reply === 'object')
      reply = Object.entries(reply).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.push(reply);
  }
  return JSON.stringify(out);
}

/** Deterministic setups: each builds `key` the same way on both sides. */
const DETERMINISTIC: { name: string; key: string; argv: string[][] }[] = [
  { name: 'int8 string', key: 's', argv: [['set', 's', '-12']] },
  { name: 'int16 string', key: 's', argv: [['set', 's', '-300']] },
  { name: 'int32 string', key: 's', argv: [['set', 's', '2147483647']] },
  { name: 'int64 string (raw digits)', key: 's', argv: [['set', 's', '-9223372036854775808']] },
  { name: 'not-quite-integer strings', key: 's', argv: [['set', 's', '007']] },
  { name: 'short raw string', key: 's', argv: [['set', 's', 'hello world']] },
  { name: 'LZF string', key: 's', argv: [['set', 's', 'abcabcabcabcabcabcabcabcabcabc-xyz']] },
  { name: 'incompressible 21 bytes', key: 's', argv: [['set', 's', 'abcdefghijklmnopqrstu']] },
  { name: 'long repetitive string', key: 's', argv: [['set', 's', 'redis '.repeat(3000)]] },
  {
    name: 'string built by APPEND',
    key: 's',
    argv: [
      ['set', 's', '12'],
      ['append', 's', '34'],
    ],
  },
  {
    name: 'small list with every listpack integer width',
    key: 'l',
    argv: [
      [
        'rpush',
        'l',
        '0',
        '127',
        '128',
        '-4096',
        '4095',
        '-32768',
        '32767',
        '8388607',
        '-8388608',
        '2147483647',
        '-2147483649',
        '9223372036854775807',
        'x'.repeat(63),
        'y'.repeat(64),
        'z'.repeat(4096),
        '-0',
        '01',
      ],
    ],
  },
  {
    name: 'list of many quicklist nodes',
    key: 'l',
    argv: [['rpush', 'l', ...Array.from({ length: 3000 }, (_, i) => `item:${i * 7}`)]],
  },
  {
    name: 'list with elements larger than a node',
    key: 'l',
    argv: [['rpush', 'l', 'a', 'b'.repeat(9000), 'c', 'd'.repeat(8192), 'e']],
  },
  { name: 'intset int16', key: 'i', argv: [['sadd', 'i', '3', '-1', '2', '32767']] },
  { name: 'intset int32', key: 'i', argv: [['sadd', 'i', '1', '70000', '-5']] },
  { name: 'intset int64', key: 'i', argv: [['sadd', 'i', '1', '-9223372036854775808']] },
  {
    name: 'intset compressed',
    key: 'i',
    argv: [['sadd', 'i', ...Array.from({ length: 300 }, (_, i) => String(i))]],
  },
  {
    name: 'listpack hash',
    key: 'h',
    argv: [
      ['hset', 'h', 'name', 'ada', 'n', '42', '7', 'seven', 'long', 'v'.repeat(64)],
      ['hset', 'h', 'n', '-1'],
      ['hdel', 'h', '7'],
    ],
  },
  {
    name: 'listpack hash of 300 fields (hash-max-listpack-entries is 512)',
    key: 'h',
    argv: [
      ['hset', 'h', ...Array.from({ length: 300 }, (_, i) => [`f${i}`, String(i * 3)]).flat()],
    ],
  },
  {
    name: 'listpack sorted set',
    key: 'z',
    argv: [
      ['zadd', 'z', '1', 'a', '1.5', 'b', '-2', 'c', '1e100', 'd', 'inf', 'e', '-inf', 'f'],
      ['zadd', 'z', '0.1', '12', '3', 'g', '-0', 'h', '4503599627370496', 'big'],
    ],
  },
  {
    name: 'stream with deletions and trimming',
    key: 'x',
    argv: [
      ['xadd', 'x', '1-1', 'a', '1', 'b', '2'],
      ['xadd', 'x', '1-2', 'a', '3', 'b', '4'],
      ['xadd', 'x', '2-0', 'c', '5'],
      ['xadd', 'x', '3-0', 'a', 'x'.repeat(40), 'b', '-7'],
      ['xdel', 'x', '1-2'],
      ['xtrim', 'x', 'minid', '1-2'],
    ],
  },
  {
    name: 'stream of several nodes',
    key: 'x',
    argv: Array.from({ length: 250 }, (_, i) => ['xadd', 'x', `${i + 1}-${i % 3}`, 'f', `v${i}`]),
  },
  {
    name: 'stream with consumer groups but no deliveries',
    key: 'x',
    argv: [
      ['xadd', 'x', '5-5', 'k', 'v'],
      ['xgroup', 'create', 'x', 'g2', '0', 'entriesread', '0'],
      ['xgroup', 'create', 'x', 'g1', '$'],
      ['xgroup', 'create', 'x', 'a-group', '1-1'],
      ['xsetid', 'x', '9-9', 'entriesadded', '12', 'maxdeletedid', '4-0'],
    ],
  },
  {
    name: 'empty stream',
    key: 'x',
    argv: [
      ['xadd', 'x', '1-1', 'k', 'v'],
      ['xdel', 'x', '1-1'],
    ],
  },
];

/** Encodings whose bytes do not depend on Redis's hash seed or on a clock. */
const DETERMINISTIC_ENCODINGS = ['int', 'embstr', 'raw', 'quicklist', 'intset', 'listpack'];

describe.runIf(REDIS_URL)('DUMP and RESTORE against a real redis-server', () => {
  let real: Redis;
  let sandbox: FaithfulRedis;

  beforeAll(async () => {
    real = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await real.connect();
    sandbox = withFidelity(new RedisMock({ host: `dump-${Date.now()}` }));
  });

  afterAll(async () => {
    await real?.flushall();
    real?.disconnect();
  });

  async function fresh(): Promise<void> {
    await real.flushall();
    await sandbox.call('flushall');
  }

  for (const setup of DETERMINISTIC)
    test(`DUMP of a ${setup.name} has redis-server's bytes`, async () => {
      await fresh();
      for (const argv of setup.argv) {
        const a = await call(real, argv);
        const b = await call(sandbox, argv);
        expect(hex(b), argv.join(' ').slice(0, 60)).toBe(hex(a));
      }
      const expected = await real.dumpBuffer(setup.key);
      const actual = await sandbox.dumpBuffer(setup.key);
      expect(actual).toBeInstanceOf(Uint8Array);
      expect(hex(actual)).toBe(hex(expected));
      // The server's own payload RESTOREs into the sandbox as the same value.
      await sandbox.call('restore', 'copy', '0', expected as unknown as string);
      expect(hex(await sandbox.dumpBuffer('copy'))).toBe(hex(expected));
    });

  /** A random value of a random type (and encoding), written by the same commands on both. */
  function randomSetup(rand: () => number, key: string): string[][] {
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const size = pick([1, 3, 20, 129, 600]);
    const element = (i: number) =>
      pick([
        () => String(Math.floor(rand() * 2 ** 40) - 2 ** 39),
        () => String(i),
        () => `m${i}`,
        () => 'é'.repeat(1 + Math.floor(rand() * 40)) + i,
        () => `w${i}-`.repeat(1 + Math.floor(rand() * 30)),
      ])();
    const n = Array.from({ length: size }, (_, i) => i);
    switch (pick(['string', 'list', 'set', 'hash', 'zset', 'stream'])) {
      case 'string':
        return [['set', key, element(size)]];
      case 'list':
        return [['rpush', key, ...n.map(element)]];
      case 'set':
        return [['sadd', key, ...n.map(element)]];
      case 'hash':
        return [['hset', key, ...n.flatMap((i) => [`f${i}`, element(i)])]];
      case 'zset':
        return [
          ['zadd', key, ...n.flatMap((i) => [String(Math.round(rand() * 1e4) / 8), element(i)])],
        ];
      default: {
        const out = n.map((i) => [
          'xadd',
          key,
          `${i + 1}-0`,
          'f',
          element(i),
          ...(i % 4 ? [] : ['g', 'h']),
        ]);
        out.push(['xgroup', 'create', key, 'grp', '0']);
        out.push(['xreadgroup', 'group', 'grp', 'alice', 'count', '3', 'streams', key, '>']);
        out.push(['xreadgroup', 'group', 'grp', 'bob', 'count', '2', 'streams', key, '>']);
        out.push(['xack', key, 'grp', '1-0']);
        return out;
      }
    }
  }

  test('payloads redis-server DUMPs from 80 random values RESTORE to the same values, and back', async () => {
    const rand = prng(13);
    let exact = 0;
    for (let round = 0; round < 80; round++) {
      await fresh();
      const setup = randomSetup(rand, 'k');
      for (const argv of setup) await call(real, argv);
      const payload = await real.dumpBuffer('k');
      expect(await sandbox.call('restore', 'k', '0', payload as unknown as string)).toBe('OK');
      const expected = await snapshot(real, 'k');
      // Idle times and seen times in XINFO FULL depend on each side's clock.
      const clockless = (s: string) => s.replace(/"(seen-time|delivery-time)",\d+/g, '"$1",0');
      expect(clockless(await snapshot(sandbox, 'k')), `round ${round}`).toBe(clockless(expected));
      // The sandbox's own DUMP of it RESTOREs on the server to the same value.
      const back = await sandbox.dumpBuffer('k');
      await real.call('restore', 'back', '0', back as unknown as string);
      expect(clockless(await snapshot(real, 'back')), `round ${round} back`).toBe(
        clockless(expected),
      );
      // Built by the same commands, a value in a deterministic encoding DUMPs to the same bytes.
      const encoding = String(await real.call('object', 'encoding', 'k'));
      if (DETERMINISTIC_ENCODINGS.includes(encoding)) {
        for (const argv of setup) await call(sandbox, [argv[0], 'built', ...argv.slice(2)]);
        expect(hex(await sandbox.dumpBuffer('built')), `round ${round} bytes`).toBe(hex(payload));
        exact++;
      }
    }
    // The seed must keep exercising both kinds of value.
    expect(exact).toBeGreaterThan(20);
  });

  /** A payload with a valid footer around `body` (an object type byte and its data). */
  function payload(body: number[]): Buffer {
    const withVersion = Uint8Array.from([...body, 10, 0]);
    return Buffer.concat([withVersion, crc64(withVersion)]);
  }

  /** A version-9 payload (what Redis 6 DUMPs) around `body`. */
  function payload9(body: number[]): Buffer {
    const withVersion = Uint8Array.from([...body, 9, 0]);
    return Buffer.concat([withVersion, crc64(withVersion)]);
  }

  /** A ziplist of short strings and small integers, as Redis 6 writes one. */
  function ziplist(items: (string | number)[]): number[] {
    const entries: number[][] = [];
    let prev = 0;
    for (const item of items) {
      let body: number[];
      if (typeof item === 'number' && item >= 0 && item <= 12) body = [0xf1 + item];
      else if (typeof item === 'number') body = [0xfe, item & 0xff];
      else body = [item.length, ...Buffer.from(item)];
      entries.push([prev, ...body]);
      prev = 1 + body.length;
    }
    const size = 11 + entries.reduce((n, e) => n + e.length, 0);
    const tail = 10 + entries.slice(0, -1).reduce((n, e) => n + e.length, 0);
    const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
    return [
      ...u32(size),
      ...u32(tail),
      items.length & 0xff,
      items.length >> 8,
      ...entries.flat(),
      0xff,
    ];
  }

  const blob = (bytes: number[]) => [bytes.length, ...bytes];

  /**
   * RDB_TYPE_STREAM_LISTPACKS as Redis 6 writes it: entries 5-1 and 6-0 (or none, last id 7-7),
   * then groups at 0-0 and 5-1 with no PEL.
   */
  function stream9(withEntries: boolean): number[] {
    const lp2 = encodeListpack([
      2n,
      0n,
      1n,
      enc('f'),
      0n,
      2n,
      0n,
      0n,
      enc('v'),
      4n,
      2n,
      1n,
      -1n,
      enc('w'),
      4n,
    ]);
    const key = [0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1];
    const nodes = withEntries ? [1, ...blob(key), ...blob([...lp2])] : [0];
    const last = withEntries ? [6, 0] : [7, 7];
    const group = (name: string, ms: number, seq: number) => [
      ...blob([...enc(name)]),
      ms,
      seq,
      0,
      0,
    ];
    return [
      15,
      ...nodes,
      withEntries ? 2 : 0,
      ...last,
      2,
      ...group('g1', 0, 0),
      ...group('g2', 5, 1),
    ];
  }

  test('payloads in Redis 6 encodings (RDB 9: ziplists, linked lists, streams) RESTORE as on redis-server', async () => {
    await fresh();
    const cases: [string, number[]][] = [
      ['list ziplist', [10, ...blob(ziplist(['a', 5, 'hello', -100, 12]))]],
      ['quicklist of ziplists', [14, 2, ...blob(ziplist(['a', 'b'])), ...blob(ziplist([1, 'c']))]],
      ['zset ziplist', [12, ...blob(ziplist(['a', '1', 'b', '2.5', 'c', 3]))]],
      ['hash ziplist', [13, ...blob(ziplist(['f', 'v', 'n', 7, 'z', 'last']))]],
      ['linked list', [1, 3, 1, 0x61, 0xc0, 7, 2, 0x62, 0x63]],
      ['string-scored zset', [3, 2, 1, 0x61, 3, 0x31, 0x2e, 0x35, 1, 0x62, 254]],
      ['RDB 9 stream', stream9(true)],
      ['RDB 9 empty stream', stream9(false)],
    ];
    for (const [name, body] of cases) {
      const argv = ['restore', name, '0', payload9(body)];
      expect(hex(await call(real, argv)), name).toBe(hex(Buffer.from('OK')));
      expect(hex(await call(sandbox, argv)), name).toBe(hex(Buffer.from('OK')));
      expect(await snapshot(sandbox, name), name).toBe(await snapshot(real, name));
    }
  });

  test('RESTORE answers options, TTLs and broken payloads as redis-server does', async () => {
    await fresh();
    await call(real, ['set', 'src', 'value']);
    await call(sandbox, ['set', 'src', 'value']);
    const good = (await real.dumpBuffer('src')) as Buffer;
    const flipped = Buffer.from(good);
    flipped[2] ^= 1;
    const newer = Buffer.from(good);
    newer[newer.length - 10] = 11;
    const cases: (string | Buffer)[][] = [
      ['restore', 'src', '0', good],
      ['restore', 'src', '0', good, 'REPLACE'],
      ['restore', 'k', '-1', good],
      ['restore', 'k', 'abc', good],
      ['restore', 'k', '0', flipped],
      ['restore', 'k', '0', newer],
      ['restore', 'k', '0', 'short'],
      ['restore', 'k', '0', good, 'BOGUS'],
      ['restore', 'k', '0', good, 'IDLETIME', '-1'],
      ['restore', 'k', '0', good, 'IDLETIME', 'x'],
      ['restore', 'k', '0', good, 'FREQ', '256'],
      ['restore', 'k', '0', good, 'IDLETIME', '1', 'FREQ', '1'],
      ['restore', 'k', '0', good, 'IDLETIME'],
      ['restore', 'k'],
      ['restore', 'k1', '0', good, 'IDLETIME', '100'],
      ['object', 'idletime', 'k1'],
      ['restore', 'k2', '100000', good],
      ['pttl', 'k2'],
      ['restore', 'k3', '1000', good, 'ABSTTL'],
      ['exists', 'k3'],
      ['restore', 'src', '1', good, 'ABSTTL', 'REPLACE'],
      ['exists', 'src'],
      ['restore', 'k4', '0', good, 'FREQ', '5', 'absttl', 'replace'],
      ['get', 'k4'],
      ['restore', 'k5', '0', payload([0, 0x83, 1, 2])],
      ['restore', 'k5', '0', payload([0, 0x80, 0xff, 0xff, 0xff, 0xff, 1])],
      ['restore', 'k5', '0', payload([0, 0xc3, 3, 100, 0, 1, 2])],
      ['restore', 'k5', '0', payload([0, 0xc4])],
      ['restore', 'k5', '0', payload([8, 0])],
      ['restore', 'k5', '0', payload([2, 0])],
      ['restore', 'k5', '0', payload([2, 2, 1, 0x61, 1, 0x61])],
      ['restore', 'k5', '0', payload([11, 8, 2, 0, 0, 0, 0, 0, 0, 0])],
      ['restore', 'k5', '0', payload([0, 3, 0x61, 0x62, 0x63, 9, 9, 9])],
      ['get', 'k5'],
    ];
    for (const argv of cases) {
      let a = hex(await call(real, argv));
      let b = hex(await call(sandbox, argv));
      if (String(argv[0]) === 'pttl')
        [a, b] = [String(Math.round(Number(a) / 1000)), String(Math.round(Number(b) / 1000))];
      expect(b, argv.map((x) => hex(x)).join(' ')).toBe(a);
    }
  });
});
