/** Typed access to the mock's keyspace: WRONGTYPE checks, writes that keep or clear TTLs. */
import { ERR, replyError } from '../reply-error.ts';
import { byteLength, toText, type RedisString } from '../bytes.ts';
import { parseInt64 } from './numbers.ts';
import { dictOrder } from './dict.ts';
import { streamOf } from './stream-value.ts';
import type { Arg, Ctx, Value, ZMember } from './types.ts';

/** Redis type names, as TYPE replies them. */
export type TypeName = 'string' | 'hash' | 'list' | 'set' | 'zset' | 'stream';

/** The Redis type of a stored value, from ioredis-mock's representation. */
export function typeOf(value: unknown): TypeName {
  if (typeof value === 'string' || value instanceof Uint8Array) return 'string';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Set) return 'set';
  if (value instanceof RedisHash) return 'hash';
  if (value instanceof Map) return 'zset';
  // Streams are plain wrapper objects too (stream-value.ts); check before calling it a hash.
  if (streamOf(value)) return 'stream';
  return 'hash';
}

/** Field order of a stored hash; object keys cannot keep it (integer-like keys sort first). */
const HASH_ORDER = Symbol('cachelab.hashOrder');
/** Set once a hash has become a hashtable: Redis never converts back to listpack. */
const HASH_TABLE = Symbol('cachelab.hashTable');

/**
 * Redis 7.0's hash-max-listpack-entries and hash-max-listpack-value (CONFIG GET on 7.0.15: 512
 * and 64; a 512-field hash is still `listpack`, the 513th field converts it).
 */
export const HASH_LISTPACK = { entries: 512, value: 64 } as const;
/** Redis 7.0's set-max-intset-entries. */
export const SET_MAX_INTSET = 512;
/** Redis 7.0's zset-max-listpack-entries and zset-max-listpack-value. */
export const ZSET_LISTPACK = { entries: 128, value: 64 } as const;

/**
 * A hash as the engine handles it: fields in insertion order, and whether it has become a
 * hashtable. In the mock's store it is a plain object (what the inspector and snapshots read) that
 * carries the order and encoding under symbol keys, which the mock's object copies keep. A Map,
 * not an object, so fields such as `__proto__` and `constructor` are ordinary fields.
 */
export class RedisHash extends Map<string, string> {
  /** Whether Redis would hold this hash as a hashtable (one-way, as in Redis). */
  hashtable = false;

  /** Fields in Redis's reply order: insertion order for a listpack, hash order for a hashtable. */
  fieldsInOrder(): string[] {
    return this.encoding() === 'hashtable' ? dictOrder([...this.keys()]) : [...this.keys()];
  }

  /** OBJECT ENCODING's answer. */
  encoding(): 'listpack' | 'hashtable' {
    if (this.hashtable || this.size > HASH_LISTPACK.entries) return 'hashtable';
    for (const [f, v] of this)
      if (byteLength(f) > HASH_LISTPACK.value || byteLength(v) > HASH_LISTPACK.value)
        return 'hashtable';
    return 'listpack';
  }
}

function storedHash(hash: RedisHash): Record<string, string> {
  const out: Record<string | symbol, unknown> = Object.create(null);
  for (const [f, v] of hash) out[f] = v;
  out[HASH_ORDER] = [...hash.keys()];
  out[HASH_TABLE] = hash.encoding() === 'hashtable';
  return out as Record<string, string>;
}

function loadHash(raw: Record<string, string>): RedisHash {
  const hash = new RedisHash();
  const fields = Object.keys(raw);
  const order = (raw as Record<symbol, unknown>)[HASH_ORDER];
  const known =
    Array.isArray(order) &&
    order.length === fields.length &&
    order.every((f) => Object.prototype.hasOwnProperty.call(raw, f));
  for (const f of known ? (order as string[]) : fields) hash.set(f, raw[f]);
  hash.hashtable = (raw as Record<symbol, unknown>)[HASH_TABLE] === true;
  return hash;
}

/** A stored hash's [field, value] pairs in insertion order (for readers of raw mock values). */
export function rawHashEntries(raw: Record<string, string>): [string, string][] {
  return [...loadHash(raw)];
}

/** Whether a set member is an integer Redis's intset can hold. */
export function isIntsetMember(member: string): boolean {
  return parseInt64(member) !== null;
}

/** OBJECT ENCODING of a set: intset while every member is an integer and it is small. */
export function setEncoding(set: Set<string>): 'intset' | 'hashtable' {
  if (set.size > SET_MAX_INTSET) return 'hashtable';
  for (const m of set) if (!isIntsetMember(m)) return 'hashtable';
  return 'intset';
}

/**
 * Members of a set in Redis's reply order: ascending for an intset, hash order otherwise.
 * `encoding` is the set's known encoding, when it is a stored set that may have converted.
 */
