import type { Redis } from 'ioredis';

/** A row in the product catalogue. */
export interface Product {
  id: number;
  name: string;
  price: number;
}

/** The slow, durable store. `set` resolves once the row is safely written. */
export interface ProductDb {
  set(key: string, value: Product): Promise<unknown>;
}

function productKey(id: number): string {
  return `product:${id}`;
}

/** Write-through: the database and the cache, together. */
export async function saveThrough(redis: Redis, db: ProductDb, product: Product): Promise<void> {
  const key = productKey(product.id);
  // TODO: this only updates the cache. Write-through saves to the database as well, and the
  // order of the two writes matters when one of them fails.
  void db;
  await redis.set(key, JSON.stringify(product));
}

/** Write-back: the cache now, the database at the next flush. */
export async function saveBack(redis: Redis, product: Product): Promise<void> {
  const key = productKey(product.id);
  await redis.set(key, JSON.stringify(product));
  // TODO: remember, in Redis, that `key` is dirty: the set "dirty:products".
}

/** Writes every dirty product to the database and returns how many it wrote. */
export async function flush(redis: Redis, db: ProductDb): Promise<number> {
  // TODO: write each dirty product from the cache to the database, clear its marker without
  // losing a save that lands meanwhile, and return how many products you wrote.
  void redis;
  void db;
  return 0;
}
