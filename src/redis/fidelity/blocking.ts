/**
 * Blocking list and sorted-set pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
 * BZPOPMAX, BZMPOP (XREAD/XREADGROUP BLOCK live in streams.ts).
 *
 * Argument order and errors follow t_list.c/t_zset.c of Redis 7.0. When no key can serve the
 * client, the handler throws a BlockRequest; the engine parks the connection and, after each
 * command that wrote one of its keys, calls `serve` for that key in the FIFO order of blocked
 * clients (Redis serves a client from the key that became ready, not from its first key). With
 * blocking denied (inside MULTI, or a script) the handler answers nil at once, as Redis does.
 */
import { ERR, replyError } from '../reply-error.ts';
import { compareBytes, toText } from '../bytes.ts';
import { getList, getZset, keyOf, update } from './keyspace.ts';
import { formatDouble, parseInt64 } from './numbers.ts';
import {
  BlockRequest,
  type Arg,
  type Ctx,
  type FamilyModule,
  type Handler,
  type Reply,
  type ZMember,
} from './types.ts';

const LLONG_MAX = 2 ** 63 - 1;

/** strtold's syntax as Redis accepts it (no leading space, hex allowed, no NaN). */
function parseLongDoubleText(text: string): number | null {
  if (text === '' || /^\s/.test(text)) return null;
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  const hex = /^([+-]?)0x([0-9a-f]+)$/i.exec(text);
  if (hex) return (hex[1] === '-' ? -1 : 1) * parseInt(hex[2], 16);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return null;
  return Number(text);
}

/**
 * getTimeoutFromObjectOrReply in seconds: the epoch-ms deadline, or 0 for "forever".
 * `(long long)(x * 1000)` of an infinite or huge value is LLONG_MIN on x86, hence "negative".
 */
export function timeoutSeconds(ctx: Ctx, arg: Arg): number {
  const x = parseLongDoubleText(toText(arg));
  if (x === null || Number.isNaN(x)) throw replyError('ERR timeout is not a float or out of range');
  const product = x * 1000;
  const ms = !Number.isFinite(product) || Math.abs(product) > LLONG_MAX ? -1 : Math.trunc(product);
  if (ms < 0) throw replyError('ERR timeout is negative');
  return ms === 0 ? 0 : ctx.now() + ms;
}

type Where = 'left' | 'right';

function listPosition(arg: Arg): Where {
  const w = toText(arg).toLowerCase();
  if (w !== 'left' && w !== 'right') throw replyError(ERR.syntax);
  return w;
}

function rangeLong(arg: Arg, message: string): number {
  const n = parseInt64(arg);
  if (n === null || n < 1n) throw replyError(message);
  return Number(n);
}

/** Pops up to `count` elements from a non-empty list. */
function popList(ctx: Ctx, key: string, list: string[], where: Where, count: number): string[] {
  const taken =
    where === 'left'
      ? list.splice(0, count)
      : list.splice(Math.max(0, list.length - count)).reverse();
  update(ctx, key, list);
  return taken;
}

function sortedMembers(z: Map<string, ZMember>): ZMember[] {
  return [...z.values()].sort((a, b) => a.score - b.score || compareBytes(a.value, b.value));
}

function popZset(
  ctx: Ctx,
  key: string,
  z: Map<string, ZMember>,
  max: boolean,
  count: number,
): ZMember[] {
  const members = sortedMembers(z);
  const taken = max ? members.reverse().slice(0, count) : members.slice(0, count);
  for (const m of taken) z.delete(m.value);
  update(ctx, key, z);
  return taken;
}

/** Parks the client unless blocking is denied, in which case the timeout reply comes at once. */
function block(
  ctx: Ctx,
  keys: string[],
  deadline: number,
  serve: (ctx: Ctx, key: string) => Reply | undefined,
  timeoutReply: Reply = null,
): Reply {
  if (!ctx.mayBlock) return timeoutReply;
  const db = ctx.conn.db;
  throw new BlockRequest(
    keys,
    deadline,
    (c, key) => (c.conn.db === db ? serve(c, key) : undefined),
    timeoutReply,
  );
}

/** BLPOP/BRPOP (count -1: one element, `[key, value]`) and BLMPOP (count >= 1, nested). */
function blockingListPop(
  ctx: Ctx,
  keyArgs: Arg[],
  where: Where,
  deadline: number,
  count: number,
): Reply {
  const reply = (key: string, list: string[]): Reply =>
    count === -1
      ? [key, popList(ctx, key, list, where, 1)[0]]
      : [key, popList(ctx, key, list, where, count)];
  const keys = keyArgs.map(keyOf);
  for (const key of keys) {
    const list = getList(ctx, key);
    if (list === undefined || list.length === 0) continue;
    return reply(key, list);
  }
  return block(ctx, keys, deadline, (c, key) => {
    const list = getList(c, key);
    if (list === undefined || list.length === 0) return undefined;
    return count === -1
      ? [key, popList(c, key, list, where, 1)[0]]
      : [key, popList(c, key, list, where, count)];
  });
}

function bpop(where: Where): Handler {
  return (ctx, args) => {
    const deadline = timeoutSeconds(ctx, args[args.length - 1]);
    return blockingListPop(ctx, args.slice(0, -1), where, deadline, -1);
  };
}

