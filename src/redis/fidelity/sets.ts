/** Set commands: SADD, SREM, SMEMBERS, SISMEMBER, SCARD, SPOP, SRANDMEMBER, algebra, SMOVE, SSCAN. */
import { ERR, replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import {
  getSet,
  keyOf,
  lookup,
  remove,
  replace,
  setEncodingAt,
  setOrder,
  update,
} from './keyspace.ts';
import { numArg, parseInt64 } from './numbers.ts';
import { scanCollection } from './scan-util.ts';
import type { Arg, Ctx, FamilyModule, Handler, Reply } from './types.ts';

type Algebra = 'inter' | 'union' | 'diff';

function combine(ctx: Ctx, keys: Arg[], op: Algebra): Set<string> {
  const sets = keys.map((k) => getSet(ctx, keyOf(k)));
  const [first, ...rest] = sets;
  if (op === 'union') return new Set(sets.flatMap((s) => [...(s ?? [])]));
  if (op === 'diff')
    return new Set([...(first ?? [])].filter((m) => rest.every((s) => !s?.has(m))));
  if (sets.some((s) => s === undefined)) return new Set();
  return new Set([...(first ?? [])].filter((m) => rest.every((s) => s!.has(m))));
}

/**
 * SINTER walks its smallest set and replies in that walk's order; SUNION and SDIFF build a new
 * set and reply in its order. Both are the order of a set holding the result.
 */
function algebra(op: Algebra): Handler {
  return (ctx, keys) => setOrder(combine(ctx, keys, op));
}

function algebraStore(op: Algebra): Handler {
  return (ctx, [dst, ...keys]) => {
    const result = combine(ctx, keys, op);
    if (result.size === 0) remove(ctx, keyOf(dst));
    else replace(ctx, keyOf(dst), result);
    return result.size;
  };
}

function positiveCount(arg: Arg): number {
  const n = parseInt64(arg);
  if (n === null || n < 0n) throw replyError('ERR value is out of range, must be positive');
  return Number(n);
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function spop(ctx: Ctx, args: Arg[]): Reply {
  if (args.length > 2) throw replyError(ERR.syntax);
  const count = args.length === 2 ? positiveCount(args[1]) : null;
  const key = keyOf(args[0]);
  const set = getSet(ctx, key);
  if (set === undefined) return count === null ? null : [];
  const taken =
    count !== null && count >= set.size ? setOrder(set) : shuffled([...set]).slice(0, count ?? 1);
  for (const m of taken) set.delete(m);
  update(ctx, key, set);
  return count === null ? taken[0] : taken;
}

function srandmember(ctx: Ctx, args: Arg[]): Reply {
  if (args.length > 2) throw replyError(ERR.syntax);
  const count = args.length === 2 ? numArg(args[1]) : null;
  const set = getSet(ctx, keyOf(args[0]));
  if (set === undefined) return count === null ? null : [];
  const members = [...set];
  if (count === null) return members[Math.floor(Math.random() * members.length)];
  // Redis replies with the whole set, in its order, when the count covers it (CASE 2).
  if (count >= members.length) return setOrder(set);
  if (count >= 0) return shuffled(members).slice(0, count);
  return Array.from({ length: -count }, () => members[Math.floor(Math.random() * members.length)]);
}

function sintercard(ctx: Ctx, args: Arg[]): Reply {
  const numkeys = parseInt64(args[0]);
  if (numkeys === null || numkeys <= 0n) throw replyError('ERR numkeys should be greater than 0');
  if (numkeys > BigInt(args.length - 1))
    throw replyError("ERR Number of keys can't be greater than number of args");
  const n = Number(numkeys);
  let limit = 0;
  for (let i = 1 + n; i < args.length; i++) {
    if (toText(args[i]).toLowerCase() === 'limit' && i + 1 < args.length) {
      const l = parseInt64(args[++i]);
      if (l === null) throw replyError(ERR.notInteger);
      if (l < 0n) throw replyError("ERR LIMIT can't be negative");
      limit = Number(l);
    } else throw replyError(ERR.syntax);
  }
  const size = combine(ctx, args.slice(1, 1 + n), 'inter').size;
  return limit > 0 ? Math.min(limit, size) : size;
}

/** The sets family. */
export const sets: FamilyModule = {
  family: 'sets',
  commands: {
    sadd: (ctx, [keyArg, ...members]) => {
      const key = keyOf(keyArg);
      const set = getSet(ctx, key) ?? new Set<string>();
      let added = 0;
      for (const m of members.map(toText)) {
        if (!set.has(m)) {
          set.add(m);
          added++;
        }
      }
      update(ctx, key, set);
      return added;
    },
    srem: (ctx, [keyArg, ...members]) => {
      const key = keyOf(keyArg);
      const set = getSet(ctx, key);
      if (!set) return 0;
      const removed = members.map(toText).filter((m) => set.delete(m)).length;
      if (removed) update(ctx, key, set);
      return removed;
    },
    smembers: (ctx, [keyArg]) => {
      const key = keyOf(keyArg);
      const set = getSet(ctx, key);
      return set ? setOrder(set, setEncodingAt(ctx, key, set)) : [];
    },
    sismember: (ctx, [key, m]) => (getSet(ctx, keyOf(key))?.has(toText(m)) ? 1 : 0),
    smismember: (ctx, [key, ...ms]) => {
      const set = getSet(ctx, keyOf(key));
      return ms.map((m) => (set?.has(toText(m)) ? 1 : 0));
    },
    scard: (ctx, [key]) => getSet(ctx, keyOf(key))?.size ?? 0,
    spop,
    srandmember,
    sinter: algebra('inter'),
    sunion: algebra('union'),
    sdiff: algebra('diff'),
    sinterstore: algebraStore('inter'),
    sunionstore: algebraStore('union'),
    sdiffstore: algebraStore('diff'),
    sintercard,
    smove: (ctx, [srcArg, dstArg, memberArg]) => {
      const src = keyOf(srcArg);
      const dst = keyOf(dstArg);
      const member = toText(memberArg);
      if (lookup(ctx, src) === undefined) return 0;
      const from = getSet(ctx, src);
      const to = getSet(ctx, dst);
      if (from === undefined || !from.has(member)) return 0;
      if (src === dst) return 1;
      from.delete(member);
      update(ctx, src, from);
      const target = to ?? new Set<string>();
      target.add(member);
      update(ctx, dst, target);
      return 1;
    },
    sscan: (ctx, [key, ...rest]) => {
      const set = getSet(ctx, keyOf(key));
      const compact = set !== undefined && setEncodingAt(ctx, keyOf(key), set) === 'intset';
      return scanCollection(rest, set && (compact ? setOrder(set) : [...set]), compact, (m) => [m]);
    },
  },
};
