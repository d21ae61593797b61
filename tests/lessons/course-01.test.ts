import suite from '../../lessons/01-key-value-basics/checks.ts';
import SOLUTION from '../../lessons/01-key-value-basics/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'key-value-basics';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `import type { Redis } from 'ioredis';
interface User { id: number; name: string; email: string }
interface Post { id: number; title: string; score: number }
interface PostsDb { fetchPopularPosts(): Promise<Post[]> }`;

const GOOD_SAVE = `
export async function saveUser(redis: Redis, user: User) {
  await redis.set('user:' + user.id, JSON.stringify(user));
}`;
const GOOD_LOAD = `
export async function loadUser(redis: Redis, id: number) {
  const raw = await redis.get('user:' + id);
  return raw === null ? null : JSON.parse(raw);
}`;
const GOOD_DELETE = `
export async function deleteUser(redis: Redis, id: number) {
  return (await redis.del('user:' + id)) === 1;
}`;
const GOOD_POSTS = `
export async function getPopularPosts(redis: Redis, db: PostsDb) {
  const hit = await redis.get('popular_posts');
  if (hit !== null) return JSON.parse(hit);
  const posts = await db.fetchPopularPosts();
  await redis.set('popular_posts', JSON.stringify(posts));
  return posts;
}`;
const USERS = GOOD_SAVE + GOOD_LOAD + GOOD_DELETE;

const wrong = [
  {
    name: 'stores the user object without JSON.stringify',
    fails: check('saveUser stores the user as a JSON string'),
    source: `${HEADER}
export async function saveUser(redis: Redis, user: User) {
  await redis.set('user:' + user.id, user as unknown as string);
}${GOOD_LOAD}${GOOD_DELETE}${GOOD_POSTS}`,
  },
  {
    name: 'wraps the user in a versioned envelope',
    fails: check('saveUser stores the user as a JSON string'),
    source: `${HEADER}
export async function saveUser(redis: Redis, user: User) {
  await redis.set('user:' + user.id, JSON.stringify({ v: 1, user }));
}
export async function loadUser(redis: Redis, id: number) {
  const raw = await redis.get('user:' + id);
  return raw === null ? null : JSON.parse(raw).user;
}${GOOD_DELETE}${GOOD_POSTS}`,
  },
  {
    name: 'stores the user as a hash',
    fails: check('saveUser stores the user as a JSON string'),
    source: `${HEADER}
export async function saveUser(redis: Redis, user: User) {
  await redis.hset('user:' + user.id, { id: String(user.id), name: user.name, email: user.email });
}
export async function loadUser(redis: Redis, id: number) {
  const h = await redis.hgetall('user:' + id);
  return Object.keys(h).length ? { id: Number(h.id), name: h.name, email: h.email } : null;
}${GOOD_DELETE}${GOOD_POSTS}`,
  },
  {
    name: 'returns the JSON string from loadUser instead of an object',
    fails: check('loadUser returns the saved user as an object'),
    source: `${HEADER}${GOOD_SAVE}
export async function loadUser(redis: Redis, id: number) {
  return redis.get('user:' + id);
}${GOOD_DELETE}${GOOD_POSTS}`,
  },
  {
    name: 'returns an empty object for a missing user',
    fails: check('loadUser returns null for a user that was never saved'),
    source: `${HEADER}${GOOD_SAVE}
export async function loadUser(redis: Redis, id: number) {
  return JSON.parse((await redis.get('user:' + id)) ?? '{}');
}${GOOD_DELETE}${GOOD_POSTS}`,
  },
  {
    name: 'returns the number DEL replied instead of a boolean',
    fails: check('deleteUser removes "user:<id>"'),
    source: `${HEADER}${GOOD_SAVE}${GOOD_LOAD}
export async function deleteUser(redis: Redis, id: number) {
  return redis.del('user:' + id);
}${GOOD_POSTS}`,
  },
  {
    name: 'deletes every key starting with the user key',
    fails: check('deleteUser removes "user:<id>"'),
    source: `${HEADER}${GOOD_SAVE}${GOOD_LOAD}
