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
  // TODO: this only updates the cache. Write-through saves to the database as well:
  // call db.set(key, product) first, and cache the JSON only once that has succeeded.
  void db;
  await redis.set(key, JSON.stringify(product));
}

/** Write-back: the cache now, the database at the next flush. */
export async function saveBack(redis: Redis, product: Product): Promise<void> {
  const key = productKey(product.id);
  await redis.set(key, JSON.stringify(product));
  // TODO: remember that `key` is dirty: add it to the Redis set "dirty:products" (SADD).
}

/** Writes every dirty product to the database and returns how many it wrote. */
export async function flush(redis: Redis, db: ProductDb): Promise<number> {
  // TODO: take each key out of "dirty:products" (SPOP hands them out one at a time), read
  // its JSON from the cache and db.set(key, JSON.parse(json)). Skip keys whose cache entry
  // is gone (GET returns null). Return how many products you wrote.
  void redis;
  void db;
  return 0;
}
