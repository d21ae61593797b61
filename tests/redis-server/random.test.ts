/**
 * Seeded random command sequences over a tiny keyspace, sent to a real redis-server and to the
 * faithful client: finds the combinations a hand-written corpus misses (wrong types, empty
 * collections, odd ranges). Deterministic: the same seed gives the same commands.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import { withFidelity, type FaithfulRedis } from '../../src/redis/faithful-client.ts';
import { typedFromClient } from '../../src/redis/cli-format.ts';
import { formatReply } from '../../src/redis/cli-format.ts';
import { canonicalTyped, withinTimeBound } from '../redis/canonical.ts';

const REDIS_URL = process.env.REDIS_URL;
const SEED = Number(process.env.FIDELITY_SEED ?? 20261126);
const COUNT = Number(process.env.FIDELITY_COMMANDS ?? 3000);

/** mulberry32 */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['a', 'b', 'c'];
const VALUES = ['0', '1', '-1', '10', '1.5', 'x', '', 'é', '9223372036854775807', ' 2', 'inf'];
const INDEXES = ['0', '1', '-1', '2', '-2', '5', '-10', 'x'];
const SCORES = ['0', '1', '-1', '2.5', '(1', '-inf', '+inf', 'x', '(2.5'];
const LEX = ['-', '+', '[a', '(a', '[x', 'x'];

