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
  // TODO: this code never expires. It should stop working after ttlSeconds.
  void ttlSeconds;
  await redis.set(otpKey(userId), code);
}

/** Seconds until the user's code expires, or null when there is no live code. */
export async function codeTtl(redis: Redis, userId: string): Promise<number | null> {
  // TODO: ask Redis how long the code has left; null when there is no live code.
  void redis;
  void userId;
  return null;
}

/** True only for the first attempt with the right code. Any attempt uses the code up. */
export async function redeemCode(redis: Redis, userId: string, code: string): Promise<boolean> {
  // TODO: GET leaves the code in place, so it works again and again. Any attempt should use
  // it up, and two attempts at the same moment must not both see it.
  const stored = await redis.get(otpKey(userId));
  return stored === code;
}
