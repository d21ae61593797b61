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
  // TODO: two games finishing at once can both read the old total here, and one win is lost.
  const before = Number((await redis.zscore(POINTS, player)) ?? 0);
  await redis.zadd(POINTS, before + points, player);
  return before + points;
}

/** The `n` players with the most points, most first. */
export async function topPlayers(redis: Redis, n: number): Promise<Standing[]> {
  // TODO: read the top of the sorted set, with scores.
  void redis;
  void n;
  return [];
}

/** The player's place on the points table (1 = most points), or null if they have none. */
export async function rankOf(redis: Redis, player: string): Promise<number | null> {
  // TODO: Redis can tell you a member's position directly. Mind which end counts as first.
  void redis;
  void player;
  return null;
}

/** Records a lap; keeps only the player's fastest. True if this lap is a new personal best. */
export async function recordLap(redis: Redis, player: string, ms: number): Promise<boolean> {
  // TODO: this overwrites a faster lap with a slower one.
  await redis.zadd(LAPS, ms, player);
  return true;
}

/** The `n` fastest personal bests, fastest first. */
export async function fastestLaps(redis: Redis, n: number): Promise<Lap[]> {
  // TODO: read the fastest laps, with their times.
  void redis;
  void n;
  return [];
}
