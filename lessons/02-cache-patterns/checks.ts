import { defineChecks } from 'cachelab/checks';

interface Product {
  id: number;
  name: string;
  price: number;
}

interface ProductDb {
  set(key: string, value: Product): Promise<unknown>;
}

interface Exports {
  saveThrough(redis: unknown, db: ProductDb, product: Product): Promise<void>;
  saveBack(redis: unknown, product: Product): Promise<void>;
  flush(redis: unknown, db: ProductDb): Promise<number>;
}

const lamp: Product = { id: 7, name: 'Desk lamp', price: 39 };
const chair: Product = { id: 8, name: 'Office chair', price: 149 };
const mug: Product = { id: 9, name: 'Mug', price: 6 };

/** The fake database's `api`, typed the way the learner's functions expect it. */
function asProductDb(api: unknown): ProductDb {
  return api as ProductDb;
}

export default defineChecks<Exports>({
  exports: ['saveThrough', 'saveBack', 'flush'],
  checks: [
    {
      name: 'saveThrough writes the product to the database under "product:<id>"',
      async run({ learner, client, fakeDb, expect }) {
        const db = fakeDb();
        await learner.saveThrough(client, asProductDb(db.api), lamp);
        expect(db.rows.get('product:7'), 'database row "product:7"').to.deep.equal(lamp);
      },
    },
    {
      name: 'saveThrough also caches the product as JSON under "product:<id>"',
      async run({ learner, client, redis, fakeDb, expect }) {
        const db = fakeDb();
        await learner.saveThrough(client, asProductDb(db.api), lamp);
        const cached = await redis.get('product:7');
        expect(cached, 'cached value of "product:7"').to.be.a('string');
        expect(JSON.parse(cached!), 'JSON.parse of "product:7"').to.deep.equal(lamp);
      },
    },
    {
      name: 'saveThrough writes the database first: if that write fails, the cache keeps its old value and the error reaches the caller',
      async run({ learner, client, redis, fakeDb, expect }) {
        const before = JSON.stringify(lamp);
        await redis.set('product:7', before);
        const db = fakeDb({
          methods: {
            set: () => {
              throw new Error('database is down');
            },
          },
        });
        let rejected = false;
        try {
          await learner.saveThrough(client, asProductDb(db.api), { ...lamp, price: 45 });
        } catch {
          rejected = true;
        }
        expect(await redis.get('product:7'), 'cached "product:7" after the failed save').to.equal(
          before,
        );
        expect(rejected, 'saveThrough rejected when db.set failed').to.equal(true);
      },
    },
    {
      name: 'saveBack caches the product as JSON and marks "product:<id>" dirty in the set "dirty:products"',
      async run({ learner, client, redis, expect }) {
        await learner.saveBack(client, chair);
        const cached = await redis.get('product:8');
        expect(cached, 'cached value of "product:8"').to.be.a('string');
        expect(JSON.parse(cached!), 'JSON.parse of "product:8"').to.deep.equal(chair);
        expect(await redis.type('dirty:products'), 'type of "dirty:products"').to.equal('set');
        expect(await redis.smembers('dirty:products'), 'members of "dirty:products"').to.deep.equal(
          ['product:8'],
        );
      },
    },
    {
      name: 'flush writes every dirty product to the database and returns how many it wrote',
      async run({ learner, client, fakeDb, expect }) {
        const db = fakeDb();
        await learner.saveBack(client, chair);
        await learner.saveBack(client, mug);
        expect(db.writes, 'database writes before flush').to.have.length(0);
        const written = await learner.flush(client, asProductDb(db.api));
        expect(written, 'flush return value').to.equal(2);
        expect(db.rows.get('product:8'), 'database row "product:8"').to.deep.equal(chair);
        expect(db.rows.get('product:9'), 'database row "product:9"').to.deep.equal(mug);
      },
    },
    {
      name: 'flush empties "dirty:products", so a second flush writes nothing',
      async run({ learner, client, redis, fakeDb, expect }) {
        const db = fakeDb();
        await learner.saveBack(client, chair);
        await learner.flush(client, asProductDb(db.api));
        expect(
          await redis.scard('dirty:products'),
          'size of "dirty:products" after flush',
        ).to.equal(0);
        const writesAfterFirst = db.writes.length;
        expect(
          await learner.flush(client, asProductDb(db.api)),
          'second flush return value',
        ).to.equal(0);
        expect(db.writes.length, 'database writes after the second flush').to.equal(
          writesAfterFirst,
        );
      },
    },
    {
      name: 'three saveBack calls for one product before a flush cost a single database write, with the latest values',
      async run({ learner, client, fakeDb, expect }) {
        const db = fakeDb();
        await learner.saveBack(client, { ...mug, price: 5 });
        await learner.saveBack(client, { ...mug, price: 6 });
        await learner.saveBack(client, { ...mug, price: 7 });
        expect(await learner.flush(client, asProductDb(db.api)), 'flush return value').to.equal(1);
        expect(db.writes, 'database writes').to.have.length(1);
        expect(db.rows.get('product:9'), 'database row "product:9"').to.deep.equal({
          ...mug,
          price: 7,
        });
      },
    },
    {
      name: 'a save that lands while flush is writing is not lost: the next flush writes it',
      async run({ learner, client, redis, fakeDb, expect }) {
        // Another app server saves while this flush is in the middle of db.set: it re-saves
        // the very product being written, and saves a product that was not dirty before.
        const newer: Record<string, Product> = {
          'product:8': { ...chair, price: 129 },
          'product:9': { ...mug, price: 4 },
        };
        const desk: Product = { id: 10, name: 'Standing desk', price: 420 };
        const rows = new Map<string, unknown>();
        let savedDuringFlush: string | null = null;
        const db = fakeDb({
          methods: {
            set: async (key: unknown, value: unknown) => {
              if (savedDuringFlush === null && typeof key === 'string' && key in newer) {
                savedDuringFlush = key;
                await redis.set(key, JSON.stringify(newer[key]));
                await redis.sadd('dirty:products', key);
                await redis.set('product:10', JSON.stringify(desk));
                await redis.sadd('dirty:products', 'product:10');
              }
              rows.set(String(key), value);
              return true;
            },
          },
        });
        await learner.saveBack(client, chair);
        await learner.saveBack(client, mug);
        await learner.flush(client, asProductDb(db.api));
        expect(savedDuringFlush, 'a key flush passed to db.set').to.be.a('string');
        await learner.flush(client, asProductDb(db.api));
        const key = savedDuringFlush as unknown as string;
        expect(
          rows.get(key),
          `database row "${key}" after two flushes (it was saved again during the first)`,
        ).to.deep.equal(newer[key]);
        expect(
          rows.get('product:10'),
          'database row "product:10" after two flushes (saved during the first)',
        ).to.deep.equal(desk);
      },
    },
    {
      name: 'flush skips a dirty product whose cache entry has gone, instead of writing null',
      async run({ learner, client, redis, fakeDb, expect }) {
        const db = fakeDb();
        await learner.saveBack(client, chair);
        await learner.saveBack(client, mug);
        await redis.del('product:8'); // evicted before the flush
        expect(await learner.flush(client, asProductDb(db.api)), 'flush return value').to.equal(1);
        expect(db.rows.has('product:8'), 'database has a row "product:8"').to.equal(false);
        expect(db.rows.get('product:9'), 'database row "product:9"').to.deep.equal(mug);
      },
    },
    {
      name: 'if the cache is lost before a flush, write-back changes are lost but write-through changes survive',
      async run({ learner, client, redis, fakeDb, expect }) {
        const db = fakeDb();
        await learner.saveThrough(client, asProductDb(db.api), lamp);
        await learner.saveBack(client, chair);
        await redis.flushdb(); // the cache restarts with empty memory
        expect(
          await learner.flush(client, asProductDb(db.api)),
          'flush return value after the crash',
        ).to.equal(0);
        expect(db.rows.get('product:7'), 'database row "product:7" (write-through)').to.deep.equal(
          lamp,
        );
        expect(
          db.rows.has('product:8'),
          'database has "product:8" (write-back, never flushed)',
        ).to.equal(false);
      },
    },
  ],
});
