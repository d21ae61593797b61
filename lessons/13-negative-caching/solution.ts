import type { Redis } from 'ioredis';

/** A customer account. */
export interface Account {
  id: number;
  name: string;
  plan: string;
}

/** The slow, durable store. */
export interface AccountDb {
  /** The row under `account:<id>`, or null. */
  get(key: string): Promise<Account | null>;
  /** Writes the row under `account:<id>`. */
  set(key: string, account: Account): Promise<unknown>;
}

const FOUND_TTL_SECONDS = 600;
const MISSING_TTL_SECONDS = 30;
/** What the cache holds for "the database has no such account": never valid account JSON. */
const MISSING = '__missing__';

/** Cache-aside that also remembers, briefly, which accounts do not exist. */
export async function getAccount(redis: Redis, db: AccountDb, id: number): Promise<Account | null> {
  const key = `account:${id}`;
  const hit = await redis.get(key);
  if (hit === MISSING) return null; // known to be missing: spare the database
  if (hit !== null) return JSON.parse(hit) as Account;
  const account = await db.get(key);
  if (account === null) {
    // Short TTL: if the account is created some other way, we are wrong for 30 s at most.
    await redis.set(key, MISSING, 'EX', MISSING_TTL_SECONDS);
    return null;
  }
  await redis.set(key, JSON.stringify(account), 'EX', FOUND_TTL_SECONDS);
  return account;
}

/** Creates the account, and drops whatever the cache said about it (such as "missing"). */
export async function createAccount(redis: Redis, db: AccountDb, account: Account): Promise<void> {
  const key = `account:${account.id}`;
  await db.set(key, account);
  await redis.del(key);
}