export function setOrder(set: Iterable<string>, encoding?: 'intset' | 'hashtable'): string[] {
  const members = [...set];
  const asSet = set instanceof Set ? set : new Set(members);
  if ((encoding ?? setEncoding(asSet)) === 'intset')
    return members.sort((a, b) => {
      const x = BigInt(a);
      const y = BigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  return dictOrder(members);
}

/** OBJECT ENCODING of a sorted set. */
export function zsetEncoding(zset: Map<string, ZMember>): 'listpack' | 'skiplist' {
  if (zset.size > ZSET_LISTPACK.entries) return 'skiplist';
  for (const m of zset.keys()) if (byteLength(m) > ZSET_LISTPACK.value) return 'skiplist';
  return 'listpack';
}

/** A key argument as the store's key. */
export function keyOf(arg: Arg): string {
  return toText(arg);
}

/** What Redis keeps on a key's object that the mock does not: LRU clock and string encoding. */
interface KeyMeta {
  /** Epoch ms of the last access, on the engine's clock (OBJECT IDLETIME). */
  accessedAt: number;
  /** Set by APPEND/SETRANGE/SETBIT on an existing string: Redis leaves it `raw`. */
  rawString: boolean;
  /** A set or sorted set that has become a hashtable/skiplist: Redis never converts back. */
  converted: boolean;
  /** Set by INCRBYFLOAT, whose result Redis stores without trying the `int` encoding. */
  notInt: boolean;
}

const META = new WeakMap<object, Map<string, KeyMeta>>();

function metaTable(ctx: Ctx): Map<string, KeyMeta> {
  let table = META.get(ctx.store.data);
  if (!table) {
    table = new Map();
    META.set(ctx.store.data, table);
  }
  return table;
}

/** The key's LRU and encoding notes (OBJECT reads them without touching the key). */
export function keyMeta(ctx: Ctx, key: string): KeyMeta | undefined {
  return META.get(ctx.store.data)?.get(key);
}

/**
 * Carries a key's encoding notes to where its value went (RENAME, MOVE, COPY keep Redis's
 * object, or duplicate it with its encoding). Call after writing the destination.
 */
export function carryMeta(from: Ctx, src: string, to: Ctx, dst: string): void {
  const meta = keyMeta(from, src);
  const target = metaTable(to).get(dst);
  if (meta && target) {
    target.rawString = meta.rawString;
    target.converted = meta.converted;
    target.notInt = meta.notInt;
  }
}

/** Marks a sorted set Redis has converted to a skiplist (SORT does, destructively). */
export function markConverted(ctx: Ctx, key: string): void {
  const meta = metaTable(ctx).get(key);
  if (meta) meta.converted = true;
}

/** Marks a string that Redis stored without trying the `int` encoding (INCRBYFLOAT). */
export function markNotInt(ctx: Ctx, key: string): void {
  const meta = metaTable(ctx).get(key);
  if (meta) meta.notInt = true;
}

/** Marks a string Redis would now hold as `raw` (after an in-place edit). */
export function markRawString(ctx: Ctx, key: string): void {
  const meta = metaTable(ctx).get(key);
  if (meta) meta.rawString = true;
}

function noteAccess(ctx: Ctx, key: string): void {
  const table = metaTable(ctx);
  const meta = table.get(key);
  if (meta) meta.accessedAt = ctx.now();
  else table.set(key, { accessedAt: ctx.now(), rawString: false, converted: false, notInt: false });
}

function noteWrite(ctx: Ctx, key: string, isNew: boolean, value: Value): void {
  const table = metaTable(ctx);
  const old = isNew ? undefined : table.get(key);
  const meta: KeyMeta = {
    accessedAt: ctx.now(),
    rawString: false,
    converted: !!old?.converted,
    notInt: false,
  };
  if (value instanceof Set && setEncoding(value) === 'hashtable') meta.converted = true;
  if (value instanceof Map && !(value instanceof RedisHash)) {
    if (zsetEncoding(value as Map<string, ZMember>) === 'skiplist') meta.converted = true;
  }
  table.set(key, meta);
}

/** OBJECT ENCODING of the set at key, one-way as in Redis. */
export function setEncodingAt(ctx: Ctx, key: string, set: Set<string>): 'intset' | 'hashtable' {
  return keyMeta(ctx, key)?.converted ? 'hashtable' : setEncoding(set);
}

/** OBJECT ENCODING of the sorted set at key, one-way as in Redis. */
export function zsetEncodingAt(
  ctx: Ctx,
  key: string,
  zset: Map<string, ZMember>,
): 'listpack' | 'skiplist' {
  return keyMeta(ctx, key)?.converted ? 'skiplist' : zsetEncoding(zset);
}

/** The value at key without counting as an access (OBJECT's LOOKUP_NOTOUCH). */
export function peek(ctx: Ctx, key: string): Value | undefined {
  if (!ctx.store.data.has(key)) return undefined;
  const value = ctx.store.data.get(key) as Value;
  return typeOf(value) === 'hash' && !(value instanceof RedisHash)
    ? loadHash(value as Record<string, string>)
    : value;
}

/** The live value at key (expired keys vanish on access), or undefined. Hashes load as RedisHash. */
export function lookup(ctx: Ctx, key: string): Value | undefined {
  if (!ctx.store.data.has(key)) return undefined;
  noteAccess(ctx, key);
  const value = ctx.store.data.get(key) as Value;
  return typeOf(value) === 'hash' && !(value instanceof RedisHash)
    ? loadHash(value as Record<string, string>)
    : value;
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
export const getHash = (ctx: Ctx, key: string) => expect<RedisHash>(ctx, key, 'hash');
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
  // A write refreshes the LRU; a string's encoding comes from its value again unless the caller
  // edited it in place and marks it afterwards.
  noteWrite(ctx, key, !ctx.store.data.has(key), value);
  ctx.store.data.set(key, value instanceof RedisHash ? storedHash(value) : value);
  ctx.touch(key);
}

/** Writes a value and clears any TTL (a new value, as SET does). */
export function replace(ctx: Ctx, key: string, value: Value): void {
  ctx.store.expires.delete(key);
  META.get(ctx.store.data)?.delete(key);
  update(ctx, key, value);
}

/** Deletes a key; true if it existed. */
export function remove(ctx: Ctx, key: string): boolean {
  if (!ctx.store.data.has(key)) return false;
  ctx.store.data.delete(key);
  ctx.store.expires.delete(key);
  META.get(ctx.store.data)?.delete(key);
  ctx.touch(key);
  return true;
}

function isEmptyAggregate(value: Value): boolean {
  if (streamOf(value)) return false;
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
