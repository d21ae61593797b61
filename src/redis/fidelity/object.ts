/**
 * OBJECT ENCODING/REFCOUNT/IDLETIME/FREQ/HELP, following Redis 7.0's encodings and thresholds
 * (measured on redis-server 7.0.15): strings are int/embstr/raw, lists are always quicklist in
 * 7.0, hashes listpack/hashtable, sets intset/hashtable, sorted sets listpack/skiplist.
 * Conversions are one-way, as in Redis. OBJECT does not count as an access (LOOKUP_NOTOUCH).
 */
import { replyError } from '../reply-error.ts';
import { byteLength, toText } from '../bytes.ts';
import {
  keyMeta,
  keyOf,
  peek,
  RedisHash,
  setEncodingAt,
  typeOf,
  zsetEncodingAt,
} from './keyspace.ts';
import { parseInt64 } from './numbers.ts';
import {
  Status,
  type Arg,
  type Ctx,
  type FamilyModule,
  type Reply,
  type Value,
  type ZMember,
} from './types.ts';

/** Redis's OBJ_SHARED_REFCOUNT: shared integers 0..9999 report INT_MAX references. */
const SHARED_REFCOUNT = 2147483647;
const SHARED_INTEGERS = 10000n;
/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_LIMIT = 44;

const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/** A string's integer value when Redis would encode it as `int` (string2l, at most 20 chars). */
function intEncoded(text: string): bigint | null {
  return text.length <= 20 ? parseInt64(text) : null;
}

/** OBJECT ENCODING's answer for the value at key. */
export function encodingOf(ctx: Ctx, key: string, value: Value): string {
  switch (typeOf(value)) {
    case 'string': {
      const meta = keyMeta(ctx, key);
      if (meta?.rawString) return 'raw';
      const text = typeof value === 'string' ? value : null;
      if (text !== null && !meta?.notInt && intEncoded(text) !== null) return 'int';
      return byteLength(value as string | Uint8Array) <= EMBSTR_LIMIT ? 'embstr' : 'raw';
    }
    case 'list':
      return 'quicklist';
    case 'hash':
      return (value as RedisHash).encoding();
    case 'set':
      return setEncodingAt(ctx, key, value as Set<string>);
    case 'zset':
      return zsetEncodingAt(ctx, key, value as Map<string, ZMember>);
    case 'stream':
      return 'stream';
  }
}

function refcount(ctx: Ctx, key: string, value: Value): number {
  if (typeOf(value) !== 'string' || typeof value !== 'string') return 1;
  if (encodingOf(ctx, key, value) !== 'int') return 1;
  const n = intEncoded(value)!;
  return n >= 0n && n < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

function object(ctx: Ctx, args: Arg[]): Reply {
  const sub = toText(args[0]).toLowerCase();
  const arity = sub === 'help' ? 1 : 2;
  const known = ['encoding', 'refcount', 'idletime', 'freq', 'help'].includes(sub);
  if (!known) throw replyError(`ERR unknown subcommand '${toText(args[0])}'. Try OBJECT HELP.`);
  if (args.length !== arity)
    throw replyError(`ERR wrong number of arguments for 'object|${sub}' command`);
  // Redis sends help lines as status replies, which redis-cli prints unquoted.
  if (sub === 'help') return HELP.map((line) => new Status(line));
  const key = keyOf(args[1]);
  const value = peek(ctx, key);
  if (value === undefined) return null;
  switch (sub) {
    case 'encoding':
      return encodingOf(ctx, key, value);
    case 'refcount':
      return refcount(ctx, key, value);
    case 'idletime': {
      // Redis's LRU clock ticks in whole seconds.
      const at = keyMeta(ctx, key)?.accessedAt ?? ctx.now();
      return Math.max(0, Math.floor(ctx.now() / 1000) - Math.floor(at / 1000));
    }
    default:
      throw replyError(
        'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
      );
  }
}

/** The OBJECT command (family `keys`, as Redis groups it under generic). */
export const objectCommand: FamilyModule = {
  family: 'keys',
  commands: { object },
};
