/** Hash commands: HSET, HGET, HMGET, HGETALL, HDEL, HINCRBY, HINCRBYFLOAT, HSCAN, ... */
import { ERR, replyError } from '../reply-error.ts';
import { byteLength, toText } from '../bytes.ts';
import { getHash, keyOf, RedisHash, update } from './keyspace.ts';
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

function hset(ctx: Ctx, args: Arg[], name: string): number {
  if (args.length % 2 !== 1) throw replyError(ERR.arity(name));
  const key = keyOf(args[0]);
  const hash = getHash(ctx, key) ?? new RedisHash();
  let added = 0;
  for (let i = 1; i < args.length; i += 2) {
    const field = toText(args[i]);
    if (!hash.has(field)) added++;
    hash.set(field, toText(args[i + 1]));
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
  const hash = getHash(ctx, key) ?? new RedisHash();
  const current = parseLongDouble(hash.get(field) ?? '0');
  if (current === null) throw replyError('ERR hash value is not a float');
  if (current === 'inf') throw replyError(ERR.nanOrInf);
  const next = sumLongDouble(current, incr);
  hash.set(field, next);
  update(ctx, key, hash);
  return next;
}

/**
 * HRANDFIELD: random picks; when the count covers the hash, the whole hash in its reply order
 * (insertion order for a listpack, hash order for a hashtable), as Redis's CASE 2.
 */
function hrandfield(ctx: Ctx, args: Arg[]): Reply {
  if (args.length > 3 || (args.length === 3 && toText(args[2]).toLowerCase() !== 'withvalues'))
    throw replyError(ERR.syntax);
  const hash = getHash(ctx, keyOf(args[0]));
  if (args.length === 1) {
    if (hash === undefined) return null;
    const fields = [...hash.keys()];
    return fields[Math.floor(Math.random() * fields.length)];
  }
  const count = Number(intArg(args[1]));
  const withvalues = args.length === 3;
  if (hash === undefined || count === 0) return [];
  const render = (fields: string[]) =>
    withvalues ? fields.flatMap((f) => [f, hash.get(f)!]) : fields;
  const fields = [...hash.keys()];
  if (count < 0)
    return render(
      Array.from({ length: -count }, () => fields[Math.floor(Math.random() * fields.length)]),
    );
  if (count >= fields.length) return render(hash.fieldsInOrder());
  for (let i = fields.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [fields[i], fields[j]] = [fields[j], fields[i]];
  }
  return render(fields.slice(0, count));
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
      const hash = getHash(ctx, key) ?? new RedisHash();
      if (hash.has(toText(fieldArg))) return 0;
      hash.set(toText(fieldArg), toText(value));
      update(ctx, key, hash);
      return 1;
    },
    hget: (ctx, [key, field]) => getHash(ctx, keyOf(key))?.get(toText(field)) ?? null,
    hmget: (ctx, [key, ...fields]) => {
      const hash = getHash(ctx, keyOf(key));
      return fields.map((f) => hash?.get(toText(f)) ?? null);
    },
    hgetall: (ctx, [key]) => {
      const hash = getHash(ctx, keyOf(key));
      return hash ? hash.fieldsInOrder().flatMap((f) => [f, hash.get(f)!]) : [];
    },
    hkeys: (ctx, [key]) => getHash(ctx, keyOf(key))?.fieldsInOrder() ?? [],
    hvals: (ctx, [key]) => {
      const hash = getHash(ctx, keyOf(key));
      return hash ? hash.fieldsInOrder().map((f) => hash.get(f)!) : [];
    },
    hlen: (ctx, [key]) => getHash(ctx, keyOf(key))?.size ?? 0,
    hexists: (ctx, [key, field]) => (getHash(ctx, keyOf(key))?.has(toText(field)) ? 1 : 0),
    hstrlen: (ctx, [key, field]) => {
      const value = getHash(ctx, keyOf(key))?.get(toText(field));
      return value === undefined ? 0 : byteLength(value);
    },
    hdel: (ctx, [keyArg, ...fields]) => {
      const key = keyOf(keyArg);
      const hash = getHash(ctx, key);
      if (!hash) return 0;
      let removed = 0;
      for (const f of fields) if (hash.delete(toText(f))) removed++;
      if (removed) update(ctx, key, hash);
      return removed;
    },
    hincrby: (ctx, [keyArg, fieldArg, by]) => {
      const incr = intArg(by);
      const key = keyOf(keyArg);
      const field = toText(fieldArg);
      const hash = getHash(ctx, key) ?? new RedisHash();
      const stored = hash.get(field);
      const current = stored === undefined ? 0n : parseInt64(stored);
      if (current === null) throw replyError('ERR hash value is not an integer');
      const next = current + incr;
      if (!inInt64(next)) throw replyError(ERR.overflow);
      hash.set(field, next.toString());
      update(ctx, key, hash);
      return intReply(next);
    },
    hincrbyfloat,
    hrandfield,
    hscan: (ctx, [key, ...rest]) => {
      const hash = getHash(ctx, keyOf(key));
      return scanCollection(
        rest,
        hash && [...hash.keys()],
        hash?.encoding() === 'listpack',
        (f) => [f, hash!.get(f)!],
      );
    },
  },
};
