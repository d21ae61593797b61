import type { Redis } from 'ioredis';
import { defineChecks, type CheckContext, type FakeDb } from 'cachelab/checks';

interface Product {
  id: number;
  name: string;
  price: number;
  category: string;
}

interface Exports {
  getProduct(redis: unknown, db: unknown, id: number): Promise<Product | null>;
  getCategoryPage(redis: unknown, db: unknown, category: string, page: number): Promise<Product[]>;
  updateProduct(redis: unknown, db: unknown, product: Product): Promise<void>;
}

const SECOND = 1000;
const PAGE_SIZE = 2;

const lampA: Product = { id: 7, name: 'Desk lamp', price: 39, category: 'lamps' };
const lampB: Product = { id: 8, name: 'Floor lamp', price: 89, category: 'lamps' };
const lampC: Product = { id: 9, name: 'Reading lamp', price: 25, category: 'lamps' };
const chairA: Product = { id: 20, name: 'Office chair', price: 149, category: 'chairs' };
const chairB: Product = { id: 21, name: 'Stool', price: 35, category: 'chairs' };
const ALL = [lampA, lampB, lampC, chairA, chairB];

/** When a gated `db.set` pauses: before it writes its row, or after. */
type Gate = 'before-write' | 'after-write';

/** A catalogue database seeded with ALL; listCategory pages over its current rows. */
function catalog(fakeDb: CheckContext<Exports>['fakeDb'], gate?: Gate) {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const state = { setCalls: 0, paused: false };
  const rows = Object.fromEntries(ALL.map((p) => [`product:${p.id}`, p]));
  const db: FakeDb = fakeDb({
    rows,
    methods: {
      listCategory: (category: unknown, page: unknown) => {
        const inCategory = [...db.rows.values()]
          .map((row) => row as Product)
          .filter((p) => p.category === category)
          .sort((a, b) => a.id - b.id);
        const start = (Number(page) - 1) * PAGE_SIZE;
        return inCategory.slice(start, start + PAGE_SIZE);
      },
      ...(gate
        ? {
            set: async (key: unknown, value: unknown) => {
              state.setCalls += 1;
              const first = state.setCalls === 1;
              if (first && gate === 'before-write') {
                state.paused = true;
                await released;
              }
              db.rows.set(String(key), value);
              if (first && gate === 'after-write') {
                state.paused = true;
                await released;
              }
              return true;
            },
          }
        : {}),
    },
  });
  return { db, api: db.api as unknown, state, release };
}

/** Lets other promises run until `done()` holds (or a bounded number of round trips pass). */
async function until(redis: Redis, done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 2000 && !done(); turn++) await redis.ping();
}

/** Calls to listCategory for one category. */
function listCalls(db: FakeDb, category: string): number {
  return db.callsTo('listCategory').filter((call) => call.args[0] === category).length;
}