/** LMOVE's effect; the caller checked that the source is a non-empty list. */
function move(ctx: Ctx, src: string, dst: string, from: Where, to: Where): Reply {
  const list = getList(ctx, src)!;
  const target = src === dst ? list : (getList(ctx, dst) ?? []);
  const value = from === 'left' ? list.shift()! : list.pop()!;
  if (src !== dst) update(ctx, src, list);
  if (to === 'left') target.unshift(value);
  else target.push(value);
  update(ctx, dst, target);
  return value;
}

function blmove(ctx: Ctx, srcArg: Arg, dstArg: Arg, from: Where, to: Where, timeout: Arg): Reply {
  const deadline = timeoutSeconds(ctx, timeout);
  const src = keyOf(srcArg);
  const dst = keyOf(dstArg);
  const list = getList(ctx, src);
  if (list !== undefined && list.length > 0) {
    getList(ctx, dst);
    return move(ctx, src, dst, from, to);
  }
  return block(ctx, [src], deadline, (c, key) => {
    const l = getList(c, key);
    if (l === undefined || l.length === 0) return undefined;
    getList(c, dst);
    return move(c, src, dst, from, to);
  });
}

/** lmpopGenericCommand / zmpopGenericCommand: numkeys, keys, the direction, COUNT. */
function parseMpop<T>(args: Arg[], numkeysIndex: number, direction: (a: Arg) => T) {
  const numkeys = rangeLong(args[numkeysIndex], 'ERR numkeys should be greater than 0');
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= args.length) throw replyError(ERR.syntax);
  const where = direction(args[whereIndex]);
  let count = -1;
  for (let j = whereIndex + 1; j < args.length; j++) {
    const moreargs = args.length - 1 - j;
    if (count === -1 && toText(args[j]).toLowerCase() === 'count' && moreargs) {
      count = rangeLong(args[++j], 'ERR count should be greater than 0');
    } else throw replyError(ERR.syntax);
  }
  return {
    keys: args.slice(numkeysIndex + 1, whereIndex),
    where,
    count: count === -1 ? 1 : count,
  };
}

function zsetDirection(arg: Arg): boolean {
  const w = toText(arg).toLowerCase();
  if (w === 'min') return false;
  if (w === 'max') return true;
  throw replyError(ERR.syntax);
}

/** BZPOPMIN/BZPOPMAX (`[key, member, score]`) and BZMPOP (nested `[key, [[member, score]...]]`). */
function blockingZpop(
  ctx: Ctx,
  keyArgs: Arg[],
  max: boolean,
  deadline: number,
  count: number,
): Reply {
  const render = (c: Ctx, key: string, z: Map<string, ZMember>): Reply => {
    const taken = popZset(c, key, z, max, count === -1 ? 1 : count);
    return count === -1
      ? [key, taken[0].value, formatDouble(taken[0].score)]
      : [key, taken.map((m) => [m.value, formatDouble(m.score)])];
  };
  const keys = keyArgs.map(keyOf);
  for (const key of keys) {
    const z = getZset(ctx, key);
    if (z === undefined || z.size === 0) continue;
    return render(ctx, key, z);
  }
  return block(ctx, keys, deadline, (c, key) => {
    const z = getZset(c, key);
    if (z === undefined || z.size === 0) return undefined;
    return render(c, key, z);
  });
}

function bzpop(max: boolean): Handler {
  return (ctx, args) => {
    const deadline = timeoutSeconds(ctx, args[args.length - 1]);
    return blockingZpop(ctx, args.slice(0, -1), max, deadline, -1);
  };
}

/** The blocking family. */
export const blocking: FamilyModule = {
  family: 'blocking',
  commands: {
    blpop: bpop('left'),
    brpop: bpop('right'),
    blmove: (ctx, [src, dst, from, to, timeout]) => {
      const f = listPosition(from);
      const t = listPosition(to);
      return blmove(ctx, src, dst, f, t, timeout);
    },
    brpoplpush: (ctx, [src, dst, timeout]) => blmove(ctx, src, dst, 'right', 'left', timeout),
    blmpop: (ctx, args) => {
      const { keys, where, count } = parseMpop(args, 1, listPosition);
      const deadline = timeoutSeconds(ctx, args[0]);
      return blockingListPop(ctx, keys, where, deadline, count);
    },
    bzpopmin: bzpop(false),
    bzpopmax: bzpop(true),
    bzmpop: (ctx, args) => {
      const { keys, where, count } = parseMpop(args, 1, zsetDirection);
      const deadline = timeoutSeconds(ctx, args[0]);
      return blockingZpop(ctx, keys, where, deadline, count);
    },
  },
};

/** LMPOP/ZMPOP's non-blocking forms, for a family module that lacks them. */
export const nonBlockingMpop: Record<'lmpop' | 'zmpop', Handler> = {
  lmpop: (ctx, args) => {
    const { keys, where, count } = parseMpop(args, 0, listPosition);
    for (const key of keys.map(keyOf)) {
      const list = getList(ctx, key);
      if (list === undefined || list.length === 0) continue;
      return [key, popList(ctx, key, list, where, count)];
    }
    return null;
  },
  zmpop: (ctx, args) => {
    const { keys, where, count } = parseMpop(args, 0, zsetDirection);
    for (const key of keys.map(keyOf)) {
      const z = getZset(ctx, key);
      if (z === undefined || z.size === 0) continue;
      return [key, popZset(ctx, key, z, where, count).map((m) => [m.value, formatDouble(m.score)])];
    }
    return null;
  },
};
