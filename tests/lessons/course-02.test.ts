import suite from '../../lessons/02-cache-patterns/checks.ts';
import SOLUTION from '../../lessons/02-cache-patterns/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'cache-patterns';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `
import type { Redis } from 'ioredis';
interface Product { id: number; name: string; price: number }
interface ProductDb { set(key: string, value: Product): Promise<unknown> }
`;

const GOOD_SAVE_THROUGH = `
export async function saveThrough(redis: Redis, db: ProductDb, product: Product) {
  await db.set('product:' + product.id, product);
  await redis.set('product:' + product.id, JSON.stringify(product));
}`;
const GOOD_SAVE_BACK = `
export async function saveBack(redis: Redis, product: Product) {
  await redis.set('product:' + product.id, JSON.stringify(product));
  await redis.sadd('dirty:products', 'product:' + product.id);
}`;
const GOOD_FLUSH = `
export async function flush(redis: Redis, db: ProductDb) {
  let n = 0;
  for (let key = await redis.spop('dirty:products'); key; key = await redis.spop('dirty:products')) {
    const json = await redis.get(key);
    if (json === null) continue;
    await db.set(key, JSON.parse(json));
    n++;
  }
  return n;
}`;

const wrong = [
  {
    name: 'only updates the cache',
    fails: check('saveThrough writes the product to the database'),
    source: `${HEADER}
export async function saveThrough(redis: Redis, db: ProductDb, product: Product) {
  await redis.set('product:' + product.id, JSON.stringify(product));
}${GOOD_SAVE_BACK}${GOOD_FLUSH}`,
  },
  {
    name: 'caches the object without JSON.stringify',
    fails: check('saveThrough also caches the product as JSON'),
    source: `${HEADER}
export async function saveThrough(redis: Redis, db: ProductDb, product: Product) {
  await db.set('product:' + product.id, product);
  await redis.set('product:' + product.id, String(product));
}${GOOD_SAVE_BACK}${GOOD_FLUSH}`,
  },
  {
    name: 'forgets to return how many products flush wrote',
    fails: check('flush writes every dirty product'),
    source: `${HEADER}${GOOD_SAVE_THROUGH}${GOOD_SAVE_BACK}
export async function flush(redis: Redis, db: ProductDb) {
  for (let key = await redis.spop('dirty:products'); key; key = await redis.spop('dirty:products')) {
    const json = await redis.get(key);
    if (json !== null) await db.set(key, JSON.parse(json));
  }
}`,
  },
  {
    name: 'caches before writing the database',
    fails: check('saveThrough writes the database first'),
    source: `${HEADER}
export async function saveThrough(redis: Redis, db: ProductDb, product: Product) {
  await redis.set('product:' + product.id, JSON.stringify(product));
  await db.set('product:' + product.id, product);
}${GOOD_SAVE_BACK}${GOOD_FLUSH}`,
  },
  {
    name: 'starts both write-through writes at once with Promise.all',
    fails: check('saveThrough writes the database first'),
    source: `${HEADER}
export async function saveThrough(redis: Redis, db: ProductDb, product: Product) {
  await Promise.all([
    db.set('product:' + product.id, product),
    redis.set('product:' + product.id, JSON.stringify(product)),
  ]);
}${GOOD_SAVE_BACK}${GOOD_FLUSH}`,
  },
  {
    name: 'swallows a failed database write',
    fails: check('saveThrough writes the database first'),
    source: `${HEADER}
export async function saveThrough(redis: Redis, db: ProductDb, product: Product) {
  try { await db.set('product:' + product.id, product); } catch { return; }
  await redis.set('product:' + product.id, JSON.stringify(product));
}${GOOD_SAVE_BACK}${GOOD_FLUSH}`,
  },
  {
    name: 'queues dirty keys in a JavaScript array instead of Redis',
    fails: check('saveBack caches the product as JSON and marks'),
    source: `${HEADER}${GOOD_SAVE_THROUGH}
const dirty: string[] = [];
export async function saveBack(redis: Redis, product: Product) {
  await redis.set('product:' + product.id, JSON.stringify(product));
  dirty.push('product:' + product.id);
}
export async function flush(redis: Redis, db: ProductDb) {
  const keys = dirty.splice(0);
  for (const key of keys) await db.set(key, JSON.parse((await redis.get(key)) as string));
  return keys.length;
}`,
  },
  {
    name: 'queues dirty keys in a list, so repeated saves are written repeatedly',
    fails: check('three saveBack calls for one product'),
    source: `${HEADER}${GOOD_SAVE_THROUGH}
export async function saveBack(redis: Redis, product: Product) {
  await redis.set('product:' + product.id, JSON.stringify(product));
  await redis.rpush('dirty:products', 'product:' + product.id);
}
export async function flush(redis: Redis, db: ProductDb) {
  let n = 0;
  for (let key = await redis.lpop('dirty:products'); key; key = await redis.lpop('dirty:products')) {
    const json = await redis.get(key);
    if (json === null) continue;
    await db.set(key, JSON.parse(json));
    n++;
  }
  return n;
}`,
  },
  {
    name: 'never clears the dirty set',
    fails: check('flush empties "dirty:products"'),
    source: `${HEADER}${GOOD_SAVE_THROUGH}${GOOD_SAVE_BACK}
