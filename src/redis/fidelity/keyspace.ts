/** Typed access to the mock's keyspace: WRONGTYPE checks, writes that keep or clear TTLs. */
import { ERR, replyError } from '../reply-error.ts';
import { toText, type RedisString } from '../bytes.ts';
import type { Arg, Ctx, Value, ZMember } from './types.ts';

/** Redis type names, as TYPE replies them. */
export type TypeName = 'string' | 'hash' | 'list' | 'set' | 'zset';

/** The Redis type of a stored value, from ioredis-mock's representation. */
export function typeOf(value: unknown): TypeName {
  if (typeof value === 'string' || value instanceof Uint8Array) return 'string';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Set) return 'set';
  if (value instanceof Map) return 'zset';
  return 'hash';
}

/** A key argument as the store's key. */
export function keyOf(arg: Arg): string {
  return toText(arg);
}

/** The live value at key (expired keys vanish on access), or undefined. */
export function lookup(ctx: Ctx, key: string): Value | undefined {
  return ctx.store.data.has(key) ? (ctx.store.data.get(key) as Value) : undefined;
}

/** Whether the key exists (after lazy expiry). */
export function exists(ctx: Ctx, key: string): boolean {
  return ctx.store.data.has(key);
}

function expect<T>(ctx: Ctx, key: string, type: TypeName): T | undefined {
  const value = lookup(ctx, key);
  if (value === undefined) return undefined;
  if (typeOf(value) !== type) throw replyError(ERR.wrongType);
  return value as T;
}

/** The string at key, undefined if missing, WRONGTYPE if another type. */
export const getString = (ctx: Ctx, key: string) => expect<RedisString>(ctx, key, 'string');
/** The hash at key (a copy). */
export const getHash = (ctx: Ctx, key: string) => expect<Record<string, string>>(ctx, key, 'hash');
/** The list at key (a copy). */
export const getList = (ctx: Ctx, key: string) => expect<string[]>(ctx, key, 'list');
/** The set at key (a copy). */
export const getSet = (ctx: Ctx, key: string) => expect<Set<string>>(ctx, key, 'set');
/** The sorted set at key (a copy). */
export const getZset = (ctx: Ctx, key: string) => expect<Map<string, ZMember>>(ctx, key, 'zset');

/** Writes a value, keeping the key's TTL (an update of an existing key, as HSET or RPUSH do). */
export function update(ctx: Ctx, key: string, value: Value): void {
  if (isEmptyAggregate(value)) {
    remove(ctx, key);
    return;
  }
  ctx.store.data.set(key, value);
  ctx.touch(key);
}

/** Writes a value and clears any TTL (a new value, as SET does). */
export function replace(ctx: Ctx, key: string, value: Value): void {
  ctx.store.expires.delete(key);
  update(ctx, key, value);
}

/** Deletes a key; true if it existed. */
export function remove(ctx: Ctx, key: string): boolean {
  if (!ctx.store.data.has(key)) return false;
  ctx.store.data.delete(key);
  ctx.store.expires.delete(key);
  ctx.touch(key);
  return true;
}

function isEmptyAggregate(value: Value): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Set || value instanceof Map) return value.size === 0;
  if (typeof value === 'object' && !(value instanceof Uint8Array))
    return Object.keys(value).length === 0;
  return false;
}

/** Live keys of the selected database. */
export function allKeys(ctx: Ctx): string[] {
  return ctx.store.data.keys();
}

/** Redis's glob matching (stringmatchlen): *, ?, [abc], [^a], [a-z], \x. */
export function globMatch(pattern: string, text: string): boolean {
  const p = [...pattern];
  const t = [...text];
  const match = (pi: number, ti: number): boolean => {
    while (pi < p.length) {
      const c = p[pi];
      if (c === '*') {
        while (p[pi + 1] === '*') pi++;
        if (pi + 1 === p.length) return true;
        for (let k = ti; k <= t.length; k++) if (match(pi + 1, k)) return true;
        return false;
      }
      if (ti >= t.length) return false;
      if (c === '?') {
        pi++;
        ti++;
        continue;
      }
      if (c === '[') {
        let j = pi + 1;
        const not = p[j] === '^';
        if (not) j++;
        let hit = false;
        while (j < p.length && p[j] !== ']') {
          if (p[j] === '\\' && j + 1 < p.length) {
            j++;
            if (p[j] === t[ti]) hit = true;
          } else if (p[j + 1] === '-' && j + 2 < p.length && p[j + 2] !== ']') {
            let lo = p[j];
            let hi = p[j + 2];
            if (lo > hi) [lo, hi] = [hi, lo];
            if (t[ti] >= lo && t[ti] <= hi) hit = true;
            j += 2;
          } else if (p[j] === t[ti]) hit = true;
          j++;
        }
        if (not) hit = !hit;
        if (!hit) return false;
        pi = j < p.length ? j + 1 : j;
        ti++;
        continue;
      }
      if (c === '\\' && pi + 1 < p.length) pi++;
      if (p[pi] !== t[ti]) return false;
      pi++;
      ti++;
    }
    return ti === t.length;
  };
  return match(0, 0);
}
