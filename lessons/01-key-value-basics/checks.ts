import { defineChecks, type CheckContext } from 'cachelab/checks';
import type { Redis } from 'ioredis';

interface User {
  id: number;
  name: string;
  email: string;
}

interface Post {
  id: number;
  title: string;
  score: number;
}

interface PostsDb {
  fetchPopularPosts(): Promise<Post[]>;
}

interface Exports {
  saveUser(redis: Redis, user: User): Promise<void>;
  loadUser(redis: Redis, id: number): Promise<User | null>;
  deleteUser(redis: Redis, id: number): Promise<boolean>;
  getPopularPosts(redis: Redis, db: PostsDb): Promise<Post[]>;
}

const ada: User = { id: 42, name: 'Ada Lovelace', email: 'ada@example.com' };
const grace: User = { id: 7, name: 'Grace Hopper', email: 'grace@example.com' };

const freshPosts: Post[] = [
  { id: 1, title: 'Why Redis is fast', score: 980 },
  { id: 2, title: 'Cache invalidation, gently', score: 745 },
];
const cachedPosts: Post[] = [{ id: 9, title: 'Already in the cache', score: 512 }];

/** Reads a key that must hold a JSON string, failing with a sentence that says what is wrong. */
async function readJson(redis: Redis, key: string): Promise<unknown> {
  const type = await redis.type(key);
  if (type === 'none') throw new Error(`The key "${key}" does not exist.`);
  if (type !== 'string')
    throw new Error(`The key "${key}" is a ${type}; it should hold a JSON string (use SET).`);
  const raw = (await redis.get(key)) as string;
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error(
      `The key "${key}" holds ${JSON.stringify(raw)}, which is not JSON. Use JSON.stringify.`,
    );
  }
}

/** A fake database whose fetchPopularPosts resolves to `posts`. */
function postsDb(fakeDb: CheckContext<Exports>['fakeDb'], posts: Post[]) {
  const db = fakeDb({ methods: { fetchPopularPosts: { returns: posts } } });
  return { db, api: db.api as unknown as PostsDb };
}

export default defineChecks<Exports>({
  exports: ['saveUser', 'loadUser', 'deleteUser', 'getPopularPosts'],
  checks: [
    {
      name: 'saveUser stores the user as a JSON string under "user:<id>"',
      async run({ learner, client, redis, expect }) {
        await learner.saveUser(client, ada);
        await learner.saveUser(client, grace);
        expect(await readJson(redis, 'user:42'), 'JSON.parse of "user:42"').to.deep.equal(ada);
        expect(await readJson(redis, 'user:7'), 'JSON.parse of "user:7"').to.deep.equal(grace);
      },
    },
    {
      name: 'loadUser returns the saved user as an object',
      async run({ learner, client, redis, expect }) {
        // Written by hand, in another field order and layout: any JSON must do.
        await redis.set(
          'user:42',
          JSON.stringify({ email: ada.email, name: ada.name, id: ada.id }, null, 2),
        );
        await redis.set('user:7', JSON.stringify(grace));
        expect(await learner.loadUser(client, 7), 'loadUser(7)').to.deep.equal(grace);
        expect(await learner.loadUser(client, 42), 'loadUser(42)').to.deep.equal(ada);
      },
    },
    {
      name: 'saveUser then loadUser gives back the same user',
      async run({ learner, client, expect }) {
        await learner.saveUser(client, grace);
        expect(await learner.loadUser(client, 7), 'loadUser(7) after saveUser').to.deep.equal(
          grace,
        );
      },
    },
    {
      name: 'loadUser returns null for a user that was never saved',
      async run({ learner, client, redis, expect }) {
        await redis.set('user:7', JSON.stringify(grace));
        expect(await learner.loadUser(client, 99), 'loadUser(99)').to.equal(null);
      },
    },
    {
      name: 'deleteUser removes "user:<id>", leaves every other key alone, and returns true',
      async run({ learner, client, redis, expect }) {
        await redis.set('user:42', JSON.stringify(ada));
        await redis.set('user:7', JSON.stringify(grace));
        await redis.set('user:420', JSON.stringify({ ...ada, id: 420 }));
        await redis.set('popular_posts', JSON.stringify(cachedPosts));
        expect(await learner.deleteUser(client, 42), 'deleteUser(42)').to.equal(true);
        expect(await redis.exists('user:42'), 'keys named "user:42" left').to.equal(0);
        const left = (await redis.keys('*')).sort();
        expect(left, 'keys left after deleteUser(42)').to.deep.equal([
          'popular_posts',
          'user:420',
          'user:7',
        ]);
      },
    },
    {
      name: 'deleteUser returns false when there was nothing to delete',
      async run({ learner, client, redis, expect }) {
        await redis.set('user:7', JSON.stringify(grace));
        expect(await learner.deleteUser(client, 99), 'deleteUser(99)').to.equal(false);
        expect(await redis.exists('user:7'), 'keys named "user:7" left').to.equal(1);
      },
    },
    {
      name: 'getPopularPosts on a miss returns the posts from the database',
      async run({ learner, client, fakeDb, expect }) {
        const { api } = postsDb(fakeDb, freshPosts);
        expect(
          await learner.getPopularPosts(client, api),
          'getPopularPosts on a miss',
        ).to.deep.equal(freshPosts);
      },
    },
    {
      name: 'getPopularPosts on a miss calls db.fetchPopularPosts exactly once',
      async run({ learner, client, fakeDb, expect }) {
        const { db, api } = postsDb(fakeDb, freshPosts);
        await learner.getPopularPosts(client, api);
        expect(db.callsTo('fetchPopularPosts').length, 'calls to db.fetchPopularPosts').to.equal(1);
      },
    },
    {
      name: 'getPopularPosts on a miss stores the posts as a JSON array under "popular_posts"',
      async run({ learner, client, redis, fakeDb, expect }) {
        const { api } = postsDb(fakeDb, freshPosts);
        await learner.getPopularPosts(client, api);
        expect(
          await readJson(redis, 'popular_posts'),
          'JSON.parse of "popular_posts"',
        ).to.deep.equal(freshPosts);
      },
    },
    {
      name: 'getPopularPosts on a hit returns the cached posts without calling the database',
      async run({ learner, client, redis, fakeDb, expect }) {
        await redis.set('popular_posts', JSON.stringify(cachedPosts));
        const { db, api } = postsDb(fakeDb, freshPosts);
        expect(
          await learner.getPopularPosts(client, api),
          'getPopularPosts on a hit',
        ).to.deep.equal(cachedPosts);
        expect(
          db.callsTo('fetchPopularPosts').length,
          'calls to db.fetchPopularPosts on a hit',
        ).to.equal(0);
      },
    },
    {
      name: 'a second getPopularPosts call is served from the cache',
      async run({ learner, client, fakeDb, expect }) {
        const { db, api } = postsDb(fakeDb, freshPosts);
        await learner.getPopularPosts(client, api);
        expect(await learner.getPopularPosts(client, api), 'second getPopularPosts').to.deep.equal(
          freshPosts,
        );
        expect(
          db.callsTo('fetchPopularPosts').length,
          'calls to db.fetchPopularPosts over two calls',
        ).to.equal(1);
      },
    },
  ],
});
