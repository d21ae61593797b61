import suite from '../../lessons/07-invalidation/checks.ts';
import SOLUTION from '../../lessons/07-invalidation/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'invalidation';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `import type { Redis } from 'ioredis';
interface Product { id: number; name: string; price: number; category: string }
interface CatalogDb {
  get(key: string): Promise<Product | null>;
  set(key: string, product: Product): Promise<unknown>;
  listCategory(category: string, page: number): Promise<Product[]>;
}`;

const GOOD_GET = `
export async function getProduct(redis: Redis, db: CatalogDb, id: number) {
  const hit = await redis.get('product:' + id);
  if (hit !== null) return JSON.parse(hit);
  const product = await db.get('product:' + id);
  if (product) await redis.set('product:' + id, JSON.stringify(product), 'EX', 300);
  return product;
}`;
const GOOD_PAGE = `
export async function getCategoryPage(redis: Redis, db: CatalogDb, category: string, page: number) {
  const v = (await redis.get('catver:' + category)) ?? '0';
  const key = 'cat:' + category + ':' + v + ':' + page;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit);
  const products = await db.listCategory(category, page);
  await redis.set(key, JSON.stringify(products), 'EX', 300);
  return products;
}`;
const GOOD_UPDATE = `
export async function updateProduct(redis: Redis, db: CatalogDb, product: Product) {
  const before = await db.get('product:' + product.id);
  await db.set('product:' + product.id, product);
  await redis.del('product:' + product.id);
  await redis.incr('catver:' + product.category);
  if (before && before.category !== product.category) await redis.incr('catver:' + before.category);
}`;

/** An updateProduct body that writes the database, then runs `after` (with `key` and `before`). */
const update = (after: string) => `
export async function updateProduct(redis: Redis, db: CatalogDb, product: Product) {
  const key = 'product:' + product.id;
  const before = await db.get(key);
  await db.set(key, product);
  ${after}
}`;

const wrong = [
  {
    name: 'caches products without a TTL',
    fails: check('a cached product expires after 300 seconds'),
    source: `${HEADER}
export async function getProduct(redis: Redis, db: CatalogDb, id: number) {
  const hit = await redis.get('product:' + id);
  if (hit !== null) return JSON.parse(hit);
  const product = await db.get('product:' + id);
  if (product) await redis.set('product:' + id, JSON.stringify(product));
  return product;
}${GOOD_PAGE}${GOOD_UPDATE}`,
  },
  {
    name: 'caches the null of a missing product',
    fails: check('getProduct returns null for a product that does not exist'),
    source: `${HEADER}
export async function getProduct(redis: Redis, db: CatalogDb, id: number) {
  const hit = await redis.get('product:' + id);
  if (hit !== null) return JSON.parse(hit);
  const product = await db.get('product:' + id);
  await redis.set('product:' + id, JSON.stringify(product), 'EX', 300);
  return product;
}${GOOD_PAGE}${GOOD_UPDATE}`,
  },
  {
    name: 'updates only the database',
    fails: check('updateProduct writes the database, and the next getProduct'),
    source: `${HEADER}${GOOD_GET}${GOOD_PAGE}${update(`void before; void redis;`)}`,
  },
  {
    name: 'overwrites the cached product with SET instead of deleting it',
    fails: check('two updates of one product racing'),
    source: `${HEADER}${GOOD_GET}${GOOD_PAGE}${update(`
  await redis.set(key, JSON.stringify(product), 'EX', 300);
  await redis.incr('catver:' + product.category);
  if (before && before.category !== product.category) await redis.incr('catver:' + before.category);`)}`,
  },
  {
    name: 'deletes the cached product before writing the database',
    fails: check('a getProduct on another app server that runs while'),
    source: `${HEADER}${GOOD_GET}${GOOD_PAGE}
export async function updateProduct(redis: Redis, db: CatalogDb, product: Product) {
  const key = 'product:' + product.id;
  const before = await db.get(key);
  await redis.del(key);
  await redis.incr('catver:' + product.category);
  if (before && before.category !== product.category) await redis.incr('catver:' + before.category);
  await db.set(key, product);
}`,
  },
  {
    name: 'never caches category pages',
    fails: check('getCategoryPage caches each page'),
    source: `${HEADER}${GOOD_GET}
export async function getCategoryPage(redis: Redis, db: CatalogDb, category: string, page: number) {
  return db.listCategory(category, page);
}${GOOD_UPDATE}`,
  },
  {
    name: 'caches category pages without a TTL',
    fails: check('getCategoryPage caches each page'),
    source: `${HEADER}${GOOD_GET}
export async function getCategoryPage(redis: Redis, db: CatalogDb, category: string, page: number) {
  const v = (await redis.get('catver:' + category)) ?? '0';
  const key = 'cat:' + category + ':' + v + ':' + page;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit);
  const products = await db.listCategory(category, page);
  await redis.set(key, JSON.stringify(products));
  return products;
}${GOOD_UPDATE}`,
  },
  {
    name: 'caches one key per category, ignoring the page number',
    fails: check('getCategoryPage caches each page'),
    source: `${HEADER}${GOOD_GET}
export async function getCategoryPage(redis: Redis, db: CatalogDb, category: string, page: number) {
  const hit = await redis.get('category:' + category);
  if (hit !== null) return JSON.parse(hit);
  const products = await db.listCategory(category, page);
  await redis.set('category:' + category, JSON.stringify(products), 'EX', 300);
  return products;
}
export async function updateProduct(redis: Redis, db: CatalogDb, product: Product) {
  const before = await db.get('product:' + product.id);
  await db.set('product:' + product.id, product);
  await redis.del('product:' + product.id, 'category:' + product.category, 'category:' + (before?.category ?? ''));
}`,
  },
  {
    name: 'invalidates only the first page of the category',
    fails: check("updateProduct makes every cached page of the product's category fresh"),
    source: `${HEADER}${GOOD_GET}
