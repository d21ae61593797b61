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

/** Stores the user as a JSON string under the key `user:<id>`. */
export async function saveUser(redis: Redis, user: User): Promise<void> {
  // TODO: SET the user under `user:<id>` (e.g. "user:42"). Redis stores strings, so
  // turn the object into JSON first.
  void redis;
  void user;
}

/** Returns the user saved under `user:<id>`, or null if there is none. */
export async function loadUser(redis: Redis, id: number): Promise<User | null> {
  // TODO: GET `user:<id>`. On a miss (null) return null; otherwise parse the JSON.
  void redis;
  void id;
  return null;
}

/** Deletes `user:<id>` (and nothing else); true if a key was removed. */
export async function deleteUser(redis: Redis, id: number): Promise<boolean> {
  // TODO: DEL `user:<id>`. DEL resolves to the number of keys it removed.
  void redis;
  void id;
  return false;
}

/** Cache-aside: the posts from `popular_posts` on a hit; on a miss, from the database, then cached. */
export async function getPopularPosts(redis: Redis, db: PostsDb): Promise<Post[]> {
  // TODO: this always asks the database. Check `popular_posts` first: on a hit, return the
  // parsed posts; on a miss, fetch once, SET the JSON under `popular_posts`, then return.
  void redis;
  return db.fetchPopularPosts();
}
