/** Sorted-set commands: ZADD with every flag, ZINCRBY, ZRANGE in all its forms, ranks, removals, pops, ZSCAN. */
import { ERR, replyError } from '../reply-error.ts';
import { compareBytes, toText } from '../bytes.ts';
import { getZset, keyOf, remove, replace, update, zsetEncodingAt } from './keyspace.ts';
import { doubleArg, formatDouble, numArg, parseDouble, parseInt64 } from './numbers.ts';
import { scanCollection } from './scan-util.ts';
import type { Arg, Ctx, FamilyModule, Handler, Reply, ZMember } from './types.ts';

/** Redis's order: by score, then by member bytes. */
export function sorted(z: Map<string, ZMember> | undefined): ZMember[] {
  return [...(z?.values() ?? [])].sort(
    (a, b) => a.score - b.score || compareBytes(a.value, b.value),
  );
}

interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

function parseScoreBound(arg: Arg): { value: number; ex: boolean } | null {
  const text = toText(arg);
  const ex = text.startsWith('(');
  const value = parseDouble(ex ? text.slice(1) : text);
  return value === null || Number.isNaN(value) ? null : { value, ex };
}

function scoreRange(minArg: Arg, maxArg: Arg): ScoreRange {
  const min = parseScoreBound(minArg);
  const max = parseScoreBound(maxArg);
  if (!min || !max) throw replyError('ERR min or max is not a float');
  return { min: min.value, max: max.value, minex: min.ex, maxex: max.ex };
}

