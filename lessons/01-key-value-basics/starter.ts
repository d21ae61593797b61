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
  // TODO: store the user under `user:<id>` (e.g. "user:42"). Redis stores strings, not objects.
  void redis;
  void user;
}

/** Returns the user saved under `user:<id>`, or null if there is none. */
export async function loadUser(redis: Redis, id: number): Promise<User | null> {
  // TODO: read `user:<id>` back into a User. What does Redis answer for a user never saved?
  void redis;
  void id;
  return null;
}

/** Deletes `user:<id>` (and nothing else); true if a key was removed. */
export async function deleteUser(redis: Redis, id: number): Promise<boolean> {
  // TODO: delete `user:<id>`, and tell the caller whether there was anything to delete.
  void redis;
  void id;
  return false;
}

/** Cache-aside: the posts from `popular_posts` on a hit; on a miss, from the database, then cached. */
export async function getPopularPosts(redis: Redis, db: PostsDb): Promise<Post[]> {
  // TODO: this asks the database every time. Make it cache-aside on the key `popular_posts`.
  void redis;
  return db.fetchPopularPosts();
}