export async function deleteUser(redis: Redis, id: number) {
  const keys = await redis.keys('user:' + id + '*');
  return keys.length > 0 && (await redis.del(...keys)) > 0;
}${GOOD_POSTS}`,
  },
  {
    name: 'always returns true from deleteUser',
    fails: check('deleteUser returns false when there was nothing to delete'),
    source: `${HEADER}${GOOD_SAVE}${GOOD_LOAD}
export async function deleteUser(redis: Redis, id: number) {
  await redis.del('user:' + id);
  return true;
}${GOOD_POSTS}`,
  },
  {
    name: 'never caches the posts',
    fails: check('a second getPopularPosts call is served from the cache'),
    source: `${HEADER}${USERS}
export async function getPopularPosts(redis: Redis, db: PostsDb) {
  const hit = await redis.get('popular_posts');
  if (hit !== null) return JSON.parse(hit);
  return db.fetchPopularPosts();
}`,
  },
  {
    name: 'asks the database before looking in the cache',
    fails: check('getPopularPosts on a hit returns the cached posts without calling'),
    source: `${HEADER}${USERS}
export async function getPopularPosts(redis: Redis, db: PostsDb) {
  const posts = await db.fetchPopularPosts();
  const hit = await redis.get('popular_posts');
  if (hit !== null) return JSON.parse(hit);
  await redis.set('popular_posts', JSON.stringify(posts));
  return posts;
}`,
  },
  {
    name: 'caches the posts under another key',
    fails: check('getPopularPosts on a miss stores the posts as a JSON array'),
    source: `${HEADER}${USERS}
export async function getPopularPosts(redis: Redis, db: PostsDb) {
  const hit = await redis.get('posts:popular');
  if (hit !== null) return JSON.parse(hit);
  const posts = await db.fetchPopularPosts();
  await redis.set('posts:popular', JSON.stringify(posts));
  return posts;
}`,
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'plain JavaScript with .then chains, UNLINK, pretty JSON and a TTL on the posts',
    source: `
export function saveUser(redis, user) {
  return redis.set(\`user:\${user.id}\`, JSON.stringify(user, null, 2)).then(() => undefined);
}
export function loadUser(redis, id) {
  return redis.get(\`user:\${id}\`).then((raw) => (raw == null ? null : JSON.parse(raw)));
}
export function deleteUser(redis, id) {
  return redis.unlink(\`user:\${id}\`).then((n) => n > 0);
}
export function getPopularPosts(redis, db) {
  return redis.get('popular_posts').then((hit) => {
    if (hit) return JSON.parse(hit);
    return db.fetchPopularPosts().then((posts) =>
      redis.set('popular_posts', JSON.stringify(posts), 'EX', 300).then(() => posts),
    );
  });
}`,
  },
  {
    name: 'GETDEL-free MULTI for delete, SETEX, and fields reordered before saving',
    source: `${HEADER}
export async function saveUser(redis: Redis, user: User): Promise<void> {
  await redis.setex('user:' + user.id, 3600, JSON.stringify({ email: user.email, name: user.name, id: user.id }));
}${GOOD_LOAD}
export async function deleteUser(redis: Redis, id: number): Promise<boolean> {
  const replies = await redis.multi().exists('user:' + id).del('user:' + id).exec();
  return replies?.[0]?.[1] === 1;
}${GOOD_POSTS}`,
  },
  {
    name: 'redis.call for every command, and a pipeline that sets the posts',
    source: `${HEADER}
export async function saveUser(redis: Redis, user: User) {
  await redis.call('SET', 'user:' + user.id, JSON.stringify(user));
}
export async function loadUser(redis: Redis, id: number): Promise<User | null> {
  const raw = (await redis.call('GET', 'user:' + id)) as string | null;
  return raw ? (JSON.parse(raw) as User) : null;
}
export async function deleteUser(redis: Redis, id: number) {
  return ((await redis.call('DEL', 'user:' + id)) as number) > 0;
}
export async function getPopularPosts(redis: Redis, db: PostsDb) {
  const hit = (await redis.call('GET', 'popular_posts')) as string | null;
  if (hit != null) return JSON.parse(hit) as Post[];
  const posts = await db.fetchPopularPosts();
  await redis.pipeline().set('popular_posts', JSON.stringify(posts)).expire('popular_posts', 60).exec();
  return posts;
}`,
  },
];

describeVariants('lesson 01-key-value-basics', SLUG, suite, { wrong, correct });
