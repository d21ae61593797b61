import type { Redis } from 'ioredis';

/** What a session holds: flat string fields, e.g. `{ userId: '42', theme: 'dark' }`. */
export type SessionData = Record<string, string>;

/** Idle time after which a session expires: 30 minutes. */
export const SESSION_TTL_SECONDS = 1800;

function sessionKey(sessionId: string): string {
  return `session:${sessionId}`;
}

/** Starts a session, replacing any earlier one with the same id. `data` has at least one field. */
export async function createSession(
  redis: Redis,
  sessionId: string,
  data: SessionData,
): Promise<void> {
  const key = sessionKey(sessionId);
  await redis.multi().del(key).hset(key, data).expire(key, SESSION_TTL_SECONDS).exec();
}

/** The session's fields, or null if it is missing or expired. Reading it keeps it alive. */
export async function getSession(redis: Redis, sessionId: string): Promise<SessionData | null> {
  const key = sessionKey(sessionId);
  const data = await redis.hgetall(key);
  // HGETALL answers {} for a missing key, never null.
  if (Object.keys(data).length === 0) return null;
  await redis.expire(key, SESSION_TTL_SECONDS);
  return data;
}

/** Removes one field. True if the field was there. */
export async function removeField(
  redis: Redis,
  sessionId: string,
  field: string,
): Promise<boolean> {
  return (await redis.hdel(sessionKey(sessionId), field)) === 1;
}

/** Ends the session. True if there was one to end. */
export async function logout(redis: Redis, sessionId: string): Promise<boolean> {
  return (await redis.del(sessionKey(sessionId))) === 1;
}
