import suite from '../../lessons/09-leaderboards/checks.ts';
import SOLUTION from '../../lessons/09-leaderboards/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'leaderboards';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `import type { Redis } from 'ioredis';
const pairs = (flat: string[], field: string) => {
  const out: Record<string, string | number>[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ player: flat[i], [field]: Number(flat[i + 1]) });
  return out;
};`;

const GOOD = {
  add: `
export async function addPoints(redis: Redis, player: string, points: number) {
  return Number(await redis.zincrby('leaderboard:points', points, player));
}`,
  top: `
export async function topPlayers(redis: Redis, n: number) {
  if (n < 1) return [];
  return pairs(await redis.zrange('leaderboard:points', 0, n - 1, 'REV', 'WITHSCORES'), 'points');
}`,
  rank: `
export async function rankOf(redis: Redis, player: string) {
  const rank = await redis.zrevrank('leaderboard:points', player);
  return rank === null ? null : rank + 1;
}`,
  lap: `
export async function recordLap(redis: Redis, player: string, ms: number) {
  return (await redis.zadd('laps:best', 'LT', 'CH', ms, player)) === 1;
}`,
  fastest: `
export async function fastestLaps(redis: Redis, n: number) {
  if (n < 1) return [];
  return pairs(await redis.zrange('laps:best', 0, n - 1, 'WITHSCORES'), 'ms');
}`,
};
type Part = keyof typeof GOOD;
const PARTS: Part[] = ['add', 'top', 'rank', 'lap', 'fastest'];

/** The good implementation with some parts replaced. */
function withParts(replace: Partial<Record<Part, string>>): string {
  return HEADER + PARTS.map((part) => replace[part] ?? GOOD[part]).join('\n');
}

const wrong = [
  {
    name: 'reads the total with ZSCORE and writes the sum back with ZADD',
    fails: check('20 games finishing at once'),
    source: withParts({
      add: `
export async function addPoints(redis: Redis, player: string, points: number) {
  const total = Number((await redis.zscore('leaderboard:points', player)) ?? 0) + points;
  await redis.zadd('leaderboard:points', total, player);
  return total;
}`,
    }),
  },
  {
    name: 'returns the score string from ZINCRBY',
    fails: check('addPoints adds to the player'),
    source: withParts({
      add: `
export async function addPoints(redis: Redis, player: string, points: number) {
  return redis.zincrby('leaderboard:points', points, player);
}`,
    }),
  },
  {
    name: 'keeps points in a hash instead of a sorted set',
    fails: check('addPoints adds to the player'),
    source: withParts({
      add: `
export async function addPoints(redis: Redis, player: string, points: number) {
  const total = await redis.hincrby('leaderboard:points:hash', player, points);
  await redis.zadd('leaderboard:points', total, player);
  await redis.del('leaderboard:points');
  await redis.hset('leaderboard:points', player, String(total));
  return total;
}`,
    }),
  },
  {
    name: 'lists the top players lowest first (ZRANGE without REV)',
    fails: check('topPlayers(n) returns the n players with the most points'),
    source: withParts({
      top: `
export async function topPlayers(redis: Redis, n: number) {
  return pairs(await redis.zrange('leaderboard:points', 0, n - 1, 'WITHSCORES'), 'points');
}`,
    }),
  },
  {
    name: 'asks for n + 1 players (stop is inclusive)',
    fails: check('topPlayers(n) returns the n players with the most points'),
    source: withParts({
      top: `
export async function topPlayers(redis: Redis, n: number) {
  return pairs(await redis.zrange('leaderboard:points', 0, n, 'REV', 'WITHSCORES'), 'points');
}`,
    }),
  },
  {
    name: 'returns points as strings',
    fails: check('topPlayers(n) returns the n players with the most points'),
    source: withParts({
      top: `
export async function topPlayers(redis: Redis, n: number) {
  const flat = await redis.zrange('leaderboard:points', 0, n - 1, 'REV', 'WITHSCORES');
  const out = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ player: flat[i], points: flat[i + 1] });
  return out;
}`,
    }),
  },
  {
    name: 'returns the 0-based rank from ZREVRANK',
    fails: check('rankOf gives the place on the table'),
    source: withParts({
      rank: `
export async function rankOf(redis: Redis, player: string) {
  return redis.zrevrank('leaderboard:points', player);
}`,
    }),
  },
  {
    name: 'ranks with ZRANK, counting from the fewest points',
    fails: check('rankOf gives the place on the table'),
    source: withParts({
      rank: `
