/**
 * The learner-facing API, compared with ioredis 5 on a real server: method calls (not `call`),
 * multi()/pipeline() chains and their `[err, reply]` results, EXECABORT with previousErrors,
 * WATCH aborts, HGETALL objects, Buffer replies, callbacks and argument flattening.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import { withFidelity } from '../../src/redis/faithful-client.ts';

const REDIS_URL = process.env.REDIS_URL;

// Both clients are driven through the same loosely typed surface.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- chains of either client's methods
type AnyClient = Record<string, (...args: unknown[]) => any>;

/** Errors become plain data (class name, message, previousErrors, command) so results compare. */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    const e = value as Error & { previousErrors?: Error[]; command?: unknown };
    return {
      error: e.constructor.name,
      message: e.message,
      ...(e.previousErrors ? { previousErrors: e.previousErrors.map(plain) } : {}),
      ...(e.command ? { command: e.command } : {}),
    };
  }
  if (value instanceof Uint8Array) return { buffer: [...value] };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

async function settle(p: Promise<unknown>): Promise<unknown> {
  try {
    return { resolved: plain(await p) };
  } catch (err) {
    return { rejected: plain(err) };
  }
}

const scenarios: Record<string, (r: AnyClient) => Promise<unknown>> = {
  'multi with a runtime error keeps going': (r) =>
    r.multi().set('a', 'x').incr('a').get('a').exec(),
  'multi with a queue-time error aborts with previousErrors': (r) =>
    r.multi().set('a', '1').get().incr('a').exec(),
  'multi with an unknown command aborts': (r) => r.multi().set('a', '1').call('nosuch', 'x').exec(),
  'empty multi': (r) => r.multi().exec(),
  'multi from an array of commands': (r) =>
    r
      .multi([
        ['set', 'k', 'v'],
        ['get', 'k'],
        ['llen', 'k'],
      ])
      .exec(),
  'pipeline errors carry the command': (r) =>
    r.pipeline().set('a', 'x').incr('a').get().lpush('a', 'y').exec(),
  'watch aborts exec when the key changes': async (r) => {
    await r.set('w', '1');
    await r.watch('w');
    await r.set('w', '2');
    return r.multi().get('w').exec();
  },
  'watch then unchanged key lets exec run': async (r) => {
    await r.watch('w2');
    return r.multi().set('w2', 'v').get('w2').exec();
  },
  'hgetall is an object, hset takes an object': async (r) => [
    await r.hset('h', { a: 1, b: 'two' }),
    await r.hgetall('h'),
    await r.hgetall('nothing'),
  ],
  'mset takes an object and a Map': async (r) => [
    await r.mset({ x: 1, y: 2 }),
    await r.mset(new Map([['z', '3']])),
    await r.mget('x', 'y', 'z'),
    await r.mget(['x', 'nope']),
  ],
  'numbers, null and arrays as arguments': async (r) => [
    await r.set('n', 1.5),
    await r.get('n'),
    await r.set('nul', null),
    await r.get('nul'),
    await r.rpush('arr', ['a', 'b'], 'c'),
    await r.lrange('arr', 0, -1),
  ],
  'Buffer replies and binary values': async (r) => [
    await r.set('bin', Buffer.from([0xff, 0x00, 0x41])),
    await r.getBuffer('bin'),
    await r.strlen('bin'),
    await r.setBuffer('s', 'v'),
    await r.lrangeBuffer('arr', 0, -1),
  ],
  'rejections are ReplyErrors with the exact text': async (r) => [
    await settle(r.incr('bin')),
    await settle(r.lpush('bin', 'x')),
    await settle(r.set('k', 'v', 'EX', 0)),
    await settle(r.get()),
    await settle(r.call('nosuch', 'a', 'b')),
  ],
  'callbacks receive (err, result)': (r) =>
    new Promise((resolve) => {
      r.set('cb', 'v', (err1: unknown, res1: unknown) => {
        r.incr('cb', (err2: unknown, res2: unknown) => resolve(plain([err1, res1, err2, res2])));
      });
    }),
  'select is async and keeps databases apart': async (r) => {
    const dup = r.duplicate();
    const out = [
      await dup.select(3),
      await dup.set('indb3', 'v'),
      await dup.get('indb3'),
      await r.get('indb3'),
    ];
    await dup.flushdb();
    dup.disconnect();
    return out;
  },
  'redis.call and its case': async (r) => [
    await r.call('SET', 'c', '1'),
    await r.call('get', 'c'),
    await r.call('INCRBY', 'c', 5),
    await r.call('HSET', 'ch', 'f', 'v'),
    await r.call('HGETALL', 'ch'),
    await r.call('EXISTS', 'c', 'ch', 'nope'),
  ],
  'zset replies': async (r) => [
    await r.zadd('z', 1.1, 'a', 2, 'b'),
    await r.zrange('z', 0, -1, 'WITHSCORES'),
    await r.zincrby('z', 0.2, 'a'),
    await r.zscore('z', 'b'),
    await r.zadd('z', 'INCR', 1, 'b'),
  ],
  // Issue 13, part A: pub/sub, blocking, streams, scan streams and defineCommand.
  'pub/sub: subscribe counts, message events, subscriber mode': async (r) => {
    const sub = r.duplicate();
    const got: unknown[] = [];
    sub.on('message', (c: unknown, m: unknown) => got.push(['message', c, m]));
    sub.on('pmessage', (p: unknown, c: unknown, m: unknown) => got.push(['pmessage', p, c, m]));
    const out: unknown[] = [
      await sub.subscribe('news', 'sport'),
      await sub.psubscribe('n*'),
      await settle(sub.get('k')),
      await sub.ping(),
      await r.publish('news', 'hi'),
      await r.pubsub('NUMSUB', 'news', 'sport', 'none'),
      await r.pubsub('NUMPAT'),
    ];
    await until(() => got.length >= 2);
    // Patterns first: ioredis resolves an argument-less unsubscribe only when the count is 0.
    out.push(got, await sub.punsubscribe('n*'), await sub.unsubscribe(), await sub.get('k'));
    sub.disconnect();
    return out;
  },
  'blocking: blpop wakes on a push from another client, brpop times out': async (r) => {
    const waiter = r.duplicate();
    const popped = waiter.blpop('q', 0);
    await sleep(50);
    const out = [
      await r.rpush('q', 'a', 'b'),
      await popped,
      await r.lrange('q', 0, -1),
      await waiter.bzpopmin('none', 0.05),
      await r.multi().blpop('q2', 0).exec(),
    ];
    waiter.disconnect();
    return out;
  },
  'streams: entries, groups and XREAD BLOCK': async (r) => {
    const reader = r.duplicate();
    const out: unknown[] = [
      await r.xadd('s', '1-1', 'f', 'v'),
      await r.xrange('s', '-', '+'),
      await r.xgroup('CREATE', 's', 'g', '0'),
      await r.xreadgroup('GROUP', 'g', 'c', 'STREAMS', 's', '>'),
      await r.xpending('s', 'g'),
      await r.xinfo('GROUPS', 's'),
      await r.xack('s', 'g', '1-1'),
    ];
    const read = reader.xread('BLOCK', 0, 'STREAMS', 's', '$');
    await sleep(50);
    out.push(await r.xadd('s', '2-1', 'g', 'w'), await read);
    reader.disconnect();
    return out;
  },
  'scan streams cover every key once': async (r) => {
    const pairs: string[] = [];
    for (let i = 0; i < 120; i++) pairs.push(`k:${i}`, 'v');
    await r.mset(...pairs);
    await r.hset('h', { a: '1', b: '2' });
    const pages = (stream: { on: (e: string, f: (...a: unknown[]) => void) => void }) =>
      new Promise<unknown[][]>((resolve, reject) => {
        const all: unknown[][] = [];
        stream.on('data', (page) => all.push(page as unknown[]));
        stream.on('end', () => resolve(all));
        stream.on('error', reject);
      });
    const keys = await pages(r.scanStream({ match: 'k:*', count: 10 }));
    return [(keys.flat() as string[]).sort(), keys.length > 1, await pages(r.hscanStream('h'))];
  },
  'defineCommand runs the script, also in multi': async (r) => {
    r.defineCommand('swap', {
      numberOfKeys: 1,
      lua: "local old = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[1], ARGV[1]); return old",
    });
    return [
      await r.swap('dk', 'a'),
      await r.swap('dk', 'b'),
      await r.multi().swap('dk', 'c').exec(),
    ];
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (up to 1 s) for pushed messages to arrive. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await sleep(10);
}

describe.runIf(REDIS_URL)('the faithful client has ioredis 5 shapes on a real server', () => {
  let real: AnyClient & Redis;
  let mockIndex = 0;

  beforeAll(async () => {
    real = new Redis(REDIS_URL!) as AnyClient & Redis;
  });

  afterAll(async () => {
    await real.flushall();
    real.disconnect();
  });

  for (const [name, scenario] of Object.entries(scenarios)) {
    test(name, async () => {
      await real.flushall();
      const sandbox = withFidelity(
        new RedisMock({ host: `api-shapes-${++mockIndex}` }),
      ) as unknown as AnyClient;
      const expected = await settle(scenario(real));
      const actual = await settle(scenario(sandbox));
      expect(actual).toEqual(expected);
    });
  }
});
