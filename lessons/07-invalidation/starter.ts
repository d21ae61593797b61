import type { Redis } from 'ioredis';

/** A row in the product catalogue. */
export interface Product {
  id: number;
  name: string;
  price: number;
  category: string;
}

/** The slow, durable store. */
export interface CatalogDb {
  /** The row under `product:<id>`, or null. */
  get(key: string): Promise<Product | null>;
  /** Writes the row under `product:<id>`. */
  set(key: string, product: Product): Promise<unknown>;
  /** One page (1, 2, ...) of a category's products, ordered by id. */
  listCategory(category: string, page: number): Promise<Product[]>;
}

/** Cache-aside for one product. */
export async function getProduct(redis: Redis, db: CatalogDb, id: number): Promise<Product | null> {
  const key = `product:${id}`;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit) as Product;
  const product = await db.get(key);
  // TODO: a cached product should not live forever, and a missing product should not be cached.
  await redis.set(key, JSON.stringify(product));
  return product;
}

/** Cache-aside for one page of a category. */
export async function getCategoryPage(
  redis: Redis,
  db: CatalogDb,
  category: string,
  page: number,
): Promise<Product[]> {
  // TODO: this never caches. Cache each page, in a way updateProduct can invalidate all of a
  // category's pages at once.
  void redis;
  return db.listCategory(category, page);
}

/** Saves a product to the database and keeps the cache from serving the old one. */
export async function updateProduct(redis: Redis, db: CatalogDb, product: Product): Promise<void> {
  // TODO: the cache still serves the old product and the old category pages after this.
  void redis;
  await db.set(`product:${product.id}`, product);
}