export async function getCategoryPage(redis: Redis, db: CatalogDb, category: string, page: number) {
  const key = 'cat:' + category + ':' + page;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit);
  const products = await db.listCategory(category, page);
  await redis.set(key, JSON.stringify(products), 'EX', 300);
  return products;
}${update(`
  await redis.del(key, 'cat:' + product.category + ':1');
  if (before && before.category !== product.category) await redis.del('cat:' + before.category + ':1');`)}`,
  },
  {
    name: 'bumps one global version, so every category is refetched after any update',
    fails: check("updateProduct makes every cached page of the product's category fresh"),
    source: `${HEADER}${GOOD_GET}
export async function getCategoryPage(redis: Redis, db: CatalogDb, category: string, page: number) {
  const v = (await redis.get('catalog:version')) ?? '0';
  const key = 'cat:' + v + ':' + category + ':' + page;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit);
  const products = await db.listCategory(category, page);
  await redis.set(key, JSON.stringify(products), 'EX', 300);
  return products;
}${update(`
  void before;
  await redis.del(key);
  await redis.incr('catalog:version');`)}`,
  },
  {
    name: 'forgets the category a product moved out of',
    fails: check('moving a product to another category'),
    source: `${HEADER}${GOOD_GET}${GOOD_PAGE}${update(`
  void before;
  await redis.del(key);
  await redis.incr('catver:' + product.category);`)}`,
  },
  {
    name: 'overwrites the cache under a module-level JavaScript lock, which a second app server does not share',
    fails: check('two updates of one product racing'),
    source: `${HEADER}${GOOD_GET}${GOOD_PAGE}
let queue: Promise<unknown> = Promise.resolve();
export function updateProduct(redis: Redis, db: CatalogDb, product: Product) {
  const run = queue.then(async () => {
    const before = await db.get('product:' + product.id);
    await db.set('product:' + product.id, product);
    await redis.set('product:' + product.id, JSON.stringify(product), 'EX', 300);
    await redis.incr('catver:' + product.category);
    if (before && before.category !== product.category) await redis.incr('catver:' + before.category);
  });
  queue = run.catch(() => undefined);
  return run;
}`,
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'an index set of page keys per category, deleted with UNLINK on update',
    source: `${HEADER}${GOOD_GET}
export async function getCategoryPage(redis: Redis, db: CatalogDb, category: string, page: number) {
  const key = \`pages:\${category}:\${page}\`;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit);
  const products = await db.listCategory(category, page);
  await redis.multi().set(key, JSON.stringify(products), 'EX', 300).sadd(\`pages:\${category}\`, key).expire(\`pages:\${category}\`, 300).exec();
  return products;
}
async function dropPages(redis: Redis, category: string) {
  const keys = await redis.smembers(\`pages:\${category}\`);
  await redis.unlink(\`pages:\${category}\`, ...keys);
}${update(`
  await redis.unlink(key);
  await dropPages(redis, product.category);
  if (before && before.category !== product.category) await dropPages(redis, before.category);`)}`,
  },
  {
    name: 'versions in one hash with HINCRBY, SETEX, and MULTI in updateProduct',
    source: `${HEADER}
export async function getProduct(redis: Redis, db: CatalogDb, id: number): Promise<Product | null> {
  const cached = await redis.get(\`product:\${id}\`);
  if (cached) return JSON.parse(cached) as Product;
  const row = await db.get(\`product:\${id}\`);
  if (row === null) return null;
  await redis.setex(\`product:\${id}\`, 300, JSON.stringify(row));
  return row;
}
export async function getCategoryPage(redis: Redis, db: CatalogDb, category: string, page: number) {
  const v = Number(await redis.hget('catalog:versions', category));
  const key = \`listing:\${category}:\${v}:\${page}\`;
  const cached = await redis.get(key);
  if (cached) return JSON.parse(cached) as Product[];
  const rows = await db.listCategory(category, page);
  await redis.setex(key, 300, JSON.stringify(rows));
  return rows;
}
export async function updateProduct(redis: Redis, db: CatalogDb, product: Product) {
  const old = await db.get(\`product:\${product.id}\`);
  await db.set(\`product:\${product.id}\`, product);
  const tx = redis.multi().del(\`product:\${product.id}\`).hincrby('catalog:versions', product.category, 1);
  if (old && old.category !== product.category) tx.hincrby('catalog:versions', old.category, 1);
  await tx.exec();
}`,
  },
  {
    name: 'plain JavaScript: SCAN + DEL of page keys, pipelines and .then chains',
    source: `
export function getProduct(redis, db, id) {
  const key = 'product:' + id;
  return redis.get(key).then((hit) =>
    hit ? JSON.parse(hit) : db.get(key).then((row) => (row ? redis.set(key, JSON.stringify(row), 'PX', 300000).then(() => row) : null)),
  );
}
export function getCategoryPage(redis, db, category, page) {
  const key = 'page:' + category + ':' + page;
  return redis.get(key).then((hit) =>
    hit ? JSON.parse(hit) : db.listCategory(category, page).then((rows) => redis.set(key, JSON.stringify(rows), 'EX', 300).then(() => rows)),
  );
}
async function dropPages(redis, category) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'page:' + category + ':*', 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
export async function updateProduct(redis, db, product) {
  const before = await db.get('product:' + product.id);
  await db.set('product:' + product.id, product);
  await redis.pipeline().del('product:' + product.id).exec();
  await dropPages(redis, product.category);
  if (before && before.category !== product.category) await dropPages(redis, before.category);
}`,
  },
];

describeVariants('lesson 07-invalidation', SLUG, suite, { wrong, correct });
