import type { Redis } from 'ioredis';

/** How often a WATCH transaction is retried before giving up under heavy contention. */
const MAX_ATTEMPTS = 50;

/**
 * Runs `attempt` on a connection of its own (WATCH belongs to a connection, so a shared one
 * would let another request's EXEC cancel our WATCH), retrying while EXEC reports a conflict.
 */
async function withWatch<T>(redis: Redis, attempt: (conn: Redis) => Promise<T | null>): Promise<T> {
  const conn = redis.duplicate();
  try {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const result = await attempt(conn);
      if (result !== null) return result;
    }
    throw new Error('too much contention: gave up after 50 attempts');
  } finally {
    conn.disconnect();
  }
}

/** Takes `qty` items from `stock:<sku>` if there are enough. True if it did. */
export async function reserve(redis: Redis, sku: string, qty: number): Promise<boolean> {
  const key = `stock:${sku}`;
  return withWatch(redis, async (conn) => {
    await conn.watch(key);
    const stock = Number((await conn.get(key)) ?? 0);
    if (stock < qty) {
      await conn.unwatch();
      return false;
    }
    // EXEC replies null if `key` changed since WATCH: someone else reserved; try again.
    const done = await conn.multi().decrby(key, qty).exec();
    return done === null ? null : true;
  });
}

/** Moves `amount` from wallet `from` to wallet `to`, both or neither. False if `from` is short. */
export async function transfer(
  redis: Redis,
  from: string,
  to: string,
  amount: number,
): Promise<boolean> {
  const source = `wallet:${from}`;
  const target = `wallet:${to}`;
  return withWatch(redis, async (conn) => {
    await conn.watch(source);
    const balance = Number((await conn.get(source)) ?? 0);
    if (balance < amount) {
      await conn.unwatch();
      return false;
    }
    const done = await conn.multi().decrby(source, amount).incrby(target, amount).exec();
    return done === null ? null : true;
  });
}

/**
 * Places an order: reserves the stock and records the order, all or nothing. The order is the
 * hash `order:<id>` (sku, qty) and its id is pushed onto the list `orders:pending`.
 */
export async function placeOrder(
  redis: Redis,
  orderId: string,
  sku: string,
  qty: number,
): Promise<boolean> {
  const stockKey = `stock:${sku}`;
  return withWatch(redis, async (conn) => {
    await conn.watch(stockKey);
    const stock = Number((await conn.get(stockKey)) ?? 0);
    if (stock < qty) {
      await conn.unwatch();
      return false;
    }
    const done = await conn
      .multi()
      .decrby(stockKey, qty)
      .hset(`order:${orderId}`, { sku, qty: String(qty) })
      .rpush('orders:pending', orderId)
      .exec();
    return done === null ? null : true;
  });
}
