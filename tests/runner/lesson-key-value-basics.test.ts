import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import suite from '../../lessons/01-key-value-basics/checks.ts';
import { run } from './harness.ts';

const dir = new URL('../../lessons/01-key-value-basics/', import.meta.url);
const solution = readFileSync(new URL('solution.ts', dir), 'utf8');
const starter = readFileSync(new URL('starter.ts', dir), 'utf8');

const names = suite.checks.map((c) => c.name);
const check = (fragment: string): string => {
  const found = names.filter((n) => n.includes(fragment));
  if (found.length !== 1) throw new Error(`"${fragment}" matches ${found.length} checks`);
  return found[0];
};

/** Replaces one function of the solution with another body. */
function withFunction(name: string, replacement: string): string {
  const start = solution.indexOf(`export async function ${name}`);
  const end = solution.indexOf('\n}\n', start) + 3;
  if (start < 0) throw new Error(`no ${name} in solution`);
  return solution.slice(0, start) + replacement.trim() + '\n' + solution.slice(end);
}

async function failing(source: string): Promise<string[]> {
  const report = await run(source, suite, { checkTimeoutMs: 1000 });
  expect(report.error).toBeUndefined();
  return report.checks.filter((c) => !c.passed).map((c) => c.name);
}

describe('lesson 1 (key-value-basics) checks', () => {
  test('the solution passes every check', async () => {
    expect(await failing(solution)).toEqual([]);
  });

  test('the starter fails with readable reasons', async () => {
    const report = await run(starter, suite);
    expect(report.passed).toBe(false);
    const messages = report.checks.filter((c) => !c.passed).map((c) => c.message);
    expect(messages).toContain('The key "user:42" does not exist.');
    expect(messages.some((m) => m?.startsWith('loadUser(7): expected null to deeply equal'))).toBe(
      true,
    );
  });

  const wrong: [string, string, string[]][] = [
    [
      'saveUser uses the wrong key',
      withFunction(
        'saveUser',
        'export async function saveUser(redis: Redis, user: User) { await redis.set(`users:${user.id}`, JSON.stringify(user)); }',
      ),
      [check('saveUser stores'), check('saveUser then loadUser')],
    ],
    [
      'saveUser stores "[object Object]"',
      withFunction(
        'saveUser',
        'export async function saveUser(redis: Redis, user: User) { await redis.set(`user:${user.id}`, String(user)); }',
      ),
      [check('saveUser stores'), check('saveUser then loadUser')],
    ],
    [
      'saveUser stores a hash instead of a JSON string',
      withFunction(
        'saveUser',
        'export async function saveUser(redis: Redis, user: User) { await redis.hset(`user:${user.id}`, { ...user }); }',
      ),
      [check('saveUser stores'), check('saveUser then loadUser')],
    ],
    [
      'loadUser returns the raw string',
      withFunction(
        'loadUser',
        'export async function loadUser(redis: Redis, id: number) { return (await redis.get(`user:${id}`)) as any; }',
      ),
      [check('loadUser returns the saved user'), check('saveUser then loadUser')],
    ],
    [
      'loadUser returns undefined on a miss',
      withFunction(
        'loadUser',
        'export async function loadUser(redis: Redis, id: number) { const raw = await redis.get(`user:${id}`); return raw ? JSON.parse(raw) : undefined; }',
      ),
      [check('loadUser returns null')],
    ],
    [
      'loadUser ignores the id',
      withFunction(
        'loadUser',
        "export async function loadUser(redis: Redis, id: number) { const raw = await redis.get('user:42'); return raw === null ? null : JSON.parse(raw); }",
      ),
      [check('loadUser returns the saved user'), check('saveUser then loadUser')],
    ],
    [
      'deleteUser returns the count instead of a boolean',
      withFunction(
        'deleteUser',
        'export async function deleteUser(redis: Redis, id: number) { return (await redis.del(`user:${id}`)) as any; }',
      ),
      [check('deleteUser removes'), check('deleteUser returns false')],
    ],
    [
      'deleteUser always returns true',
      withFunction(
        'deleteUser',
        'export async function deleteUser(redis: Redis, id: number) { await redis.del(`user:${id}`); return true; }',
      ),
      [check('deleteUser returns false')],
    ],
    [
      'deleteUser flushes the whole database',
      withFunction(
        'deleteUser',
        'export async function deleteUser(redis: Redis, id: number) { const had = await redis.exists(`user:${id}`); await redis.flushall(); return had > 0; }',
      ),
      [check('deleteUser removes')],
    ],
    [
      'deleteUser deletes by pattern and takes user:420 too',
      withFunction(
        'deleteUser',
        'export async function deleteUser(redis: Redis, id: number) { const keys = await redis.keys(`user:${id}*`); return keys.length > 0 && (await redis.del(...keys)) > 0; }',
      ),
      [check('deleteUser removes')],
    ],
    [
      'getPopularPosts never caches',
      withFunction(
        'getPopularPosts',
        'export async function getPopularPosts(redis: Redis, db: PostsDb) { return db.fetchPopularPosts(); }',
      ),
      [
        check('stores the posts as a JSON array'),
        check('on a hit'),
        check('second getPopularPosts'),
      ],
    ],
    [
      'getPopularPosts calls the database twice on a miss',
      withFunction(
        'getPopularPosts',
        `export async function getPopularPosts(redis: Redis, db: PostsDb) {
          const cached = await redis.get('popular_posts');
          if (cached) return JSON.parse(cached);
          await redis.set('popular_posts', JSON.stringify(await db.fetchPopularPosts()));
          return db.fetchPopularPosts();
        }`,
      ),
      [check('exactly once')],
    ],
    [
      'getPopularPosts caches under another key',
      withFunction(
        'getPopularPosts',
        `export async function getPopularPosts(redis: Redis, db: PostsDb) {
          const cached = await redis.get('popularPosts');
          if (cached) return JSON.parse(cached);
          const posts = await db.fetchPopularPosts();
          await redis.set('popularPosts', JSON.stringify(posts));
          return posts;
        }`,
      ),
      [check('stores the posts as a JSON array'), check('on a hit')],
    ],
    [
      'getPopularPosts stores a list instead of a JSON array',
      withFunction(
        'getPopularPosts',
        `export async function getPopularPosts(redis: Redis, db: PostsDb) {
          const cached = await redis.lrange('popular_posts', 0, -1);
          if (cached.length) return cached.map((p) => JSON.parse(p));
          const posts = await db.fetchPopularPosts();
          await redis.rpush('popular_posts', ...posts.map((p) => JSON.stringify(p)));
          return posts;
        }`,
      ),
      [check('stores the posts as a JSON array'), check('on a hit')],
    ],
  ];

  test.each(wrong)('a wrong implementation is caught: %s', async (_name, source, expected) => {
    const failed = await failing(source);
    for (const name of expected) expect(failed).toContain(name);
  });

  const correct: [string, string][] = [
    [
      'TTLs on every write',
      solution
        .replace(
          'await redis.set(userKey(user.id), JSON.stringify(user));',
          "await redis.set(userKey(user.id), JSON.stringify(user), 'EX', 3600);",
        )
        .replace(
          'await redis.set(POPULAR_POSTS_KEY, JSON.stringify(posts));',
          "await redis.set(POPULAR_POSTS_KEY, JSON.stringify(posts), 'PX', 60_000);",
        ),
    ],
    [
      'MSET, pretty JSON and another field order',
      withFunction(
        'saveUser',
        'export async function saveUser(redis: Redis, user: User) { const { email, name, id } = user; await redis.mset({ [`user:${id}`]: JSON.stringify({ email, name, id }, null, 2) }); }',
      ),
    ],
    [
      'a pipeline',
      withFunction(
        'saveUser',
        'export async function saveUser(redis: Redis, user: User) { await redis.pipeline().set(`user:${user.id}`, JSON.stringify(user)).exec(); }',
      ),
    ],
    [
      'MULTI/EXEC',
      withFunction(
        'saveUser',
        'export async function saveUser(redis: Redis, user: User) { await redis.multi().set(`user:${user.id}`, JSON.stringify(user)).exec(); }',
      ),
    ],
    [
      'UNLINK',
      withFunction(
        'deleteUser',
        'export async function deleteUser(redis: Redis, id: number) { return (await redis.unlink(`user:${id}`)) === 1; }',
      ),
    ],
    [
      '.then chains',
      `export function saveUser(redis, user) { return redis.set('user:' + user.id, JSON.stringify(user)).then(() => undefined); }
       export function loadUser(redis, id) { return redis.get('user:' + id).then((raw) => (raw == null ? null : JSON.parse(raw))); }
       export function deleteUser(redis, id) { return redis.del('user:' + id).then((n) => n > 0); }
       export function getPopularPosts(redis, db) {
         return redis.get('popular_posts').then((hit) => hit !== null ? JSON.parse(hit) :
           db.fetchPopularPosts().then((posts) => redis.set('popular_posts', JSON.stringify(posts)).then(() => posts)));
       }`,
    ],
    [
      'plain JavaScript with its own client and callbacks',
      `import Redis from 'ioredis';
       const shared = new Redis();
       export async function saveUser(_redis, user) { await new Promise((ok, fail) => shared.set(\`user:\${user.id}\`, JSON.stringify(user), (err) => err ? fail(err) : ok())); }
       export async function loadUser(redis, id) { const raw = await redis.get(\`user:\${id}\`); return raw && JSON.parse(raw); }
       export const deleteUser = async (redis, id) => Boolean(await redis.del(\`user:\${id}\`));
       export async function getPopularPosts(redis, db) {
         const hit = await redis.get('popular_posts');
         if (hit) return JSON.parse(hit);
         const posts = await db.fetchPopularPosts();
         redis.set('popular_posts', JSON.stringify(posts));
         return posts;
       }`,
    ],
  ];

  test.each(correct)('a correct variant passes: %s', async (_name, source) => {
    expect(await failing(source)).toEqual([]);
  });
});
