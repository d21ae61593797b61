/**
 * SORT and SORT_RO as sort.c in Redis 7.0: BY (a constant pattern means "don't sort"), GET with
 * `#` and `key->field` patterns, LIMIT, ASC|DESC, ALPHA (byte order: the sandbox's server runs in
 * the C locale) and STORE. Sets load in their reply order (intset ascending, hash order
 * otherwise), so an unsorted SORT BY nosort is as arbitrary as Redis's.
 */
import { ERR, replyError } from '../reply-error.ts';
import { compareBytes, toText } from '../bytes.ts';
import {
  keyOf,
  lookup,
  markConverted,
  remove,
  replace,
  setEncodingAt,
  setOrder,
  typeOf,
  type RedisHash,
} from './keyspace.ts';
import { dictOrder } from './dict.ts';
import { sorted } from './sorted-sets.ts';
import { numArg } from './numbers.ts';
import type { Arg, Ctx, FamilyModule, Reply, ZMember } from './types.ts';

/** strtod over the whole string (leading spaces allowed), as SORT converts weights; null if not. */
function strtod(text: string): number | null {
  const s = text.replace(/^[ \t\n\v\f\r]+/, '');
  if (s === '') return text === '' ? 0 : null;
  let n: number;
  if (/^[+-]?inf(inity)?$/i.test(s)) n = s.startsWith('-') ? -Infinity : Infinity;
  else if (/^[+-]?0x[0-9a-f]+$/i.test(s)) n = Number.parseInt(s, 16);
  else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    n = Number(s);
    // ERANGE: overflow to infinity or underflow of a non-zero literal to 0.
    if (!Number.isFinite(n) || (n === 0 && /[1-9]/.test(s.split(/[eE]/)[0]))) return null;
  } else return null;
  return n;
}

/** lookupKeyByPattern: `#` is the element; the first `*` is replaced; `->field` reads a hash. */
function byPattern(ctx: Ctx, pattern: string, element: string): string | null {
  if (pattern === '#') return element;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : null;
  const tail = field === null ? pattern.slice(star + 1) : pattern.slice(star + 1, arrow);
  const key = pattern.slice(0, star) + element + tail;
  const value = lookup(ctx, key);
  if (value === undefined) return null;
  if (field !== null) {
    if (typeOf(value) !== 'hash') return null;
    return (value as RedisHash).get(field) ?? null;
  }
  return typeOf(value) === 'string' ? toText(value as string) : null;
}

interface Entry {
  element: string;
  score: number;
  cmp: string | null;
}

function sort(ctx: Ctx, args: Arg[], readonly: boolean): Reply {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let store: string | null = null;
  let by: string | null = null;
  let dontsort = false;
  const gets: string[] = [];
  for (let j = 1; j < args.length; j++) {
    const opt = toText(args[j]).toLowerCase();
    const left = args.length - j - 1;
    if (opt === 'asc') desc = false;
    else if (opt === 'desc') desc = true;
    else if (opt === 'alpha') alpha = true;
    else if (opt === 'limit' && left >= 2) {
      limitStart = numArg(args[j + 1]);
      limitCount = numArg(args[j + 2]);
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) store = keyOf(args[++j]);
    else if (opt === 'by' && left >= 1) {
      by = toText(args[++j]);
      dontsort = !by.includes('*');
    } else if (opt === 'get' && left >= 1) gets.push(toText(args[++j]));
    else throw replyError(ERR.syntax);
  }
  const key = keyOf(args[0]);
  const value = lookup(ctx, key);
  const type = value === undefined ? 'list' : typeOf(value);
  if (type !== 'list' && type !== 'set' && type !== 'zset') throw replyError(ERR.wrongType);
  // A set sorted for STORE must not depend on hash order: Redis forces ALPHA.
  if (dontsort && type === 'set' && store !== null) {
    dontsort = false;
    alpha = true;
    by = null;
  }
  // sortCommand converts a listpack sorted set to a skiplist before reading it (one-way).
  if (type === 'zset') markConverted(ctx, key);
  let elements: string[];
  if (value === undefined) elements = [];
  else if (type === 'list') elements = value as string[];
  else if (type === 'set')
    elements = setOrder(value as Set<string>, setEncodingAt(ctx, key, value as Set<string>));
  else if (dontsort) elements = sorted(value as Map<string, ZMember>).map((m) => m.value);
  else elements = dictOrder([...(value as Map<string, ZMember>).keys()]);

  const length = elements.length;
  let start = limitStart < 0 ? 0 : limitStart;
  let end = limitCount < 0 ? length - 1 : start + limitCount - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;

  let vector: Entry[] = elements.map((element) => ({ element, score: 0, cmp: null }));
  // Lists and sorted sets keep their own order when nothing is sorted; DESC walks from the end.
  if (dontsort && type !== 'set' && desc) vector.reverse();
  let badScore = false;
  if (!dontsort) {
    for (const entry of vector) {
      const weight = by === null ? entry.element : byPattern(ctx, by, entry.element);
      if (weight === null) continue;
      if (alpha) {
        if (by !== null) entry.cmp = weight;
      } else {
        const score = strtod(weight);
        if (score === null) badScore = true;
        else entry.score = score;
      }
    }
    const compare = (x: Entry, y: Entry): number => {
      let cmp: number;
      if (!alpha)
        cmp = x.score > y.score ? 1 : x.score < y.score ? -1 : compareBytes(x.element, y.element);
      else if (by !== null) {
        if (x.cmp === null || y.cmp === null) cmp = x.cmp === y.cmp ? 0 : x.cmp === null ? -1 : 1;
        else cmp = compareBytes(x.cmp, y.cmp);
      } else cmp = compareBytes(x.element, y.element);
      return desc ? -cmp : cmp;
    };
    vector = [...vector].sort(compare);
  }
  if (badScore) throw replyError("ERR One or more scores can't be converted into double");

  const out: string[] = [];
  const nulls: boolean[] = [];
  for (let j = start; j <= end; j++) {
    const element = vector[j].element;
    if (gets.length === 0) {
      out.push(element);
      nulls.push(false);
    }
    for (const pattern of gets) {
      const got = byPattern(ctx, pattern, element);
      out.push(got ?? '');
      nulls.push(got === null);
    }
  }
  if (store !== null) {
    if (out.length > 0) replace(ctx, store, out);
    else remove(ctx, store);
    return out.length;
  }
  return out.map((v, i) => (nulls[i] ? null : v));
}

/** SORT and SORT_RO (Redis's generic group). */
export const sortCommands: FamilyModule = {
  family: 'keys',
  commands: {
    sort: (ctx, args) => sort(ctx, args, false),
    sort_ro: (ctx, args) => sort(ctx, args, true),
  },
};
