import type { Redis } from 'ioredis';

/**
 * Sliding-window rate limiting: true if the user made fewer than `limit` allowed requests in the
 * last `windowMs` milliseconds. Denied requests are not counted.
 */
export async function allowRequest(
  redis: Redis,
  userId: string,
  limit: number,
  windowMs: number,
): Promise<boolean> {
  // TODO: this is lesson 5's fixed window. A user can send `limit` requests at the end of one
  // window and `limit` more at the start of the next. Count the requests of the last
  // windowMs instead, in the sorted set `ratelog:<userId>`.
  const key = `ratelimit:${userId}`;
  const count = await redis.incr(key);
  if (count === 1) await redis.pexpire(key, windowMs);
  return count <= limit;
}