const GRAMMAR: ((p: <T>(xs: T[]) => T) => string[])[] = [
  (p) => [
    'SET',
    p(KEYS),
    p(VALUES),
    ...p([[], ['NX'], ['XX'], ['GET'], ['EX', p(INDEXES)], ['KEEPTTL']]),
  ],
  (p) => ['GET', p(KEYS)],
  (p) => ['GETDEL', p(KEYS)],
  (p) => ['APPEND', p(KEYS), p(VALUES)],
  (p) => ['STRLEN', p(KEYS)],
  (p) => ['GETRANGE', p(KEYS), p(INDEXES), p(INDEXES)],
  (p) => ['SETRANGE', p(KEYS), p(['0', '1', '3', '-1']), p(VALUES)],
  (p) => ['MGET', p(KEYS), p(KEYS)],
  (p) => [p(['INCR', 'DECR']), p(KEYS)],
  (p) => [p(['INCRBY', 'DECRBY']), p(KEYS), p(VALUES)],
  (p) => ['INCRBYFLOAT', p(KEYS), p(VALUES)],
  (p) => ['DEL', p(KEYS), p(KEYS)],
  (p) => ['EXISTS', p(KEYS), p(KEYS)],
  (p) => ['TYPE', p(KEYS)],
  (p) => [p(['RENAME', 'RENAMENX']), p(KEYS), p(KEYS)],
  (p) => [
    'EXPIRE',
    p(KEYS),
    p(['100', '200', '0', '-1', 'x']),
    ...p([[], ['NX'], ['XX'], ['GT'], ['LT']]),
  ],
  (p) => ['PERSIST', p(KEYS)],
  (p) => ['TTL', p(KEYS)],
  (p) => ['HSET', p(KEYS), p(['f', 'g']), p(VALUES)],
  (p) => ['HGET', p(KEYS), p(['f', 'g'])],
  (p) => ['HDEL', p(KEYS), p(['f', 'g'])],
  (p) => ['HINCRBY', p(KEYS), p(['f', 'g']), p(VALUES)],
  (p) => ['HINCRBYFLOAT', p(KEYS), p(['f', 'g']), p(VALUES)],
  (p) => ['HLEN', p(KEYS)],
  (p) => ['HGETALL', p(KEYS)],
  (p) => [p(['LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']), p(KEYS), p(VALUES)],
  (p) => [p(['LPOP', 'RPOP']), p(KEYS), ...p([[], [p(INDEXES)]])],
  (p) => ['LRANGE', p(KEYS), p(INDEXES), p(INDEXES)],
  (p) => ['LINDEX', p(KEYS), p(INDEXES)],
  (p) => ['LSET', p(KEYS), p(INDEXES), p(VALUES)],
  (p) => ['LREM', p(KEYS), p(INDEXES), p(VALUES)],
  (p) => ['LTRIM', p(KEYS), p(INDEXES), p(INDEXES)],
  (p) => ['LINSERT', p(KEYS), p(['BEFORE', 'AFTER']), p(VALUES), p(VALUES)],
  (p) => ['LPOS', p(KEYS), p(VALUES), ...p([[], ['RANK', p(INDEXES)], ['COUNT', p(INDEXES)]])],
  (p) => ['LMOVE', p(KEYS), p(KEYS), p(['LEFT', 'RIGHT']), p(['LEFT', 'RIGHT'])],
  (p) => ['SADD', p(KEYS), p(VALUES), p(VALUES)],
  (p) => ['SREM', p(KEYS), p(VALUES)],
  (p) => ['SISMEMBER', p(KEYS), p(VALUES)],
  (p) => ['SCARD', p(KEYS)],
  (p) => ['SMEMBERS', p(KEYS)],
  (p) => [p(['SINTER', 'SUNION', 'SDIFF']), p(KEYS), p(KEYS)],
  (p) => [p(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), p(KEYS), p(KEYS), p(KEYS)],
  (p) => ['SMOVE', p(KEYS), p(KEYS), p(VALUES)],
  (p) => [
    'ZADD',
    p(KEYS),
    ...p([[], ['NX'], ['XX'], ['GT'], ['LT'], ['CH'], ['INCR']]),
    p(SCORES),
    p(VALUES),
  ],
  (p) => ['ZINCRBY', p(KEYS), p(SCORES), p(VALUES)],
  (p) => ['ZSCORE', p(KEYS), p(VALUES)],
  (p) => ['ZRANGE', p(KEYS), p(INDEXES), p(INDEXES), ...p([[], ['WITHSCORES'], ['REV']])],
  (p) => [
    'ZRANGEBYSCORE',
    p(KEYS),
    p(SCORES),
    p(SCORES),
    ...p([[], ['WITHSCORES'], ['LIMIT', p(INDEXES), p(INDEXES)]]),
  ],
  (p) => [
    'ZRANGE',
    p(KEYS),
    p(SCORES),
    p(SCORES),
    'BYSCORE',
    ...p([[], ['REV'], ['LIMIT', p(INDEXES), p(INDEXES)]]),
  ],
  (p) => ['ZRANGEBYLEX', p(KEYS), p(LEX), p(LEX)],
  (p) => ['ZCOUNT', p(KEYS), p(SCORES), p(SCORES)],
  (p) => [p(['ZRANK', 'ZREVRANK']), p(KEYS), p(VALUES)],
  (p) => ['ZREM', p(KEYS), p(VALUES)],
  (p) => ['ZREMRANGEBYRANK', p(KEYS), p(INDEXES), p(INDEXES)],
  (p) => ['ZREMRANGEBYSCORE', p(KEYS), p(SCORES), p(SCORES)],
  (p) => [p(['ZPOPMIN', 'ZPOPMAX']), p(KEYS), ...p([[], [p(INDEXES)]])],
  (p) => ['ZCARD', p(KEYS)],
  // Issue 13's families: bitmaps, HyperLogLog, geo, the sorted-set algebra, multi-key
  // pops, SORT, LCS, COPY and OBJECT ENCODING.
  (p) => ['SETBIT', p(KEYS), p(['0', '7', '9', '-1', 'x']), p(['0', '1', '2'])],
  (p) => ['GETBIT', p(KEYS), p(['0', '7', '100'])],
  (p) => ['BITCOUNT', p(KEYS), ...p([[], [p(INDEXES), p(INDEXES)], ['0', '-1', 'BIT']])],
  (p) => ['BITPOS', p(KEYS), p(['0', '1']), ...p([[], [p(INDEXES)], [p(INDEXES), p(INDEXES)]])],
  (p) => ['BITOP', p(['AND', 'OR', 'XOR']), p(KEYS), p(KEYS), p(KEYS)],
  (p) => [
    'BITFIELD',
    p(KEYS),
    ...p([
      ['GET', 'u4', '0'],
      ['SET', 'i8', '#1', p(VALUES)],
      ['INCRBY', 'u2', '3', p(INDEXES)],
    ]),
  ],
  (p) => ['PFADD', p(KEYS), p(VALUES), p(VALUES)],
  (p) => ['PFCOUNT', p(KEYS), ...p([[], [p(KEYS)]])],
  (p) => ['PFMERGE', p(KEYS), p(KEYS)],
  (p) => ['GEOADD', p(KEYS), p(['13.36', '-180', '0', 'x']), p(['38.1', '85.1', '0']), p(VALUES)],
  (p) => ['GEOPOS', p(KEYS), p(VALUES)],
  (p) => ['GEODIST', p(KEYS), p(VALUES), p(VALUES), ...p([[], ['km']])],
  (p) => ['GEOSEARCH', p(KEYS), 'FROMLONLAT', '13', '38', 'BYRADIUS', '500', 'km', 'ASC'],
  (p) => [p(['ZUNION', 'ZINTER', 'ZDIFF']), '2', p(KEYS), p(KEYS), ...p([[], ['WITHSCORES']])],
  (p) => [p(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']), p(KEYS), '2', p(KEYS), p(KEYS)],
  (p) => ['ZINTERCARD', '2', p(KEYS), p(KEYS)],
  (p) => ['ZRANGESTORE', p(KEYS), p(KEYS), p(INDEXES), p(INDEXES)],
  (p) => ['ZMPOP', '2', p(KEYS), p(KEYS), p(['MIN', 'MAX']), ...p([[], ['COUNT', p(INDEXES)]])],
  (p) => ['LMPOP', '1', p(KEYS), p(['LEFT', 'RIGHT']), ...p([[], ['COUNT', p(INDEXES)]])],
  (p) => ['SORT', p(KEYS), ...p([[], ['ALPHA'], ['DESC', 'ALPHA'], ['LIMIT', '0', '2']])],
  (p) => ['LCS', p(KEYS), p(KEYS), ...p([[], ['LEN'], ['IDX']])],
  (p) => ['COPY', p(KEYS), p(KEYS), ...p([[], ['REPLACE']])],
  (p) => ['OBJECT', 'ENCODING', p(KEYS)],
  () => ['MULTI'],
  () => ['EXEC'],
  () => ['DISCARD'],
  (p) => ['WATCH', p(KEYS)],
];

describe.runIf(REDIS_URL)('seeded random commands against a real redis-server', () => {
  let real: Redis;
  let sandbox: FaithfulRedis;

  beforeAll(async () => {
    real = new Redis(REDIS_URL!);
    await real.flushall();
    sandbox = withFidelity(new RedisMock({ host: `random-${SEED}` }));
  });

  afterAll(async () => {
    await real.flushall();
    real.disconnect();
  });

  test(`${COUNT} random commands (seed ${SEED}) answer alike`, async () => {
    const random = rng(SEED);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
    const mismatches: string[] = [];
    // Commands queued since MULTI, so EXEC's unordered results can be sorted per command.
    let queued: string[] | null = null;
    for (let i = 0; i < COUNT && mismatches.length < 10; i++) {
      const argv = pick(GRAMMAR)(pick);
      const name = argv[0].toLowerCase();
      const queue = queued ?? undefined;
      const outcomes = await Promise.all(
        [real, sandbox].map(async (client) => {
          try {
            const value = await client.call(argv[0], ...argv.slice(1));
            const typed = typedFromClient(value, { command: argv[0], args: argv.slice(1) });
            return { text: formatReply(canonicalTyped(argv[0], typed, queue)), value };
          } catch (err) {
            return { text: `(error) ${(err as Error).message}`, value: undefined };
          }
        }),
      );
      const [r, s] = outcomes;
      if (name === 'multi' && r.value === 'OK') queued = [];
      else if (name === 'exec' || name === 'discard') queued = null;
      else if (queued && r.value === 'QUEUED') queued.push(name);
      if (r.text !== s.text && !withinTimeBound(argv[0], r.value, s.value)) {
        // Long replies (EXEC) are cut to the first line that differs.
        const [rl, sl] = [r.text.split('\n'), s.text.split('\n')];
        const at = rl.findIndex((line, k) => line !== sl[k]);
        const show = (lines: string[]) =>
          lines.length > 3 ? `…${lines.slice(at, at + 2).join(' / ')}` : lines.join(' / ');
        mismatches.push(`#${i} ${argv.join(' ')}\n  redis:   ${show(rl)}\n  sandbox: ${show(sl)}`);
      }
    }
    expect(mismatches, mismatches.join('\n')).toEqual([]);
  });
});
