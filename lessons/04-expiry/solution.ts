import type { Redis } from 'ioredis';

function otpKey(userId: string): string {
  return `otp:${userId}`;
}

/** Stores a one-time code for the user, replacing any earlier one, valid for `ttlSeconds`. */
export async function issueCode(
  redis: Redis,
  userId: string,
  code: string,
  ttlSeconds: number,
): Promise<void> {
  await redis.set(otpKey(userId), code, 'EX', ttlSeconds);
}

/** Seconds until the user's code expires, or null when there is no live code. */
export async function codeTtl(redis: Redis, userId: string): Promise<number | null> {
  const ttl = await redis.ttl(otpKey(userId));
  return ttl >= 0 ? ttl : null;
}

/** True only for the first attempt with the right code. Any attempt uses the code up. */
export async function redeemCode(redis: Redis, userId: string, code: string): Promise<boolean> {
  // GETDEL reads and deletes in one step, so two racing attempts can't both see the code.
  const stored = await redis.getdel(otpKey(userId));
  return stored !== null && stored === code;
}
