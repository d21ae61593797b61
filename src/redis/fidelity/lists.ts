/** List commands: pushes, pops with COUNT, LRANGE, LINDEX, LSET, LREM, LTRIM, LINSERT, LPOS, LMOVE. */
import { ERR, replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import { getList, keyOf, update } from './keyspace.ts';
import { numArg, parseInt64 } from './numbers.ts';
import { parseMpopCount, parseNumkeys } from './zset-algebra.ts';
import { OK, type Arg, type Ctx, type FamilyModule, type Handler, type Reply } from './types.ts';

function push(left: boolean, onlyIfExists: boolean): Handler {
  return (ctx, [keyArg, ...values]) => {
    const key = keyOf(keyArg);
    const list = getList(ctx, key);
    if (onlyIfExists && list === undefined) return 0;
    const next = list ?? [];
    for (const v of values) {
      if (left) next.unshift(toText(v));
      else next.push(toText(v));
    }
    update(ctx, key, next);
    return next.length;
  };
}

/** A count that must be >= 0: `ERR value is out of range, must be positive`. */
function positiveCount(arg: Arg): number {
  const n = parseInt64(arg);
  if (n === null || n < 0n) throw replyError('ERR value is out of range, must be positive');
  return Number(n);
}

function pop(left: boolean): Handler {
  return (ctx, args) => {
    if (args.length > 2) throw replyError(ERR.arity(left ? 'lpop' : 'rpop'));
    const hasCount = args.length === 2;
    const count = hasCount ? positiveCount(args[1]) : 1;
    const key = keyOf(args[0]);
    const list = getList(ctx, key);
    if (list === undefined) return null;
    if (hasCount && count === 0) return [];
    const taken = left
      ? list.splice(0, count)
      : list.splice(Math.max(0, list.length - count)).reverse();
    update(ctx, key, list);
    return hasCount ? taken : taken[0];
  };
}

/** Clamps LRANGE/LTRIM-style indexes to [start, end] inclusive over a length. */
function rangeOf(len: number, startArg: Arg, endArg: Arg): [number, number] {
  let start = numArg(startArg);
  let end = numArg(endArg);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  return [start, end >= len ? len - 1 : end];
}

function lpos(ctx: Ctx, args: Arg[]): Reply {
  const element = toText(args[1]);
  let rank = 1;
  let count: number | null = null;
  let maxlen = 0;
  for (let i = 2; i < args.length; i++) {
    const opt = toText(args[i]).toLowerCase();
    if (i + 1 >= args.length) throw replyError(ERR.syntax);
    if (opt === 'rank') {
      rank = numArg(args[++i]);
      if (rank === 0)
        throw replyError(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
    } else if (opt === 'count') {
      // getRangeLongFromObjectOrReply: a bad number gets the range message too.
      const n = parseInt64(args[++i]);
      if (n === null || n < 0n) throw replyError("ERR COUNT can't be negative");
      count = Number(n);
    } else if (opt === 'maxlen') {
      const n = parseInt64(args[++i]);
      if (n === null || n < 0n) throw replyError("ERR MAXLEN can't be negative");
      maxlen = Number(n);
    } else throw replyError(ERR.syntax);
  }
  const list = getList(ctx, keyOf(args[0]));
  if (list === undefined) return count === null ? null : [];
  const found: number[] = [];
  const want = count === null ? 1 : count === 0 ? Infinity : count;
  let skip = Math.abs(rank) - 1;
  const n = list.length;
  for (let step = 0; step < n && (maxlen === 0 || step < maxlen) && found.length < want; step++) {
    const idx = rank > 0 ? step : n - 1 - step;
    if (list[idx] === element) {
      if (skip > 0) skip--;
      else found.push(idx);
    }
  }
  if (count === null) return found.length ? found[0] : null;
  return found;
}

function lmove(ctx: Ctx, src: Arg, dst: Arg, from: string, to: string): Reply {
  const srcKey = keyOf(src);
  const dstKey = keyOf(dst);
  const list = getList(ctx, srcKey);
  if (list === undefined) return null;
  const target = srcKey === dstKey ? list : (getList(ctx, dstKey) ?? []);
  const value = from === 'left' ? list.shift()! : list.pop()!;
  if (srcKey !== dstKey) update(ctx, srcKey, list);
  if (to === 'left') target.unshift(value);
  else target.push(value);
  update(ctx, dstKey, target);
  return value;
}

function direction(arg: Arg): string {
  const d = toText(arg).toLowerCase();
  if (d !== 'left' && d !== 'right') throw replyError(ERR.syntax);
  return d;
}

/** The lists family. */
export const lists: FamilyModule = {
  family: 'lists',
  commands: {
    lpush: push(true, false),
    rpush: push(false, false),
    lpushx: push(true, true),
    rpushx: push(false, true),
    lpop: pop(true),
    rpop: pop(false),
    llen: (ctx, [key]) => getList(ctx, keyOf(key))?.length ?? 0,
    lrange: (ctx, [key, start, end]) => {
      numArg(start);
      numArg(end);
      const list = getList(ctx, keyOf(key)) ?? [];
      const [s, e] = rangeOf(list.length, start, end);
      return s > e || s >= list.length ? [] : list.slice(s, e + 1);
    },
    lindex: (ctx, [key, indexArg]) => {
      // Redis looks the key up (and checks its type) before it parses the index.
      const list = getList(ctx, keyOf(key));
      if (list === undefined) return null;
      const index = numArg(indexArg);
      const i = index < 0 ? list.length + index : index;
      return i >= 0 && i < list.length ? list[i] : null;
    },
    lset: (ctx, [keyArg, indexArg, value]) => {
      const key = keyOf(keyArg);
      const list = getList(ctx, key);
      if (list === undefined) throw replyError(ERR.noSuchKey);
      const index = numArg(indexArg);
      const i = index < 0 ? list.length + index : index;
      if (i < 0 || i >= list.length) throw replyError('ERR index out of range');
      list[i] = toText(value);
      update(ctx, key, list);
      return OK;
    },
    lrem: (ctx, [keyArg, countArg, element]) => {
      const count = numArg(countArg);
      const key = keyOf(keyArg);
      const list = getList(ctx, key);
      if (list === undefined) return 0;
      const target = toText(element);
      let removed = 0;
      const limit = count === 0 ? Infinity : Math.abs(count);
      const order = count < 0 ? [...list.keys()].reverse() : [...list.keys()];
      const drop = new Set<number>();
      for (const i of order) {
        if (removed >= limit) break;
        if (list[i] === target) {
          drop.add(i);
          removed++;
        }
      }
      if (removed)
        update(
          ctx,
          key,
          list.filter((_, i) => !drop.has(i)),
        );
      return removed;
    },
    ltrim: (ctx, [keyArg, start, end]) => {
      numArg(start);
      numArg(end);
      const key = keyOf(keyArg);
      const list = getList(ctx, key);
      if (list === undefined) return OK;
      const [s, e] = rangeOf(list.length, start, end);
      update(ctx, key, s > e || s >= list.length ? [] : list.slice(s, e + 1));
      return OK;
    },
    linsert: (ctx, [keyArg, where, pivot, element]) => {
      const w = toText(where).toLowerCase();
      if (w !== 'before' && w !== 'after') throw replyError(ERR.syntax);
      const key = keyOf(keyArg);
      const list = getList(ctx, key);
      if (list === undefined) return 0;
      const i = list.indexOf(toText(pivot));
      if (i < 0) return -1;
      list.splice(w === 'before' ? i : i + 1, 0, toText(element));
      update(ctx, key, list);
      return list.length;
    },
    lpos,
    lmove: (ctx, [src, dst, from, to]) => {
      const f = direction(from);
      const t = direction(to);
      return lmove(ctx, src, dst, f, t);
    },
    rpoplpush: (ctx, [src, dst]) => lmove(ctx, src, dst, 'right', 'left'),
    lmpop: (ctx, args) => {
      const { keys, rest } = parseNumkeys(args);
      const where = toText(rest[0] ?? '').toLowerCase();
      if (where !== 'left' && where !== 'right') throw replyError(ERR.syntax);
      const count = parseMpopCount(rest.slice(1));
      for (const key of keys) {
        const list = getList(ctx, key);
        if (list === undefined || list.length === 0) continue;
        const taken = where === 'left' ? list.splice(0, count) : list.splice(-count).reverse();
        update(ctx, key, list);
        return [key, taken];
      }
      return null;
    },
  },
};