export default defineChecks<Exports>({
  exports: ['getProduct', 'getCategoryPage', 'updateProduct'],
  checks: [
    {
      name: 'getProduct reads the database once on a miss, caches the product under "product:<id>", and serves the next read from the cache',
      async run({ learner, client, redis, fakeDb, expect }) {
        const { db, api } = catalog(fakeDb);
        expect(await learner.getProduct(client, api, 7), 'getProduct(7) on a miss').to.deep.equal(
          lampA,
        );
        const cached = await redis.get('product:7');
        expect(cached, 'value of "product:7"').to.be.a('string');
        expect(JSON.parse(cached!), 'JSON.parse of "product:7"').to.deep.equal(lampA);
        expect(await learner.getProduct(client, api, 7), 'getProduct(7) again').to.deep.equal(
          lampA,
        );
        expect(db.callsTo('get').length, 'calls to db.get over two reads').to.equal(1);
      },
    },
    {
      name: 'a cached product expires after 300 seconds, so a change the cache never heard of shows up within 5 minutes',
      async run({ learner, client, redis, fakeDb, clock, expect }) {
        const { db, api } = catalog(fakeDb);
        await learner.getProduct(client, api, 7);
        expect(
          await redis.ttl('product:7'),
          'TTL of "product:7" in seconds (-1: no expiry)',
        ).to.be.within(299, 300);
        // An admin script changes the row directly, without calling updateProduct.
        db.rows.set('product:7', { ...lampA, price: 42 });
        await clock.advance(301 * SECOND);
        expect(await learner.getProduct(client, api, 7), 'getProduct(7) 301 s later').to.deep.equal(
          { ...lampA, price: 42 },
        );
      },
    },
    {
      name: 'getProduct returns null for a product that does not exist, and caches nothing for it',
      async run({ learner, client, fakeDb, expect }) {
        const { db, api } = catalog(fakeDb);
        expect(await learner.getProduct(client, api, 99), 'getProduct(99)').to.equal(null);
        const added: Product = { id: 99, name: 'Bookshelf', price: 120, category: 'shelves' };
        db.rows.set('product:99', added);
        expect(
          await learner.getProduct(client, api, 99),
          'getProduct(99) once the product exists',
        ).to.deep.equal(added);
      },
    },
    {
      name: 'updateProduct writes the database, and the next getProduct returns the new values even if the old ones were cached',
      async run({ learner, client, fakeDb, expect }) {
        const { db, api } = catalog(fakeDb);
        await learner.getProduct(client, api, 7);
        const cheaper = { ...lampA, price: 29 };
        await learner.updateProduct(client, api, cheaper);
        expect(db.rows.get('product:7'), 'database row "product:7"').to.deep.equal(cheaper);
        expect(
          await learner.getProduct(client, api, 7),
          'getProduct(7) after the update',
        ).to.deep.equal(cheaper);
      },
    },
    {
      name: 'a getProduct on another app server that runs while updateProduct is writing the database does not leave the old product in the cache',
      async run({ learner, newServer, client, redis, fakeDb, expect }) {
        const { api, state, release } = catalog(fakeDb, 'before-write');
        const cheaper = { ...lampA, price: 29 };
        const update = learner.updateProduct(client, api, cheaper);
        await until(redis, () => state.paused);
        expect(state.paused, 'updateProduct called db.set').to.equal(true);
        // A reader on another app server: the database still holds the old row, so this read
        // may return it (and cache it).
        await newServer().getProduct(client, api, 7);
        release();
        await update;
        expect(
          await learner.getProduct(client, api, 7),
          'getProduct(7) after the update finished',
        ).to.deep.equal(cheaper);
      },
    },
    {
      name: 'two updates of one product racing on two app servers: afterwards the cache agrees with the database (delete, do not overwrite)',
      async run({ learner, newServer, client, redis, fakeDb, expect }) {
        const { db, api, state, release } = catalog(fakeDb, 'after-write');
        const first = { ...lampA, price: 45 };
        const second = { ...lampA, price: 50 };
        // The first update writes its row, then stalls; the second writes its row and finishes;
        // then the first carries on. The database ends with the second update's row.
        const slow = learner.updateProduct(client, api, first);
        await until(redis, () => state.paused);
        expect(state.paused, 'updateProduct called db.set').to.equal(true);
        await newServer().updateProduct(client, api, second); // on another app server
        release();
        await slow;
        expect(db.rows.get('product:7'), 'database row "product:7"').to.deep.equal(second);
        expect(
          await learner.getProduct(client, api, 7),
          'getProduct(7) after both updates',
        ).to.deep.equal(second);
      },
    },
    {
      name: 'getCategoryPage caches each page: asking again does not call the database, until 300 seconds have passed',
      async run({ learner, client, fakeDb, clock, expect }) {
        const { db, api } = catalog(fakeDb);
        expect(
          await learner.getCategoryPage(client, api, 'lamps', 1),
          'getCategoryPage("lamps", 1)',
        ).to.deep.equal([lampA, lampB]);
        expect(
          await learner.getCategoryPage(client, api, 'lamps', 2),
          'getCategoryPage("lamps", 2)',
        ).to.deep.equal([lampC]);
        expect(
          await learner.getCategoryPage(client, api, 'lamps', 1),
          'getCategoryPage("lamps", 1) again',
        ).to.deep.equal([lampA, lampB]);
        expect(
          await learner.getCategoryPage(client, api, 'lamps', 2),
          'getCategoryPage("lamps", 2) again',
        ).to.deep.equal([lampC]);
        expect(listCalls(db, 'lamps'), 'calls to db.listCategory for four reads').to.equal(2);
        await clock.advance(301 * SECOND);
        await learner.getCategoryPage(client, api, 'lamps', 1);
        expect(listCalls(db, 'lamps'), 'calls to db.listCategory 301 s later').to.equal(3);
      },
    },
    {
      name: "updateProduct makes every cached page of the product's category fresh, and leaves other categories cached",
      async run({ learner, client, fakeDb, expect }) {
        const { db, api } = catalog(fakeDb);
        for (const page of [1, 2]) await learner.getCategoryPage(client, api, 'lamps', page);
        await learner.getCategoryPage(client, api, 'chairs', 1);
        const pricier = { ...lampC, price: 30 };
        await learner.updateProduct(client, api, pricier);
        expect(
          await learner.getCategoryPage(client, api, 'lamps', 2),
          'getCategoryPage("lamps", 2) after updating product 9',
        ).to.deep.equal([pricier]);
        const renamed = { ...lampA, name: 'Desk lamp, brass' };
        await learner.updateProduct(client, api, renamed);
        expect(
          await learner.getCategoryPage(client, api, 'lamps', 1),
          'getCategoryPage("lamps", 1) after updating product 7',
        ).to.deep.equal([renamed, lampB]);
        const chairCalls = listCalls(db, 'chairs');
        expect(
          await learner.getCategoryPage(client, api, 'chairs', 1),
          'getCategoryPage("chairs", 1)',
        ).to.deep.equal([chairA, chairB]);
        expect(
          listCalls(db, 'chairs') - chairCalls,
          'database calls for "chairs" page 1, which no update touched',
        ).to.equal(0);
      },
    },
    {
      name: 'moving a product to another category refreshes the pages of both categories',
      async run({ learner, client, fakeDb, expect }) {
        const { api } = catalog(fakeDb);
        for (const page of [1, 2]) await learner.getCategoryPage(client, api, 'lamps', page);
        await learner.getCategoryPage(client, api, 'chairs', 1);
        const moved = { ...lampC, category: 'chairs' };
        await learner.updateProduct(client, api, moved);
        expect(
          await learner.getCategoryPage(client, api, 'lamps', 2),
          'getCategoryPage("lamps", 2) after product 9 moved to chairs',
        ).to.deep.equal([]);
        expect(
          await learner.getCategoryPage(client, api, 'chairs', 1),
          'getCategoryPage("chairs", 1) after product 9 moved in',
        ).to.deep.equal([moved, chairA]);
      },
    },
  ],
});
