/** Hash commands: HSET, HGET, HMGET, HGETALL, HDEL, HINCRBY, HINCRBYFLOAT, HSCAN, ... */
import { ERR, replyError } from '../reply-error.ts';
import { byteLength, toText } from '../bytes.ts';
import { getHash, keyOf, update } from './keyspace.ts';
import {
  inInt64,
  intArg,
  intReply,
  parseInt64,
  parseLongDouble,
  sumLongDouble,
} from './numbers.ts';
import { scanCollection } from './scan-util.ts';
import { OK, type Arg, type Ctx, type FamilyModule, type Reply } from './types.ts';

const has = (h: Record<string, string>, f: string) => Object.prototype.hasOwnProperty.call(h, f);

function hset(ctx: Ctx, args: Arg[], name: string): number {
  if (args.length % 2 !== 1) throw replyError(ERR.arity(name));
  const key = keyOf(args[0]);
  const hash = getHash(ctx, key) ?? {};
  let added = 0;
  for (let i = 1; i < args.length; i += 2) {
    const field = toText(args[i]);
    if (!has(hash, field)) added++;
    hash[field] = toText(args[i + 1]);
  }
  update(ctx, key, hash);
  return added;
}

function hincrbyfloat(ctx: Ctx, [keyArg, fieldArg, by]: Arg[]): Reply {
  const incr = parseLongDouble(toText(by));
  if (incr === null) throw replyError(ERR.notFloat);
  if (incr === 'inf') throw replyError('ERR value is NaN or Infinity');
  const key = keyOf(keyArg);
  const field = toText(fieldArg);
  const hash = getHash(ctx, key) ?? {};
  const current = has(hash, field) ? parseLongDouble(hash[field]) : parseLongDouble('0');
  if (current === null) throw replyError('ERR hash value is not a float');
  if (current === 'inf') throw replyError(ERR.nanOrInf);
  const next = sumLongDouble(current, incr);
  hash[field] = next;
  update(ctx, key, hash);
  return next;
}

/** The hashes family. */
export const hashes: FamilyModule = {
  family: 'hashes',
  commands: {
    hset: (ctx, args) => hset(ctx, args, 'hset'),
    hmset: (ctx, args) => {
      hset(ctx, args, 'hmset');
      return OK;
    },
    hsetnx: (ctx, [keyArg, fieldArg, value]) => {
      const key = keyOf(keyArg);
      const hash = getHash(ctx, key) ?? {};
      if (has(hash, toText(fieldArg))) return 0;
      hash[toText(fieldArg)] = toText(value);
      update(ctx, key, hash);
      return 1;
    },
    hget: (ctx, [key, field]) => {
      const hash = getHash(ctx, keyOf(key));
      return hash && has(hash, toText(field)) ? hash[toText(field)] : null;
    },
    hmget: (ctx, [key, ...fields]) => {
      const hash = getHash(ctx, keyOf(key)) ?? {};
      return fields.map((f) => (has(hash, toText(f)) ? hash[toText(f)] : null));
    },
    hgetall: (ctx, [key]) => Object.entries(getHash(ctx, keyOf(key)) ?? {}).flat(),
    hkeys: (ctx, [key]) => Object.keys(getHash(ctx, keyOf(key)) ?? {}),
    hvals: (ctx, [key]) => Object.values(getHash(ctx, keyOf(key)) ?? {}),
    hlen: (ctx, [key]) => Object.keys(getHash(ctx, keyOf(key)) ?? {}).length,
    hexists: (ctx, [key, field]) => (has(getHash(ctx, keyOf(key)) ?? {}, toText(field)) ? 1 : 0),
    hstrlen: (ctx, [key, field]) => {
      const hash = getHash(ctx, keyOf(key)) ?? {};
      return has(hash, toText(field)) ? byteLength(hash[toText(field)]) : 0;
    },
    hdel: (ctx, [keyArg, ...fields]) => {
      const key = keyOf(keyArg);
      const hash = getHash(ctx, key);
      if (!hash) return 0;
      let removed = 0;
      for (const f of fields) {
        if (has(hash, toText(f))) {
          delete hash[toText(f)];
          removed++;
        }
      }
      if (removed) update(ctx, key, hash);
      return removed;
    },
    hincrby: (ctx, [keyArg, fieldArg, by]) => {
      const incr = intArg(by);
      const key = keyOf(keyArg);
      const field = toText(fieldArg);
      const hash = getHash(ctx, key) ?? {};
      const current = has(hash, field) ? parseInt64(hash[field]) : 0n;
      if (current === null) throw replyError('ERR hash value is not an integer');
      const next = current + incr;
      if (!inInt64(next)) throw replyError(ERR.overflow);
      hash[field] = next.toString();
      update(ctx, key, hash);
      return intReply(next);
    },
    hincrbyfloat,
    hscan: (ctx, [key, ...rest]) =>
      scanCollection(
        rest,
        Object.entries(getHash(ctx, keyOf(key)) ?? {}),
        ([f]) => f,
        ([f, v]) => [f, v],
        128,
      ),
  },
};