function inScoreRange(r: ScoreRange, s: number): boolean {
  return (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
}

type LexBound = { kind: 'min' | 'max' } | { kind: 'value'; value: string; ex: boolean };

function parseLexBound(arg: Arg): LexBound | null {
  const text = toText(arg);
  if (text === '-') return { kind: 'min' };
  if (text === '+') return { kind: 'max' };
  if (text.startsWith('[')) return { kind: 'value', value: text.slice(1), ex: false };
  if (text.startsWith('(')) return { kind: 'value', value: text.slice(1), ex: true };
  return null;
}

function lexRange(minArg: Arg, maxArg: Arg): [LexBound, LexBound] {
  const min = parseLexBound(minArg);
  const max = parseLexBound(maxArg);
  if (!min || !max) throw replyError('ERR min or max not valid string range item');
  return [min, max];
}

function lexGteMin(min: LexBound, m: string): boolean {
  if (min.kind !== 'value') return min.kind === 'min';
  return min.ex ? compareBytes(m, min.value) > 0 : compareBytes(m, min.value) >= 0;
}

function lexLteMax(max: LexBound, m: string): boolean {
  if (max.kind !== 'value') return max.kind === 'max';
  return max.ex ? compareBytes(m, max.value) < 0 : compareBytes(m, max.value) <= 0;
}

/** sdscmplex: '-' sorts before everything, '+' after everything. */
function compareLexBounds(a: LexBound, b: LexBound): number {
  const rank = (x: LexBound) => (x.kind === 'min' ? -1 : x.kind === 'max' ? 1 : 0);
  if (a.kind !== 'value' || b.kind !== 'value') return Math.sign(rank(a) - rank(b));
  return compareBytes(a.value, b.value);
}

/**
 * zzlIsInLexRange: an empty range, or one that misses the first/last member in score order,
 * selects nothing. (`-` and `+` count as exclusive, as zslParseLexRangeItem sets them.)
 */
function lexRangeCanMatch(
  items: ZMember[],
  [min, max]: [LexBound, LexBound],
  reverse: boolean,
): boolean {
  const exclusive = (b: LexBound) => b.kind !== 'value' || b.ex;
  const cmp = compareLexBounds(min, max);
  if (cmp > 0 || (cmp === 0 && (exclusive(min) || exclusive(max)))) return false;
  if (items.length === 0) return false;
  const [lowest, highest] = reverse
    ? [items[items.length - 1], items[0]]
    : [items[0], items[items.length - 1]];
  return lexGteMin(min, highest.value) && lexLteMax(max, lowest.value);
}

/**
 * The members a lex range selects, walked the way Redis walks a small sorted set (listpack):
 * from the first member >= min (or, reversed, the last <= max) for as long as members stay
 * inside the range. With equal scores that is just the range; with mixed scores it is what
 * Redis answers (the docs call it unspecified, but it is deterministic).
 */
function lexWalk(items: ZMember[], range: [LexBound, LexBound], reverse: boolean): ZMember[] {
  const [min, max] = range;
  if (!lexRangeCanMatch(items, range, reverse)) return [];
  const [enter, stay] = reverse
    ? [(m: ZMember) => lexLteMax(max, m.value), (m: ZMember) => lexGteMin(min, m.value)]
    : [(m: ZMember) => lexGteMin(min, m.value), (m: ZMember) => lexLteMax(max, m.value)];
  const first = items.findIndex(enter);
  if (first < 0) return [];
  const out: ZMember[] = [];
  for (let i = first; i < items.length && stay(items[i]); i++) out.push(items[i]);
  return out;
}

function withScores(items: ZMember[], scores: boolean): Reply[] {
  return scores
    ? items.flatMap((m) => [m.value, formatDouble(m.score)])
    : items.map((m) => m.value);
}

function rankSlice<T>(items: T[], startArg: Arg, endArg: Arg): T[] {
  const len = items.length;
  let start = numArg(startArg);
  let end = numArg(endArg);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return [];
  if (end >= len) end = len - 1;
  return items.slice(start, end + 1);
}

type RangeType = 'auto' | 'rank' | 'score' | 'lex';

/** zrangeGenericCommand from t_zset.c. `args` start at the key; ZRANGESTORE passes `dst`. */
function zrangeGeneric(
  ctx: Ctx,
  args: Arg[],
  fixed: { type: RangeType; reverse: boolean | null },
  dst?: string,
): Reply {
  let type = fixed.type;
  let reverse = fixed.reverse;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  for (let j = 3; j < args.length; j++) {
    const opt = toText(args[j]).toLowerCase();
    const left = args.length - j - 1;
    if (opt === 'withscores' && dst === undefined) withscores = true;
    else if (opt === 'limit' && left >= 2) {
      offset = numArg(args[j + 1]);
      limit = numArg(args[j + 2]);
      j += 2;
    } else if (reverse === null && opt === 'rev') reverse = true;
    else if (type === 'auto' && opt === 'bylex') type = 'lex';
    else if (type === 'auto' && opt === 'byscore') type = 'score';
    else throw replyError(ERR.syntax);
  }
  reverse ??= false;
  if (type === 'auto') type = 'rank';
  if (limit !== -1 && type === 'rank')
    throw replyError(
      'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    );
  if (withscores && type === 'lex')
    throw replyError('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  let [minArg, maxArg] = [args[1], args[2]];
  if (reverse && type !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  let pick: (items: ZMember[]) => ZMember[];
  if (type === 'rank') {
    numArg(minArg);
    numArg(maxArg);
    pick = (items) => rankSlice(items, minArg, maxArg);
  } else {
    const select =
      type === 'score'
        ? (
            (r: ScoreRange) => (items: ZMember[]) =>
              items.filter((m) => inScoreRange(r, m.score))
          )(scoreRange(minArg, maxArg))
        : (
            (r: [LexBound, LexBound]) => (items: ZMember[]) =>
              lexWalk(items, r, reverse === true)
          )(lexRange(minArg, maxArg));
    pick = (items) => {
      if (offset < 0) return [];
      const hits = select(items);
      return hits.slice(offset, limit < 0 ? undefined : offset + limit);
    };
  }
  const z = getZset(ctx, keyOf(args[0]));
  const ordered = sorted(z);
  if (reverse) ordered.reverse();
  const picked = z === undefined ? [] : pick(ordered);
  if (dst !== undefined) {
    if (picked.length === 0) remove(ctx, dst);
    else replace(ctx, dst, new Map(picked.map((m) => [m.value, { ...m }])));
    return picked.length;
  }
  return withScores(picked, withscores);
}

function zadd(ctx: Ctx, args: Arg[], forcedIncr: boolean): Reply {
  const f = { nx: false, xx: false, ch: false, incr: forcedIncr, gt: false, lt: false };
  let i = 1;
  if (!forcedIncr) {
    for (; i < args.length; i++) {
      const opt = toText(args[i]).toLowerCase();
      if (opt in f) f[opt as keyof typeof f] = true;
      else break;
    }
  }
  const rest = args.slice(i);
  if (rest.length % 2 || rest.length === 0) throw replyError(ERR.syntax);
  if (f.nx && f.xx) throw replyError('ERR XX and NX options at the same time are not compatible');
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt))
    throw replyError('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (f.incr && rest.length > 2)
    throw replyError('ERR INCR option supports a single increment-element pair');
  const pairs: [number, string][] = [];
  for (let j = 0; j < rest.length; j += 2) pairs.push([doubleArg(rest[j]), toText(rest[j + 1])]);
  const key = keyOf(args[0]);
  const existing = getZset(ctx, key);
  if (existing === undefined && f.xx) return f.incr ? null : 0;
  const z = existing ?? new Map<string, ZMember>();
  let added = 0;
  let updated = 0;
  let processed = false;
  let last = 0;
  for (const [score, member] of pairs) {
    const cur = z.get(member);
    if (cur) {
      if (f.nx) continue;
      let next = score;
      if (f.incr) {
        next = cur.score + score;
        if (Number.isNaN(next)) throw replyError('ERR resulting score is not a number (NaN)');
      }
      if ((f.lt && next >= cur.score) || (f.gt && next <= cur.score)) continue;
      processed = true;
      last = next;
      if (next !== cur.score) {
        z.set(member, { score: next, value: member });
        updated++;
      }
    } else {
      if (f.xx) continue;
      z.set(member, { score, value: member });
      added++;
      processed = true;
      last = score;
    }
  }
  update(ctx, key, z);
  if (f.incr) return processed ? formatDouble(last) : null;
  return f.ch ? added + updated : added;
}

function positiveCount(arg: Arg): number {
  const n = parseInt64(arg);
  if (n === null || n < 0n) throw replyError('ERR value is out of range, must be positive');
  return Number(n);
}

function zpop(max: boolean): Handler {
  return (ctx, args) => {
    if (args.length > 2) throw replyError(ERR.syntax);
    const count = args.length === 2 ? positiveCount(args[1]) : 1;
    const key = keyOf(args[0]);
    const z = getZset(ctx, key);
    if (z === undefined) return [];
    const ordered = sorted(z);
    if (max) ordered.reverse();
    const taken = ordered.slice(0, count);
    for (const m of taken) z.delete(m.value);
    update(ctx, key, z);
    return withScores(taken, true);
  };
}

function zremrange(ctx: Ctx, key: Arg, pick: (items: ZMember[]) => ZMember[]): Reply {
  const z = getZset(ctx, keyOf(key));
  if (z === undefined) return 0;
  const gone = pick(sorted(z));
  for (const m of gone) z.delete(m.value);
  update(ctx, keyOf(key), z);
  return gone.length;
}

function rank(reverse: boolean): Handler {
  return (ctx, [key, member]) => {
    const ordered = sorted(getZset(ctx, keyOf(key)));
    if (reverse) ordered.reverse();
    const i = ordered.findIndex((m) => m.value === toText(member));
    return i < 0 ? null : i;
  };
}

/** The sorted-sets family. */
export const sortedSets: FamilyModule = {
  family: 'sorted-sets',
  commands: {
    zadd: (ctx, args) => zadd(ctx, args, false),
    zincrby: (ctx, [key, by, member]) => zadd(ctx, [key, by, member], true),
    zscore: (ctx, [key, member]) => {
      const m = getZset(ctx, keyOf(key))?.get(toText(member));
      return m ? formatDouble(m.score) : null;
    },
    zmscore: (ctx, [key, ...members]) => {
      const z = getZset(ctx, keyOf(key));
      return members.map((m) => {
        const hit = z?.get(toText(m));
        return hit ? formatDouble(hit.score) : null;
      });
    },
    zcard: (ctx, [key]) => getZset(ctx, keyOf(key))?.size ?? 0,
    zcount: (ctx, [key, min, max]) => {
      const r = scoreRange(min, max);
      return sorted(getZset(ctx, keyOf(key))).filter((m) => inScoreRange(r, m.score)).length;
    },
    zlexcount: (ctx, [key, min, max]) => {
      const r = lexRange(min, max);
      return lexWalk(sorted(getZset(ctx, keyOf(key))), r, false).length;
    },
    zrange: (ctx, args) => zrangeGeneric(ctx, args, { type: 'auto', reverse: null }),
    zrevrange: (ctx, args) => zrangeGeneric(ctx, args, { type: 'rank', reverse: true }),
    zrangebyscore: (ctx, args) => zrangeGeneric(ctx, args, { type: 'score', reverse: false }),
    zrevrangebyscore: (ctx, args) => zrangeGeneric(ctx, args, { type: 'score', reverse: true }),
    zrangebylex: (ctx, args) => zrangeGeneric(ctx, args, { type: 'lex', reverse: false }),
    zrevrangebylex: (ctx, args) => zrangeGeneric(ctx, args, { type: 'lex', reverse: true }),
    zrangestore: (ctx, [dst, ...args]) =>
      zrangeGeneric(ctx, args, { type: 'auto', reverse: null }, keyOf(dst)),
    zrank: rank(false),
    zrevrank: rank(true),
    zrem: (ctx, [keyArg, ...members]) => {
      const key = keyOf(keyArg);
      const z = getZset(ctx, key);
      if (z === undefined) return 0;
      const removed = members.filter((m) => z.delete(toText(m))).length;
      if (removed) update(ctx, key, z);
      return removed;
    },
    zremrangebyrank: (ctx, [key, start, end]) => {
      numArg(start);
      numArg(end);
      return zremrange(ctx, key, (items) => rankSlice(items, start, end));
    },
    zremrangebyscore: (ctx, [key, min, max]) => {
      const r = scoreRange(min, max);
      return zremrange(ctx, key, (items) => items.filter((m) => inScoreRange(r, m.score)));
    },
    zremrangebylex: (ctx, [key, min, max]) => {
      const r = lexRange(min, max);
      return zremrange(ctx, key, (items) => lexWalk(items, r, false));
    },
    zpopmin: zpop(false),
    zpopmax: zpop(true),
    zscan: (ctx, [key, ...rest]) => {
      const z = getZset(ctx, keyOf(key));
      const compact = z !== undefined && zsetEncodingAt(ctx, keyOf(key), z) === 'listpack';
      return scanCollection(
        rest,
        z && (compact ? sorted(z).map((m) => m.value) : [...z.keys()]),
        compact,
        (m) => [m, formatDouble(z!.get(m)!.score)],
      );
    },
  },
};
