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
  // TODO: reading the count and then writing it back loses requests that arrive at the same
  // moment, and nothing ever expires. Replace both steps with INCR (it returns the new count),
  // and when that count is 1 — the request that opened the window — EXPIRE the key after
  // windowSeconds.
  void windowSeconds;
  const count = Number((await redis.get(key)) ?? 0) + 1;
  await redis.set(key, String(count));
  return count <= limit;
}
