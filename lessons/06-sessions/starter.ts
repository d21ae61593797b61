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
  // TODO: store the fields as a hash with HSET (it takes an object), after deleting any old
  // session under the same key, and EXPIRE it after SESSION_TTL_SECONDS.
  await redis.set(sessionKey(sessionId), JSON.stringify(data));
}

/** The session's fields, or null if it is missing or expired. Reading it keeps it alive. */
export async function getSession(redis: Redis, sessionId: string): Promise<SessionData | null> {
  // TODO: read the hash with HGETALL. It answers {} (not null) for a missing key, so turn
  // that into null. When the session exists, EXPIRE it again: every visit restarts the
  // 30-minute countdown.
  void redis;
  void sessionId;
  return null;
}

/** Removes one field. True if the field was there. */
export async function removeField(
  redis: Redis,
  sessionId: string,
  field: string,
): Promise<boolean> {
  // TODO: HDEL the field and report whether it removed anything.
  void redis;
  void sessionId;
  void field;
  return false;
}

/** Ends the session. True if there was one to end. */
export async function logout(redis: Redis, sessionId: string): Promise<boolean> {
  // TODO: delete the whole session key and report whether it existed.
  void redis;
  void sessionId;
  return false;
}
