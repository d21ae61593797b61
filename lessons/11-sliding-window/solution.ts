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
  const key = `ratelog:${userId}`;
  const now = Date.now();
  // A unique member: two requests in the same millisecond must both be recorded.
  const member = `${now}-${Math.random().toString(36).slice(2)}`;
  // One MULTI: forget requests that left the window, record this one, count, and keep the key
  // from outliving the window. Nothing can run between these commands.
  const replies = await redis
    .multi()
    .zremrangebyscore(key, '-inf', now - windowMs)
    .zadd(key, now, member)
    .zcard(key)
    .pexpire(key, windowMs)
    .exec();
  const count = Number(replies?.[2]?.[1]);
  if (count <= limit) return true;
  await redis.zrem(key, member); // denied: it must not count against later requests
  return false;
}