export async function flush(redis: Redis, db: ProductDb) {
  let n = 0;
  for (const key of await redis.smembers('dirty:products')) {
    const json = await redis.get(key);
    if (json === null) continue;
    await db.set(key, JSON.parse(json));
    n++;
  }
  return n;
}`,
  },
  {
    name: 'writes null for a dirty key whose cache entry was evicted',
    fails: check('flush skips a dirty product whose cache entry has gone'),
    source: `${HEADER}${GOOD_SAVE_THROUGH}${GOOD_SAVE_BACK}
export async function flush(redis: Redis, db: ProductDb) {
  const keys = await redis.smembers('dirty:products');
  for (const key of keys) {
    await db.set(key, JSON.parse((await redis.get(key)) ?? 'null'));
    await redis.srem('dirty:products', key);
  }
  return keys.length;
}`,
  },
  {
    name: 'keeps a copy of unflushed products in app memory',
    fails: check('if the cache is lost before a flush'),
    source: `${HEADER}${GOOD_SAVE_THROUGH}
const pending = new Map<string, Product>();
export async function saveBack(redis: Redis, product: Product) {
  await redis.set('product:' + product.id, JSON.stringify(product));
  await redis.sadd('dirty:products', 'product:' + product.id);
  pending.set('product:' + product.id, product);
}
export async function flush(redis: Redis, db: ProductDb) {
  await redis.del('dirty:products');
  let n = 0;
  for (const [key, product] of pending) {
    await db.set(key, product);
    n++;
  }
  pending.clear();
  return n;
}`,
  },
  {
    name: 'writes every dirty key, then DELs the whole set, losing saves made meanwhile',
    fails: check('a save that lands while flush is writing is not lost'),
    source: `${HEADER}${GOOD_SAVE_THROUGH}${GOOD_SAVE_BACK}
export async function flush(redis: Redis, db: ProductDb) {
  let n = 0;
  for (const key of await redis.smembers('dirty:products')) {
    const json = await redis.get(key);
    if (json === null) continue;
    await db.set(key, JSON.parse(json));
    n++;
  }
  await redis.del('dirty:products');
  return n;
}`,
  },
  {
    name: 'SREMs each key after writing it, so a save made during the write loses its marker',
    fails: check('a save that lands while flush is writing is not lost'),
    source: `${HEADER}${GOOD_SAVE_THROUGH}${GOOD_SAVE_BACK}
export async function flush(redis: Redis, db: ProductDb) {
  let n = 0;
  for (const key of await redis.smembers('dirty:products')) {
    const json = await redis.get(key);
    if (json !== null) {
      await db.set(key, JSON.parse(json));
      n++;
    }
    await redis.srem('dirty:products', key);
  }
  return n;
}`,
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'plain JavaScript with .then chains, pretty-printed JSON and a cache TTL',
    source: `
export function saveThrough(redis, db, product) {
  const key = \`product:\${product.id}\`;
  return db.set(key, product).then(() => redis.set(key, JSON.stringify(product, null, 2), 'EX', 3600)).then(() => {});
}
export function saveBack(redis, product) {
  const key = \`product:\${product.id}\`;
  return redis.pipeline().set(key, JSON.stringify(product, null, 2)).sadd('dirty:products', key).exec().then(() => {});
}
export function flush(redis, db) {
  return redis.smembers('dirty:products').then(async (keys) => {
    if (keys.length === 0) return 0;
    const values = await redis.mget(...keys);
    await redis.srem('dirty:products', ...keys);
    let written = 0;
    for (let i = 0; i < keys.length; i++) {
      if (values[i] == null) continue;
      await db.set(keys[i], JSON.parse(values[i]));
      written += 1;
    }
    return written;
  });
}`,
  },
  {
    name: 'MULTI for saveBack and SPOP with a count in flush',
    source: `${HEADER}${GOOD_SAVE_THROUGH}
export async function saveBack(redis: Redis, product: Product): Promise<void> {
  const key = 'product:' + product.id;
  await redis.multi().sadd('dirty:products', key).set(key, JSON.stringify({ price: product.price, name: product.name, id: product.id })).exec();
}
export async function flush(redis: Redis, db: ProductDb): Promise<number> {
  let written = 0;
  while (true) {
    const keys = await redis.spop('dirty:products', 50);
    if (keys.length === 0) return written;
    for (const key of keys) {
      const json = await redis.get(key);
      if (json !== null) {
        await db.set(key, JSON.parse(json));
        written++;
      }
    }
  }
}`,
  },
];

correct.push({
  name: 'RENAME the dirty set to a private batch key first, then work through the batch',
  source: `${HEADER}${GOOD_SAVE_THROUGH}${GOOD_SAVE_BACK}
export async function flush(redis: Redis, db: ProductDb): Promise<number> {
  if ((await redis.exists('dirty:products')) === 0) return 0;
  const batch = 'dirty:products:flushing:' + Math.random().toString(36).slice(2);
  await redis.rename('dirty:products', batch);
  let written = 0;
  for (const key of await redis.smembers(batch)) {
    const json = await redis.get(key);
    if (json === null) continue;
    await db.set(key, JSON.parse(json));
    written++;
  }
  await redis.del(batch);
  return written;
}`,
});

describeVariants('lesson 02-cache-patterns', SLUG, suite, { wrong, correct });
