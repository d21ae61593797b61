/** Keyspace commands: DEL, EXISTS, TYPE, RENAME, KEYS, SCAN, COPY, DBSIZE, FLUSHDB, ... */
import { ERR, replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import {
  allKeys,
  carryMeta,
  exists,
  globMatch,
  keyOf,
  lookup,
  remove,
  replace,
  typeOf,
} from './keyspace.ts';
import { numArg, parseInt64 } from './numbers.ts';
import { dictOrder, dictScan } from './dict.ts';
import { storedStream, streamOf } from './stream-value.ts';
import {
  OK,
  Status,
  type Arg,
  type Ctx,
  type FamilyModule,
  type Reply,
  type Value,
} from './types.ts';

function rename(ctx: Ctx, args: Arg[], nx: boolean): Reply {
  const src = keyOf(args[0]);
  const dst = keyOf(args[1]);
  const value = lookup(ctx, src);
  if (value === undefined) throw replyError(ERR.noSuchKey);
  if (src === dst) return nx ? 0 : OK;
  if (nx && exists(ctx, dst)) return 0;
  const ttl = ctx.store.expires.get(src);
  replace(ctx, dst, value);
  carryMeta(ctx, src, ctx, dst);
  remove(ctx, src);
  if (ttl !== undefined) ctx.store.expires.set(dst, ttl);
  return nx ? 1 : OK;
}

/** Parses SCAN-style options after the cursor: MATCH, COUNT and (for SCAN) TYPE. */
export function parseScanOptions(args: Arg[], allowType: boolean) {
  let match: string | null = null;
  let count = 10;
  let type: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const opt = toText(args[i]).toLowerCase();
    const hasNext = i + 1 < args.length;
    if (opt === 'count' && hasNext) {
      count = numArg(args[++i]);
      if (count < 1) throw replyError(ERR.syntax);
    } else if (opt === 'match' && hasNext) match = toText(args[++i]);
    else if (opt === 'type' && hasNext && allowType) type = toText(args[++i]);
    else throw replyError(ERR.syntax);
  }
  return { match, count, type };
}

/** A cursor argument, read with strtoul as Redis does ("-1" wraps around, "" is 0). */
export function cursorArg(arg: Arg): bigint {
  const text = toText(arg);
  if (!/^([+-]?[0-9]+)?$/.test(text)) throw replyError('ERR invalid cursor');
  if (text === '') return 0n;
  const magnitude = BigInt(text.replace(/^[+-]/, ''));
  if (magnitude >= 2n ** 64n) throw replyError('ERR invalid cursor');
  return text.startsWith('-') && magnitude !== 0n ? 2n ** 64n - magnitude : magnitude;
}

/**
 * SCAN walks the keyspace as Redis's dict (dict.ts): reverse-binary cursor over hash buckets, so
 * pages are uneven, MATCH and TYPE can leave them empty, and keys never come back sorted.
 */
function scan(ctx: Ctx, args: Arg[]): Reply {
  const cursor = cursorArg(args[0]);
  const { match, count, type } = parseScanOptions(args.slice(1), true);
  const { next, page } = dictScan(allKeys(ctx), cursor, count);
  const out = page.filter(
    (k) =>
      (match === null || globMatch(match, k)) &&
      (type === null || (exists(ctx, k) && typeOf(lookup(ctx, k)) === type.toLowerCase())),
  );
  return [String(next), out];
}

function flush(ctx: Ctx, args: Arg[], all: boolean): Reply {
  if (args.length > 1) throw replyError(ERR.syntax);
  if (args.length === 1 && !['async', 'sync'].includes(toText(args[0]).toLowerCase()))
    throw replyError(ERR.syntax);
  if (all) ctx.flushAll();
  else for (const k of allKeys(ctx)) remove(ctx, k);
  return OK;
}

/** A target database argument of MOVE/COPY: its context, or Redis's errors. */
function targetDb(ctx: Ctx, arg: Arg, int32: boolean): Ctx {
  const db = parseInt64(arg);
  if (db === null) throw replyError(ERR.notInteger);
  if (int32 && (db < -(2n ** 31n) || db >= 2n ** 31n))
    throw replyError('ERR value is out of range, value must between -2147483648 and 2147483647');
  if (!ctx.hasDb(Number(db))) throw replyError('ERR DB index is out of range');
  return Number(db) === ctx.conn.db ? ctx : ctx.dbCtx(Number(db));
}

/** Moves (or copies) a value with its TTL into another context's database. */
function transfer(from: Ctx, to: Ctx, src: string, dst: string, value: Value): void {
  const ttl = from.store.expires.get(src);
  replace(to, dst, value);
  carryMeta(from, src, to, dst);
  if (ttl !== undefined) to.store.expires.set(dst, ttl);
}

function copy(ctx: Ctx, args: Arg[]): Reply {
  const src = keyOf(args[0]);
  const dst = keyOf(args[1]);
  let replaceDst = false;
  let target = ctx;
  for (let i = 2; i < args.length; i++) {
    const opt = toText(args[i]).toLowerCase();
    if (opt === 'replace') replaceDst = true;
    else if (opt === 'db' && i + 1 < args.length) target = targetDb(ctx, args[++i], false);
    else throw replyError(ERR.syntax);
  }
  if (target === ctx && src === dst)
    throw replyError('ERR source and destination objects are the same');
  const value = lookup(ctx, src);
  if (value === undefined) return 0;
  if (exists(target, dst)) {
    if (!replaceDst) return 0;
    remove(target, dst);
  }
  // A stream is held by reference (stream-value.ts): COPY needs its own deep copy.
  const stream = streamOf(value);
  transfer(
    ctx,
    target,
    src,
    dst,
    stream ? (storedStream(stream.clone()) as unknown as Value) : value,
  );
  return 1;
}

function move(ctx: Ctx, [keyArg, dbArg]: Arg[]): Reply {
  const key = keyOf(keyArg);
  const target = targetDb(ctx, dbArg, true);
  if (target === ctx) throw replyError('ERR source and destination objects are the same');
  const value = lookup(ctx, key);
  if (value === undefined) return 0;
  if (exists(target, key)) return 0;
  transfer(ctx, target, key, key, value);
  remove(ctx, key);
  return 1;
}

/** The keys family. */
export const keys: FamilyModule = {
  family: 'keys',
  commands: {
    del: (ctx, args) => args.filter((k) => remove(ctx, keyOf(k))).length,
    unlink: (ctx, args) => args.filter((k) => remove(ctx, keyOf(k))).length,
    exists: (ctx, args) => args.filter((k) => exists(ctx, keyOf(k))).length,
    touch: (ctx, args) => args.filter((k) => exists(ctx, keyOf(k))).length,
    type: (ctx, [key]) => {
      const value = lookup(ctx, keyOf(key));
      return new Status(value === undefined ? 'none' : typeOf(value));
    },
    rename: (ctx, args) => rename(ctx, args, false),
    renamenx: (ctx, args) => rename(ctx, args, true),
    keys: (ctx, [pattern]) => {
      const p = toText(pattern);
      return dictOrder(allKeys(ctx)).filter((k) => globMatch(p, k));
    },
    scan,
    randomkey: (ctx) => {
      const all = allKeys(ctx);
      return all.length === 0 ? null : all[Math.floor(Math.random() * all.length)];
    },
    dbsize: (ctx) => allKeys(ctx).length,
    flushdb: (ctx, args) => flush(ctx, args, false),
    flushall: (ctx, args) => flush(ctx, args, true),
    copy,
    move,
  },
};
