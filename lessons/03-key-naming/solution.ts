import type { Redis } from 'ioredis';

/** Builds a key in the `type:id` or `type:id:field` convention. */
export function keyFor(type: string, id: string | number, field?: string): string {
  return field === undefined ? `${type}:${id}` : `${type}:${id}:${field}`;
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

/** Every key in the `type:` namespace, found with SCAN so the server never blocks. */
export async function findKeys(redis: Redis, type: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${type}:*`, 'COUNT', 100);
    for (const key of keys) found.add(key); // SCAN may repeat a key while the table resizes
    cursor = next;
  } while (cursor !== '0');
  return [...found].sort();
}
