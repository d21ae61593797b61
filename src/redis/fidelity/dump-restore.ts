/**
 * DUMP and RESTORE (cluster.c's dumpCommand/restoreCommand in Redis 7.0.15): payloads are real
 * RDB version 10 objects with Redis's CRC-64 footer, so a payload DUMPed by redis-server RESTOREs
 * here and the other way round. TTLs, ABSTTL and IDLETIME follow the engine's clock.
 */
import { ERR, replyError } from '../reply-error.ts';
import { toBytes, toText } from '../bytes.ts';
import { crc64 } from './crc64.ts';
import { exists, keyMeta, keyOf, lookup, remove, replace } from './keyspace.ts';
import { BadFormat } from './listpack.ts';
import { parseInt64 } from './numbers.ts';
import { dumpPayload, RDB_VERSION } from './rdb-dump.ts';
import { MAX_DECODED_BYTES, parsePayload, TooLarge, UnsupportedEncoding } from './rdb-restore.ts';
import { OK, type Arg, type Ctx, type FamilyModule, type Reply, type Value } from './types.ts';

/** verifyDumpPayload: at least the footer, an RDB version Redis 7.0 knows, a matching CRC-64. */
function verifyFooter(payload: Uint8Array): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload[footer] | (payload[footer + 1] << 8);
  if (version > RDB_VERSION) return false;
  const crc = crc64(payload, payload.length - 8);
  for (let i = 0; i < 8; i++) if (crc[i] !== payload[payload.length - 8 + i]) return false;
  return true;
}

function dump(ctx: Ctx, [keyArg]: Arg[]): Reply {
  const key = keyOf(keyArg);
  const value = lookup(ctx, key);
  return value === undefined ? null : dumpPayload(ctx, key, value);
}

function integerOption(arg: Arg): bigint {
  const n = parseInt64(arg);
  if (n === null) throw replyError(ERR.notInteger);
  return n;
}

function restore(ctx: Ctx, args: Arg[]): Reply {
  let replaceKey = false;
  let absttl = false;
  let idle: bigint | null = null;
  let freq: bigint | null = null;
  for (let j = 3; j < args.length; j++) {
    const opt = toText(args[j]).toLowerCase();
    const more = j + 1 < args.length;
    if (opt === 'replace') replaceKey = true;
    else if (opt === 'absttl') absttl = true;
    else if (opt === 'idletime' && more && freq === null) {
      idle = integerOption(args[++j]);
      if (idle < 0n) throw replyError('ERR Invalid IDLETIME value, must be >= 0');
    } else if (opt === 'freq' && more && idle === null) {
      freq = integerOption(args[++j]);
      if (freq < 0n || freq > 255n)
        throw replyError('ERR Invalid FREQ value, must be >= 0 and <= 255');
    } else throw replyError(ERR.syntax);
  }
  const key = keyOf(args[0]);
  if (!replaceKey && exists(ctx, key)) throw replyError('BUSYKEY Target key name already exists.');
  let ttl = integerOption(args[1]);
  if (ttl < 0n) throw replyError('ERR Invalid TTL value, must be >= 0');
  const payload = toBytes(args[2]);
  if (!verifyFooter(payload)) throw replyError('ERR DUMP payload version or checksum are wrong');
  let value: Value;
  try {
    value = parsePayload(payload);
  } catch (err) {
    if (err instanceof BadFormat) throw replyError('ERR Bad data format');
    if (err instanceof UnsupportedEncoding)
      throw replyError(
        `ERR cachelab's sandbox does not RESTORE payloads older than Redis 7.0 (${err.message})`,
      );
    if (err instanceof TooLarge)
      throw replyError(
        `ERR cachelab's sandbox does not RESTORE values over ${MAX_DECODED_BYTES / 1024 / 1024} MB`,
      );
    throw err;
  }
  if (replaceKey) remove(ctx, key);
  // Redis adds the time without an overflow check; the sum wraps like its long long does.
  if (ttl !== 0n && !absttl) ttl = BigInt.asIntN(64, ttl + BigInt(ctx.now()));
  if (ttl !== 0n && ttl <= BigInt(ctx.now())) return OK;
  replace(ctx, key, value);
  if (ttl !== 0n) ctx.store.expires.set(key, Number(ttl));
  // OBJECT IDLETIME after RESTORE ... IDLETIME s (FREQ only matters under an LFU policy, which
  // the sandbox does not have, so Redis ignores it there too).
  const meta = keyMeta(ctx, key);
  if (meta && idle !== null) meta.accessedAt = ctx.now() - Number(idle) * 1000;
  return OK;
}

/** DUMP and RESTORE (family `keys`: Redis groups them with the generic commands). */
export const dumpRestore: FamilyModule = {
  family: 'keys',
  commands: { dump, restore },
};
