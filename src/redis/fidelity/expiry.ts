/** Expiry commands: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX|XX|GT|LT, TTL, PTTL, PERSIST, EXPIRETIME. */
import { replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import { exists, keyOf, remove } from './keyspace.ts';
import { intArg } from './numbers.ts';
import { invalidExpire } from './expire-time.ts';
import type { Arg, Ctx, FamilyModule, Handler, Reply } from './types.ts';

const LLONG_MAX = 2n ** 63n - 1n;
const LLONG_MIN = -(2n ** 63n);

/** expireGenericCommand from expire.c. */
function expireCommand(name: string, seconds: boolean, relative: boolean): Handler {
  return (ctx: Ctx, args: Arg[]): Reply => {
    const flags = new Set<string>();
    for (const raw of args.slice(2)) {
      const opt = toText(raw).toLowerCase();
      if (!['nx', 'xx', 'gt', 'lt'].includes(opt))
        throw replyError(`ERR Unsupported option ${toText(raw)}`);
      flags.add(opt);
    }
    if (flags.has('nx') && (flags.has('xx') || flags.has('gt') || flags.has('lt')))
      throw replyError('ERR NX and XX, GT or LT options at the same time are not compatible');
    if (flags.has('gt') && flags.has('lt'))
      throw replyError('ERR GT and LT options at the same time are not compatible');
    let when = intArg(args[1]);
    if (seconds) {
      if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) throw invalidExpire(name);
      when *= 1000n;
    }
    const base = relative ? BigInt(ctx.now()) : 0n;
    if (when > LLONG_MAX - base) throw invalidExpire(name);
    when += base;
    const key = keyOf(args[0]);
    if (!exists(ctx, key)) return 0;
    const current = ctx.store.expires.get(key);
    const at = Number(when);
    if (flags.has('nx') && current !== undefined) return 0;
    if (flags.has('xx') && current === undefined) return 0;
    if (flags.has('gt') && (current === undefined || at <= current)) return 0;
    if (flags.has('lt') && current !== undefined && at >= current) return 0;
    if (at <= ctx.now()) remove(ctx, key);
    else {
      ctx.store.expires.set(key, at);
      ctx.touch(key);
    }
    return 1;
  };
}

/** ttlGenericCommand: -2 missing, -1 persistent, else remaining (or absolute) time. */
function ttlCommand(ms: boolean, absolute: boolean): Handler {
  return (ctx, [keyArg]) => {
    const key = keyOf(keyArg);
    if (!exists(ctx, key)) return -2;
    const at = ctx.store.expires.get(key);
    if (at === undefined) return -1;
    const value = absolute ? at : Math.max(0, at - ctx.now());
    return ms ? value : Math.floor((value + 500) / 1000);
  };
}

/** The expiry family. */
export const expiry: FamilyModule = {
  family: 'expiry',
  commands: {
    expire: expireCommand('expire', true, true),
    pexpire: expireCommand('pexpire', false, true),
    expireat: expireCommand('expireat', true, false),
    pexpireat: expireCommand('pexpireat', false, false),
    ttl: ttlCommand(false, false),
    pttl: ttlCommand(true, false),
    expiretime: ttlCommand(false, true),
    pexpiretime: ttlCommand(true, true),
    persist: (ctx, [keyArg]) => {
      const key = keyOf(keyArg);
      if (!exists(ctx, key) || !ctx.store.expires.has(key)) return 0;
      ctx.store.expires.delete(key);
      ctx.touch(key);
      return 1;
    },
  },
};
