import type { Redis } from 'ioredis';

export interface User {
  id: number;
  name: string;
  email: string;
}

export interface Post {
  id: number;
  title: string;
  score: number;
}

export interface PostsDb {
  fetchPopularPosts(): Promise<Post[]>;
}

const POPULAR_POSTS_KEY = 'popular_posts';

function userKey(id: number): string {
  return `user:${id}`;
}

/** Stores the user as a JSON string under the key `user:<id>`. */
export async function saveUser(redis: Redis, user: User): Promise<void> {
  await redis.set(userKey(user.id), JSON.stringify(user));
}

/** Returns the user saved under `user:<id>`, or null if there is none. */
export async function loadUser(redis: Redis, id: number): Promise<User | null> {
  const raw = await redis.get(userKey(id));
  return raw === null ? null : (JSON.parse(raw) as User);
}

/** Deletes `user:<id>` (and nothing else); true if a key was removed. */
export async function deleteUser(redis: Redis, id: number): Promise<boolean> {
  const removed = await redis.del(userKey(id));
  return removed > 0;
}

/** Cache-aside: the posts from `popular_posts` on a hit; on a miss, from the database, then cached. */
export async function getPopularPosts(redis: Redis, db: PostsDb): Promise<Post[]> {
  const cached = await redis.get(POPULAR_POSTS_KEY);
  if (cached !== null) return JSON.parse(cached) as Post[];
  const posts = await db.fetchPopularPosts();
  await redis.set(POPULAR_POSTS_KEY, JSON.stringify(posts));
  return posts;
}
