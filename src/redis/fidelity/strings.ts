/** String commands: GET, SET and its options, MGET/MSET, GETEX, GETDEL, APPEND, STRLEN, ranges. */
import { ERR, replyError } from '../reply-error.ts';
import { byteLength, fromBytes, toBytes, toText } from '../bytes.ts';
import {
  exists,
  getString,
  keyOf,
  lookup,
  markRawString,
  remove,
  replace,
  typeOf,
  update,
} from './keyspace.ts';
import { intArg } from './numbers.ts';
import { setExpireDeadline, type ExpireUnit } from './expire-time.ts';
import { OK, type Arg, type Ctx, type FamilyModule, type Reply } from './types.ts';

const UNITS: Record<string, ExpireUnit> = {
  ex: { seconds: true, relative: true },
  px: { seconds: false, relative: true },
  exat: { seconds: true, relative: false },
  pxat: { seconds: false, relative: false },
};

interface SetFlags {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepttl: boolean;
  persist: boolean;
  expire: { unit: string; arg: Arg } | null;
}

/** parseExtendedStringArgumentsOrReply from t_string.c, for SET and GETEX. */
function parseSetFlags(args: Arg[], forSet: boolean): SetFlags {
  const f: SetFlags = {
    nx: false,
    xx: false,
    get: false,
    keepttl: false,
    persist: false,
    expire: null,
  };
  for (let j = 0; j < args.length; j++) {
    const opt = toText(args[j]).toLowerCase();
    const hasNext = j < args.length - 1;
    const otherExpire = (unit: string) => f.expire !== null && f.expire.unit !== unit;
    if (opt === 'nx' && !f.xx && forSet) f.nx = true;
    else if (opt === 'xx' && !f.nx && forSet) f.xx = true;
    else if (opt === 'get' && forSet) f.get = true;
    else if (opt === 'keepttl' && !f.persist && !f.expire && forSet) f.keepttl = true;
    else if (opt === 'persist' && !forSet && !f.expire && !f.keepttl) f.persist = true;
    else if (opt in UNITS && !f.keepttl && !f.persist && !otherExpire(opt) && hasNext) {
      f.expire = { unit: opt, arg: args[++j] };
    } else throw replyError(ERR.syntax);
  }
  return f;
}

function set(ctx: Ctx, args: Arg[]): Reply {
  const key = keyOf(args[0]);
  const flags = parseSetFlags(args.slice(2), true);
  const deadline = flags.expire
    ? setExpireDeadline('set', flags.expire.arg, UNITS[flags.expire.unit], ctx.now())
    : null;
  const old = flags.get ? (getString(ctx, key) ?? null) : null;
  const found = exists(ctx, key);
  if ((flags.nx && found) || (flags.xx && !found)) return flags.get ? old : null;
  const ttl = ctx.store.expires.get(key);
  replace(ctx, key, args[1]);
  if (deadline !== null) ctx.store.expires.set(key, deadline);
  else if (flags.keepttl && ttl !== undefined) ctx.store.expires.set(key, ttl);
  return flags.get ? old : OK;
}

function setWithExpire(command: string, seconds: boolean) {
  return (ctx: Ctx, args: Arg[]): Reply => {
    const deadline = setExpireDeadline(command, args[1], { seconds, relative: true }, ctx.now());
    const key = keyOf(args[0]);
    replace(ctx, key, args[2]);
    ctx.store.expires.set(key, deadline);
    return OK;
  };
}

function getex(ctx: Ctx, args: Arg[]): Reply {
  const key = keyOf(args[0]);
  const flags = parseSetFlags(args.slice(1), false);
  const deadline = flags.expire
    ? setExpireDeadline('getex', flags.expire.arg, UNITS[flags.expire.unit], ctx.now())
    : null;
  const value = getString(ctx, key);
  if (value === undefined) return null;
  if (deadline !== null) {
    if (deadline <= ctx.now()) remove(ctx, key);
    else {
      ctx.store.expires.set(key, deadline);
      ctx.touch(key);
    }
  } else if (flags.persist && ctx.store.expires.has(key)) {
    ctx.store.expires.delete(key);
    ctx.touch(key);
  }
  return value;
}

function mset(ctx: Ctx, args: Arg[], name: string): void {
  if (args.length % 2 !== 0) throw replyError(ERR.arity(name));
  for (let i = 0; i < args.length; i += 2) replace(ctx, keyOf(args[i]), args[i + 1]);
}

function getrange(ctx: Ctx, args: Arg[]): Reply {
  let start = Number(intArg(args[1]));
  let end = Number(intArg(args[2]));
  const value = getString(ctx, keyOf(args[0]));
  const bytes = toBytes(value ?? '');
  const len = bytes.length;
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return '';
  return fromBytes(bytes.slice(start, end + 1));
}

function setrange(ctx: Ctx, args: Arg[]): Reply {
  const key = keyOf(args[0]);
  const offset = Number(intArg(args[1]));
  if (offset < 0) throw replyError('ERR offset is out of range');
  const value = toBytes(args[2]);
  const current = getString(ctx, key);
  if (current === undefined && value.length === 0) return 0;
  if (offset + value.length > 512 * 1024 * 1024)
    throw replyError('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  const old = toBytes(current ?? '');
  if (value.length === 0) return old.length;
  const out = new Uint8Array(Math.max(old.length, offset + value.length));
  out.set(old);
  out.set(value, offset);
  update(ctx, key, fromBytes(out));
  markRawString(ctx, key);
  return out.length;
}

/** The strings family. */
export const strings: FamilyModule = {
  family: 'strings',
  commands: {
    get: (ctx, [key]) => getString(ctx, keyOf(key)) ?? null,
    set,
    setnx: (ctx, [key, value]) => {
      if (exists(ctx, keyOf(key))) return 0;
      replace(ctx, keyOf(key), value);
      return 1;
    },
    setex: setWithExpire('setex', true),
    psetex: setWithExpire('psetex', false),
    getex,
    getdel: (ctx, [key]) => {
      const value = getString(ctx, keyOf(key));
      if (value === undefined) return null;
      remove(ctx, keyOf(key));
      return value;
    },
    getset: (ctx, [key, value]) => {
      const old = getString(ctx, keyOf(key)) ?? null;
      replace(ctx, keyOf(key), value);
      return old;
    },
    mget: (ctx, keys) =>
      keys.map((k) => {
        const v = lookup(ctx, keyOf(k));
        return v !== undefined && typeOf(v) === 'string' ? (v as string) : null;
      }),
    mset: (ctx, args) => {
      mset(ctx, args, 'mset');
      return OK;
    },
    msetnx: (ctx, args) => {
      if (args.length % 2 !== 0) throw replyError(ERR.arity('msetnx'));
      for (let i = 0; i < args.length; i += 2) if (exists(ctx, keyOf(args[i]))) return 0;
      mset(ctx, args, 'msetnx');
      return 1;
    },
    append: (ctx, [key, value]) => {
      const current = getString(ctx, keyOf(key));
      if (current === undefined) {
        replace(ctx, keyOf(key), value);
        return byteLength(value);
      }
      const a = toBytes(current);
      const b = toBytes(value);
      const out = new Uint8Array(a.length + b.length);
      out.set(a);
      out.set(b, a.length);
      update(ctx, keyOf(key), fromBytes(out));
      markRawString(ctx, keyOf(key));
      return out.length;
    },
    strlen: (ctx, [key]) => {
      const value = getString(ctx, keyOf(key));
      return value === undefined ? 0 : byteLength(value);
    },
    getrange,
    substr: getrange,
    setrange,
  },
};
