import type { Redis } from 'ioredis';

/** One row of the points table. */
export interface Standing {
  player: string;
  points: number;
}

/** One row of the lap-time table. */
export interface Lap {
  player: string;
  ms: number;
}

const POINTS = 'leaderboard:points';
const LAPS = 'laps:best';

/** Adds points to the player's total (creating it at 0) and returns the new total. */
export async function addPoints(redis: Redis, player: string, points: number): Promise<number> {
  // ZINCRBY reads and writes in one command, so concurrent games never lose points.
  return Number(await redis.zincrby(POINTS, points, player));
}

/** The `n` players with the most points, most first. */
export async function topPlayers(redis: Redis, n: number): Promise<Standing[]> {
  if (n <= 0) return [];
  const flat = await redis.zrange(POINTS, 0, n - 1, 'REV', 'WITHSCORES');
  const rows: Standing[] = [];
  for (let i = 0; i < flat.length; i += 2)
    rows.push({ player: flat[i], points: Number(flat[i + 1]) });
  return rows;
}

/** The player's place on the points table (1 = most points), or null if they have none. */
export async function rankOf(redis: Redis, player: string): Promise<number | null> {
  const rank = await redis.zrevrank(POINTS, player);
  return rank === null ? null : rank + 1;
}

/** Records a lap; keeps only the player's fastest. True if this lap is a new personal best. */
export async function recordLap(redis: Redis, player: string, ms: number): Promise<boolean> {
  // LT only ever lowers a score (and still adds a new member); CH counts updates as changes.
  return (await redis.zadd(LAPS, 'LT', 'CH', ms, player)) === 1;
}

/** The `n` fastest personal bests, fastest first. */
export async function fastestLaps(redis: Redis, n: number): Promise<Lap[]> {
  if (n <= 0) return [];
  const flat = await redis.zrange(LAPS, 0, n - 1, 'WITHSCORES');
  const rows: Lap[] = [];
  for (let i = 0; i < flat.length; i += 2) rows.push({ player: flat[i], ms: Number(flat[i + 1]) });
  return rows;
}
