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

/** Every cached result expires after this long, even if an invalidation is missed. */
const TTL_SECONDS = 300;

function productKey(id: number): string {
  return `product:${id}`;
}

/** The category's current version: bumping it makes every cached page of it unreachable. */
function versionKey(category: string): string {
  return `category:${category}:version`;
}

/** Cache-aside for one product, with a TTL as a safety net. */
export async function getProduct(redis: Redis, db: CatalogDb, id: number): Promise<Product | null> {
  const key = productKey(id);
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit) as Product;
  const product = await db.get(key);
  if (product === null) return null; // nothing to cache: the next read asks again
  await redis.set(key, JSON.stringify(product), 'EX', TTL_SECONDS);
  return product;
}

/** Cache-aside for one page of a category, under a key that includes the category's version. */
export async function getCategoryPage(
  redis: Redis,
  db: CatalogDb,
  category: string,
  page: number,
): Promise<Product[]> {
  const version = (await redis.get(versionKey(category))) ?? '0';
  const key = `category:${category}:v${version}:page:${page}`;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit) as Product[];
  const products = await db.listCategory(category, page);
  await redis.set(key, JSON.stringify(products), 'EX', TTL_SECONDS);
  return products;
}

/** Writes the database, then invalidates: deletes the product, bumps its categories' versions. */
export async function updateProduct(redis: Redis, db: CatalogDb, product: Product): Promise<void> {
  const key = productKey(product.id);
  const before = await db.get(key);
  await db.set(key, product);
  // Delete rather than overwrite: of two racing writers, the one that writes the cache last
  // may hold the older value. A delete can never put an old value back.
  await redis.del(key);
  await redis.incr(versionKey(product.category));
  if (before !== null && before.category !== product.category) {
    await redis.incr(versionKey(before.category)); // it left that category's pages too
  }
}
