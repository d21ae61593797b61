import type { Redis } from 'ioredis';

/** Takes `qty` items from `stock:<sku>` if there are enough. True if it did. */
export async function reserve(redis: Redis, sku: string, qty: number): Promise<boolean> {
  const key = `stock:${sku}`;
  // TODO: between this read and the write below, another request can take the same items.
  const stock = Number((await redis.get(key)) ?? 0);
  if (stock < qty) return false;
  await redis.decrby(key, qty);
  return true;
}

/** Moves `amount` from wallet `from` to wallet `to`, both or neither. False if `from` is short. */
export async function transfer(
  redis: Redis,
  from: string,
  to: string,
  amount: number,
): Promise<boolean> {
  // TODO: the same race as reserve, and a crash between the two writes loses money.
  const balance = Number((await redis.get(`wallet:${from}`)) ?? 0);
  if (balance < amount) return false;
  await redis.decrby(`wallet:${from}`, amount);
  await redis.incrby(`wallet:${to}`, amount);
  return true;
}

/** Places an order: reserves the stock and records the order, all or nothing. */
export async function placeOrder(
  redis: Redis,
  orderId: string,
  sku: string,
  qty: number,
): Promise<boolean> {
  // TODO: record the order as the hash `order:<id>` and push its id onto `orders:pending`,
  // together with the reservation: all of it happens, or none of it.
  void orderId;
  return reserve(redis, sku, qty);
}
