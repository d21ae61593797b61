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
  // TODO: two problems. Reading the count and writing it back loses requests that arrive at
  // the same moment, and the counter never expires, so a window never ends.
  void windowSeconds;
  const count = Number((await redis.get(key)) ?? 0) + 1;
  await redis.set(key, String(count));
  return count <= limit;
}
