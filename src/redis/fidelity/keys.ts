/** Keyspace commands: DEL, EXISTS, TYPE, RENAME, KEYS, SCAN, COPY, DBSIZE, FLUSHDB, ... */
import { ERR, replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import { allKeys, exists, globMatch, keyOf, lookup, remove, replace, typeOf } from './keyspace.ts';
import { numArg, parseInt64 } from './numbers.ts';
import { OK, Status, type Arg, type Ctx, type FamilyModule, type Reply } from './types.ts';

function rename(ctx: Ctx, args: Arg[], nx: boolean): Reply {
  const src = keyOf(args[0]);
  const dst = keyOf(args[1]);
  const value = lookup(ctx, src);
  if (value === undefined) throw replyError(ERR.noSuchKey);
  if (src === dst) return nx ? 0 : OK;
  if (nx && exists(ctx, dst)) return 0;
  const ttl = ctx.store.expires.get(src);
  remove(ctx, src);
  replace(ctx, dst, value);
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
export function cursorArg(arg: Arg): number {
  const text = toText(arg);
  if (!/^([+-]?[0-9]+)?$/.test(text)) throw replyError('ERR invalid cursor');
  if (text === '') return 0;
  const magnitude = BigInt(text.replace(/^[+-]/, ''));
  if (magnitude >= 2n ** 64n) throw replyError('ERR invalid cursor');
  return Number(text.startsWith('-') && magnitude !== 0n ? 2n ** 64n - magnitude : magnitude);
}

/**
 * Cursor paging over a stable order. The cursor is an offset; Redis's is a hash-table position,
 * but both are opaque to callers, and small collections come back in one call with cursor 0.
 */
export function scanPage<T>(
  items: T[],
  cursor: number,
  count: number,
): { next: number; page: T[] } {
  const page = items.slice(cursor, cursor + count);
  const next = cursor + count >= items.length ? 0 : cursor + count;
  return { next, page };
}

function scan(ctx: Ctx, args: Arg[]): Reply {
  const cursor = cursorArg(args[0]);
  const { match, count, type } = parseScanOptions(args.slice(1), true);
  const keys = allKeys(ctx).sort();
  const { next, page } = scanPage(keys, cursor, count);
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

function copy(ctx: Ctx, args: Arg[]): Reply {
  const src = keyOf(args[0]);
  const dst = keyOf(args[1]);
  let replaceDst = false;
  for (let i = 2; i < args.length; i++) {
    const opt = toText(args[i]).toLowerCase();
    if (opt === 'replace') replaceDst = true;
    else if (opt === 'db' && i + 1 < args.length) {
      const db = parseInt64(args[++i]);
      if (db === null) throw replyError(ERR.notInteger);
      if (Number(db) !== ctx.conn.db)
        throw replyError("ERR cachelab's sandbox does not support 'copy' with DB");
    } else throw replyError(ERR.syntax);
  }
  if (src === dst) throw replyError('ERR source and destination objects are the same');
  const value = lookup(ctx, src);
  if (value === undefined) return 0;
  if (exists(ctx, dst)) {
    if (!replaceDst) return 0;
    remove(ctx, dst);
  }
  replace(ctx, dst, value);
  const ttl = ctx.store.expires.get(src);
  if (ttl !== undefined) ctx.store.expires.set(dst, ttl);
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
      return allKeys(ctx).filter((k) => globMatch(p, k));
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
  },
};
