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

/** The set that remembers which cached products the database has not seen yet. */
const DIRTY = 'dirty:products';

function productKey(id: number): string {
  return `product:${id}`;
}

/** Write-through: the database first, then the cache, so the cache never holds an unsaved value. */
export async function saveThrough(redis: Redis, db: ProductDb, product: Product): Promise<void> {
  const key = productKey(product.id);
  await db.set(key, product);
  await redis.set(key, JSON.stringify(product));
}

/** Write-back: the cache now, the database later (at the next flush). */
export async function saveBack(redis: Redis, product: Product): Promise<void> {
  const key = productKey(product.id);
  await redis.multi().set(key, JSON.stringify(product)).sadd(DIRTY, key).exec();
}

/** Writes every dirty product to the database and returns how many it wrote. */
export async function flush(redis: Redis, db: ProductDb): Promise<number> {
  let written = 0;
  // SPOP hands each dirty key to exactly one flusher, even if two run at once.
  for (let key = await redis.spop(DIRTY); key !== null; key = await redis.spop(DIRTY)) {
    const json = await redis.get(key);
    if (json === null) continue; // evicted before we got here: that change is gone
    await db.set(key, JSON.parse(json) as Product);
    written += 1;
  }
  return written;
}
