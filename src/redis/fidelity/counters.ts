/** Counter commands: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, with Redis's parsing and overflow rules. */
import { ERR, replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import { getString, keyOf, markNotInt, update } from './keyspace.ts';
import { addLongDouble, inInt64, intArg, intReply, parseInt64 } from './numbers.ts';
import type { Arg, Ctx, FamilyModule, Reply } from './types.ts';

/** incrDecrCommand: the stored value must be a 64-bit integer; the TTL is kept. */
function incrBy(ctx: Ctx, keyArg: Arg, by: bigint): Reply {
  const key = keyOf(keyArg);
  const current = getString(ctx, key);
  const value = current === undefined ? 0n : parseInt64(current);
  if (value === null) throw replyError(ERR.notInteger);
  const next = value + by;
  if (!inInt64(next)) throw replyError(ERR.overflow);
  update(ctx, key, next.toString());
  return intReply(next);
}

/** The counters family. */
export const counters: FamilyModule = {
  family: 'counters',
  commands: {
    incr: (ctx, [key]) => incrBy(ctx, key, 1n),
    decr: (ctx, [key]) => incrBy(ctx, key, -1n),
    incrby: (ctx, [key, by]) => incrBy(ctx, key, intArg(by)),
    decrby: (ctx, [key, by]) => {
      const n = intArg(by);
      if (n === -(2n ** 63n)) throw replyError('ERR decrement would overflow');
      return incrBy(ctx, key, -n);
    },
    incrbyfloat: (ctx, [keyArg, by]) => {
      const key = keyOf(keyArg);
      const current = getString(ctx, key);
      const next = addLongDouble(current === undefined ? '0' : toText(current), toText(by));
      update(ctx, key, next);
      // Redis stores the result as a plain string, never `int` encoded (OBJECT ENCODING).
      markNotInt(ctx, key);
      return next;
    },
  },
};