export async function rankOf(redis: Redis, player: string) {
  const rank = await redis.zrank('leaderboard:points', player);
  return rank === null ? null : rank + 1;
}`,
    }),
  },
  {
    name: 'records every lap, so a slower lap replaces a faster one',
    fails: check('recordLap keeps each player'),
    source: withParts({
      lap: `
export async function recordLap(redis: Redis, player: string, ms: number) {
  await redis.zadd('laps:best', ms, player);
  return true;
}`,
    }),
  },
  {
    name: 'uses GT, which keeps the slowest lap',
    fails: check('recordLap keeps each player'),
    source: withParts({
      lap: `
export async function recordLap(redis: Redis, player: string, ms: number) {
  return (await redis.zadd('laps:best', 'GT', 'CH', ms, player)) === 1;
}`,
    }),
  },
  {
    name: 'compares with ZSCORE in JavaScript, then ZADDs: two laps at once can keep the slower',
    fails: check('two laps recorded at once on two app servers'),
    source: withParts({
      lap: `
export async function recordLap(redis: Redis, player: string, ms: number) {
  const best = await redis.zscore('laps:best', player);
  if (best !== null && Number(best) <= ms) return false;
  await redis.zadd('laps:best', ms, player);
  return true;
}`,
    }),
  },
  {
    name: 'asks ZRANGE for 0..n-1 even when n is 0, which returns everyone',
    fails: check('fastestLaps(n) returns the n fastest'),
    source: withParts({
      fastest: `
export async function fastestLaps(redis: Redis, n: number) {
  return pairs(await redis.zrange('laps:best', 0, n - 1, 'WITHSCORES'), 'ms');
}`,
    }),
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'ZREVRANGE and ZRANGEBYSCORE with LIMIT, ZSCORE-free ranks via ZCOUNT',
    source: withParts({
      top: `
export async function topPlayers(redis: Redis, n: number) {
  if (n <= 0) return [];
  return pairs(await redis.zrevrange('leaderboard:points', 0, n - 1, 'WITHSCORES'), 'points');
}`,
      rank: `
export async function rankOf(redis: Redis, player: string) {
  const score = await redis.zscore('leaderboard:points', player);
  if (score === null) return null;
  return (await redis.zcount('leaderboard:points', '(' + score, '+inf')) + 1;
}`,
      fastest: `
export async function fastestLaps(redis: Redis, n: number) {
  if (n <= 0) return [];
  return pairs(await redis.zrangebyscore('laps:best', '-inf', '+inf', 'WITHSCORES', 'LIMIT', 0, n), 'ms');
}`,
    }),
  },
  {
    name: 'a MULTI around ZSCORE and ZADD LT for laps, and ZINCRBY in a pipeline',
    source: withParts({
      add: `
export async function addPoints(redis: Redis, player: string, points: number): Promise<number> {
  const [[, total]] = (await redis.pipeline().zincrby('leaderboard:points', points, player).exec()) as [[null, string]];
  return parseFloat(total);
}`,
      lap: `
export async function recordLap(redis: Redis, player: string, ms: number): Promise<boolean> {
  const replies = await redis.multi().zscore('laps:best', player).zadd('laps:best', 'LT', ms, player).exec();
  const before = replies![0][1] as string | null;
  return before === null || ms < Number(before);
}`,
    }),
  },
  {
    name: 'plain JavaScript with .then, ZRANGE BYSCORE REV and a Lua personal best',
    source: `
const rows = (flat, field) => flat.reduce((out, value, i) => (i % 2 ? (out[out.length - 1][field] = +value, out) : [...out, { player: value }]), []);
export const addPoints = (redis, player, points) => redis.zincrby('leaderboard:points', points, player).then(Number);
export const topPlayers = (redis, n) =>
  n > 0 ? redis.zrange('leaderboard:points', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, n, 'WITHSCORES').then((f) => rows(f, 'points')) : Promise.resolve([]);
export const rankOf = (redis, player) => redis.zrevrank('leaderboard:points', player).then((r) => (r == null ? null : r + 1));
export const recordLap = (redis, player, ms) =>
  redis
    .eval("local b = redis.call('ZSCORE', KEYS[1], ARGV[2]) if b and tonumber(b) <= tonumber(ARGV[1]) then return 0 end redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) return 1", 1, 'laps:best', ms, player)
    .then((r) => r === 1);
export const fastestLaps = (redis, n) => (n > 0 ? redis.zrange('laps:best', 0, n - 1, 'WITHSCORES').then((f) => rows(f, 'ms')) : Promise.resolve([]));
`,
  },
];

describeVariants('lesson 09-leaderboards', SLUG, suite, { wrong, correct });
