/** Expire-time arguments shared by SET, SETEX, GETEX and the EXPIRE family. */
import { replyError } from '../reply-error.ts';
import { intArg } from './numbers.ts';
import type { Arg } from './types.ts';

const LLONG_MAX = 2n ** 63n - 1n;

/** How an expire argument is given. */
export interface ExpireUnit {
  /** Seconds (EX, EXAT, EXPIRE) or milliseconds. */
  seconds: boolean;
  /** Relative to now (EX, PX) or an absolute unix time (EXAT, PXAT). */
  relative: boolean;
}

/** Redis's `ERR invalid expire time in '<cmd>' command`. */
export function invalidExpire(command: string): Error {
  return replyError(`ERR invalid expire time in '${command}' command`);
}

/**
 * SET/GETEX's getExpireMillisecondsOrReply: integer, > 0, no overflow once scaled and offset.
 * Returns the absolute deadline in epoch ms.
 */
export function setExpireDeadline(
  command: string,
  arg: Arg,
  unit: ExpireUnit,
  now: number,
): number {
  let ms = intArg(arg);
  if (ms <= 0n || (unit.seconds && ms > LLONG_MAX / 1000n)) throw invalidExpire(command);
  if (unit.seconds) ms *= 1000n;
  if (unit.relative) ms += BigInt(now);
  if (ms <= 0n || ms > LLONG_MAX) throw invalidExpire(command);
  return Number(ms);
}
