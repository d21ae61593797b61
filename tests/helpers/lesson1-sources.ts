/**
 * Learner programs for lesson 1 (key-value-basics) in which only `saveUser` misbehaves: the
 * runaway-code suites run them against a runner and expect the next, correct program to pass.
 */

/** The correct body of `saveUser`. */
export const CORRECT_SAVE = "await redis.set('user:' + user.id, JSON.stringify(user));";

/** Lesson 1 whose `saveUser` runs `body`; the other exports are correct. */
export function saveUserDoes(body: string): string {
  return `import type { Redis } from 'ioredis';
export async function saveUser(redis: Redis, user: any) {
  ${body}
}
export async function loadUser(redis: Redis, id: number) { const raw = await redis.get('user:' + id); return raw === null ? null : JSON.parse(raw); }
export async function deleteUser(redis: Redis, id: number) { return (await redis.del('user:' + id)) > 0; }
export async function getPopularPosts(redis: Redis, db: any) {
  const hit = await redis.get('popular_posts');
  if (hit !== null) return JSON.parse(hit);
  const posts = await db.fetchPopularPosts();
  await redis.set('popular_posts', JSON.stringify(posts));
  return posts;
}
`;
}
