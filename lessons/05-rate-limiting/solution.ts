import type { Redis } from 'ioredis';

/**
 * Fixed-window rate limiting: true while the user has made at most `limit` requests in the
 * window that opened with their first request, false after that until the window ends.
 */
export async function allowRequest(
  redis: Redis,
  userId: string,
  limit: number,
  windowSeconds: number,
): Promise<boolean> {
  const key = `ratelimit:${userId}`;
  // INCR is atomic: concurrent requests each get their own count, and it creates the key at 1.
  const count = await redis.incr(key);
  if (count === 1) {
    // Only the request that opened the window sets its end; later ones must not push it back.
    await redis.expire(key, windowSeconds);
  }
  return count <= limit;
}
