import type { Redis } from 'ioredis';

/** Builds a key in the `type:id` or `type:id:field` convention. */
export function keyFor(type: string, id: string | number, field?: string): string {
  // TODO: join the parts with ":". keyFor('user', 42) is "user:42" and
  // keyFor('user', 42, 'email') is "user:42:email". Right now every type shares one pool.
  void type;
  void field;
  return String(id);
}

/** Stores any JSON-serialisable record under `type:id`. */
export async function saveEntity(
  redis: Redis,
  type: string,
  id: string | number,
  value: object,
): Promise<void> {
  await redis.set(keyFor(type, id), JSON.stringify(value));
}

/** Reads the record stored under `type:id`, or null if there is none. */
export async function loadEntity(
  redis: Redis,
  type: string,
  id: string | number,
): Promise<object | null> {
  const json = await redis.get(keyFor(type, id));
  return json === null ? null : (JSON.parse(json) as object);
}

/** Every key in the `type:` namespace, sorted. */
export async function findKeys(redis: Redis, type: string): Promise<string[]> {
  // TODO: KEYS walks the whole keyspace in one go and blocks the server while it does.
  // Loop SCAN with MATCH `${type}:*` from cursor "0" until the cursor comes back as "0",
  // collect the keys in a Set, and return them sorted.
  const keys = await redis.keys(`${type}*`);
  return keys.sort();
}
