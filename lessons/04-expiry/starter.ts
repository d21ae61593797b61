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
  // TODO: this code never expires. Give the SET an expiry: redis.set(key, code, 'EX', ttlSeconds).
  void ttlSeconds;
  await redis.set(otpKey(userId), code);
}

/** Seconds until the user's code expires, or null when there is no live code. */
export async function codeTtl(redis: Redis, userId: string): Promise<number | null> {
  // TODO: ask Redis with TTL. It answers -2 when the key is missing and -1 when it has
  // no expiry; both mean "no live code" here, so return null for them.
  void redis;
  void userId;
  return null;
}

/** True only for the first attempt with the right code. Any attempt uses the code up. */
export async function redeemCode(redis: Redis, userId: string, code: string): Promise<boolean> {
  // TODO: GET leaves the code in place, so it works again and again. Use GETDEL, which
  // reads and deletes in one step.
  const stored = await redis.get(otpKey(userId));
  return stored === code;
}
