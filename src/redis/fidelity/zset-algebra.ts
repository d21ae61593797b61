/**
 * The sorted-set algebra and multi-key pops: ZUNION/ZINTER/ZDIFF (+STORE) with WEIGHTS and
 * AGGREGATE, ZINTERCARD, ZMPOP, ZRANDMEMBER, following zunionInterDiffGenericCommand in t_zset.c.
 * Plain sets are accepted as inputs (every member scores 1), as Redis does.
 */
import { ERR, replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import { getZset, keyOf, lookup, remove, replace, typeOf, update } from './keyspace.ts';
import { formatDouble, numArg, parseDouble, parseInt64 } from './numbers.ts';
import { sorted } from './sorted-sets.ts';
import type { Arg, Ctx, FamilyModule, Handler, Reply, ZMember } from './types.ts';

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** A source of the algebra: member → score (sets score 1), or empty when the key is missing. */
function source(ctx: Ctx, key: string): Map<string, number> {
  const value = lookup(ctx, key);
  if (value === undefined) return new Map();
  const type = typeOf(value);
  if (type === 'set') return new Map([...(value as Set<string>)].map((m) => [m, 1]));
  if (type === 'zset')
    return new Map([...(value as Map<string, ZMember>).values()].map((m) => [m.value, m.score]));
  throw replyError(ERR.wrongType);
}

/** zunionInterAggregate; +inf + -inf is NaN, which Redis turns into 0. */
function aggregate(how: Aggregate, a: number, b: number): number {
  if (how === 'sum') {
    const s = a + b;
    return Number.isNaN(s) ? 0 : s;
  }
  return how === 'min' ? Math.min(a, b) : Math.max(a, b);
}

function weighted(score: number, weight: number): number {
  const s = score * weight;
  return Number.isNaN(s) ? 0 : s;
}

function compute(
  sources: Map<string, number>[],
  weights: number[],
  op: Op,
  how: Aggregate,
): Map<string, number> {
  const out = new Map<string, number>();
  if (op === 'diff') {
    const [first, ...rest] = sources;
    for (const [m, s] of first) if (rest.every((r) => !r.has(m))) out.set(m, s);
    return out;
  }
  // Redis sorts the inputs by cardinality first; it decides the order scores are aggregated in.
  const order = sources.map((s, i) => ({ s, w: weights[i] })).sort((a, b) => a.s.size - b.s.size);
  if (op === 'inter') {
    if (order.length === 0 || order[0].s.size === 0) return out;
    const [first, ...rest] = order;
    for (const [m, score] of first.s) {
      if (!rest.every((r) => r.s.has(m))) continue;
      let acc = weighted(score, first.w);
      for (const r of rest) acc = aggregate(how, acc, weighted(r.s.get(m)!, r.w));
      out.set(m, acc);
    }
    return out;
  }
  for (const { s, w } of order)
    for (const [m, score] of s) {
      const v = weighted(score, w);
      out.set(m, out.has(m) ? aggregate(how, out.get(m)!, v) : v);
    }
  return out;
}

/** ZUNION/ZINTER/ZDIFF and their STORE forms; `args` start after the command name. */
function algebra(op: Op, store: boolean, name: string): Handler {
  return (ctx, args) => {
    const dst = store ? keyOf(args[0]) : null;
    const rest = store ? args.slice(1) : args;
    const n = parseInt64(rest[0]);
    if (n === null) throw replyError(ERR.notInteger);
    if (n < 1n) throw replyError(`ERR at least 1 input key is needed for '${name}' command`);
    if (n > BigInt(rest.length - 1)) throw replyError(ERR.syntax);
    const count = Number(n);
    const keys = rest.slice(1, 1 + count).map(keyOf);
    const weights = keys.map(() => 1);
    let how: Aggregate = 'sum';
    let withscores = false;
    for (let j = 1 + count; j < rest.length; j++) {
      const opt = toText(rest[j]).toLowerCase();
      const left = rest.length - j - 1;
      if (op !== 'diff' && opt === 'weights' && left >= count) {
        for (let i = 0; i < count; i++) {
          const w = parseDouble(rest[j + 1 + i]);
          if (w === null || Number.isNaN(w)) throw replyError('ERR weight value is not a float');
          weights[i] = w;
        }
        j += count;
      } else if (op !== 'diff' && opt === 'aggregate' && left >= 1) {
        const a = toText(rest[++j]).toLowerCase();
        if (a !== 'sum' && a !== 'min' && a !== 'max') throw replyError(ERR.syntax);
        how = a;
      } else if (!store && opt === 'withscores') withscores = true;
      else throw replyError(ERR.syntax);
    }
    const result = compute(
      keys.map((k) => source(ctx, k)),
      weights,
      op,
      how,
    );
    const members: ZMember[] = [...result].map(([value, score]) => ({ value, score }));
    if (dst !== null) {
      if (members.length === 0) remove(ctx, dst);
      else replace(ctx, dst, new Map(members.map((m) => [m.value, m])));
      return members.length;
    }
    const ordered = sorted(new Map(members.map((m) => [m.value, m])));
    return withscores
      ? ordered.flatMap((m) => [m.value, formatDouble(m.score)])
      : ordered.map((m) => m.value);
  };
}

/** ZINTERCARD parses like ZINTER (not like SINTERCARD): its own numkeys and LIMIT errors. */
function zintercard(ctx: Ctx, args: Arg[]): Reply {
  const numkeys = parseInt64(args[0]);
  if (numkeys === null) throw replyError(ERR.notInteger);
  if (numkeys < 1n) throw replyError("ERR at least 1 input key is needed for 'zintercard' command");
  if (numkeys > BigInt(args.length - 1)) throw replyError(ERR.syntax);
  const n = Number(numkeys);
  let limit = 0;
  for (let i = 1 + n; i < args.length; i++) {
    if (toText(args[i]).toLowerCase() === 'limit' && i + 1 < args.length) {
      const l = parseInt64(args[++i]);
      if (l === null || l < 0n) throw replyError("ERR LIMIT can't be negative");
      limit = Number(l);
    } else throw replyError(ERR.syntax);
  }
  const sources = args.slice(1, 1 + n).map((k) => source(ctx, keyOf(k)));
  const size = compute(
    sources,
    sources.map(() => 1),
    'inter',
    'sum',
  ).size;
  return limit > 0 ? Math.min(limit, size) : size;
}

/** Shared by ZMPOP and LMPOP: numkeys, the keys, then the rest of the arguments. */
export function parseNumkeys(args: Arg[]): { keys: string[]; rest: Arg[] } {
  const numkeys = parseInt64(args[0]);
  if (numkeys === null || numkeys <= 0n) throw replyError('ERR numkeys should be greater than 0');
  if (numkeys > BigInt(args.length - 1))
    throw replyError("ERR Number of keys can't be greater than number of args");
  const n = Number(numkeys);
  return { keys: args.slice(1, 1 + n).map(keyOf), rest: args.slice(1 + n) };
}

/** `[COUNT n]` after the direction of ZMPOP/LMPOP. */
export function parseMpopCount(rest: Arg[]): number {
  let count = -1;
  for (let i = 0; i < rest.length; i++) {
    const opt = toText(rest[i]).toLowerCase();
    if (opt === 'count' && count === -1 && i + 1 < rest.length) {
      const c = parseInt64(rest[++i]);
      if (c === null || c <= 0n) throw replyError('ERR count should be greater than 0');
      count = Number(c);
    } else throw replyError(ERR.syntax);
  }
  return count === -1 ? 1 : count;
}

function zmpop(ctx: Ctx, args: Arg[]): Reply {
  const { keys, rest } = parseNumkeys(args);
  const where = toText(rest[0] ?? '').toLowerCase();
  if (where !== 'min' && where !== 'max') throw replyError(ERR.syntax);
  const count = parseMpopCount(rest.slice(1));
  for (const key of keys) {
    const z = getZset(ctx, key);
    if (z === undefined || z.size === 0) continue;
    const ordered = sorted(z);
    if (where === 'max') ordered.reverse();
    const taken = ordered.slice(0, count);
    for (const m of taken) z.delete(m.value);
    update(ctx, key, z);
    return [key, taken.map((m) => [m.value, formatDouble(m.score)])];
  }
  return null;
}

function zrandmember(ctx: Ctx, args: Arg[]): Reply {
  if (args.length > 3 || (args.length === 3 && toText(args[2]).toLowerCase() !== 'withscores'))
    throw replyError(ERR.syntax);
  const key = keyOf(args[0]);
  const z = getZset(ctx, key);
  if (args.length === 1) {
    if (z === undefined) return null;
    const members = [...z.keys()];
    return members[Math.floor(Math.random() * members.length)];
  }
  const count = numArg(args[1]);
  const withscores = args.length === 3;
  if (Math.abs(count) > Number.MAX_SAFE_INTEGER / 4 && withscores)
    throw replyError('ERR value is out of range');
  if (z === undefined || count === 0) return [];
  const render = (ms: ZMember[]) =>
    withscores ? ms.flatMap((m) => [m.value, formatDouble(m.score)]) : ms.map((m) => m.value);
  const all = [...z.values()];
  if (count < 0)
    return render(
      Array.from({ length: -count }, () => all[Math.floor(Math.random() * all.length)]),
    );
  // The whole set when the count covers it, walked as Redis's zui iterator walks: from the
  // highest score down, for either encoding.
  if (count >= all.length) return render(sorted(z).reverse());
  const pool = [...all];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return render(pool.slice(0, count));
}

/** The sorted-set commands added in issue 13. */
export const zsetAlgebra: FamilyModule = {
  family: 'sorted-sets',
  commands: {
    zunion: algebra('union', false, 'zunion'),
    zinter: algebra('inter', false, 'zinter'),
    zdiff: algebra('diff', false, 'zdiff'),
    zunionstore: algebra('union', true, 'zunionstore'),
    zinterstore: algebra('inter', true, 'zinterstore'),
    zdiffstore: algebra('diff', true, 'zdiffstore'),
    zintercard,
    zmpop,
    zrandmember,
  },
};
