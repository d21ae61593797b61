/**
 * Bitmap commands over string values, as bitops.c in Redis 7.0: SETBIT, GETBIT, BITCOUNT and
 * BITPOS (with BYTE|BIT ranges), BITOP, BITFIELD and BITFIELD_RO. Bits are numbered from the most
 * significant bit of the first byte.
 */
import { ERR, replyError } from '../reply-error.ts';
import { fromBytes, toBytes, toText } from '../bytes.ts';
import { getString, keyOf, markRawString, remove, replace, update } from './keyspace.ts';
import { intArg, intReply, parseInt64 } from './numbers.ts';
import type { Arg, Ctx, FamilyModule, Reply } from './types.ts';

/** Redis's proto-max-bulk-len: the largest string a bit offset may address. */
const MAX_BYTES = 512n * 1024n * 1024n;
/**
 * The sandbox's own cap on a string grown by a bit command. Redis would allocate up to 512 MB;
 * a browser worker cannot, so larger offsets get a clear error instead of an out-of-memory crash.
 */
const SANDBOX_MAX_BYTES = 32 * 1024 * 1024;

const BIT_OFFSET_ERROR = 'ERR bit offset is not an integer or out of range';

/** getBitOffsetFromArgument: a bit offset, or `#n` (n * bits) where BITFIELD allows it. */
function bitOffset(arg: Arg, hashBits = 0): bigint {
  let text = toText(arg);
  const hashed = hashBits > 0 && text.startsWith('#');
  if (hashed) text = text.slice(1);
  let n = parseInt64(text);
  if (n === null) throw replyError(BIT_OFFSET_ERROR);
  if (hashed) n *= BigInt(hashBits);
  if (n < 0n || n >> 3n >= MAX_BYTES) throw replyError(BIT_OFFSET_ERROR);
  return n;
}

/** The string at key as bytes, grown with zero bytes to hold `bytes` (a write lookup). */
function grownString(ctx: Ctx, key: string, bytes: number): Uint8Array {
  const current = toBytes(getString(ctx, key) ?? '');
  if (bytes <= current.length) return Uint8Array.from(current);
  if (bytes > SANDBOX_MAX_BYTES)
    throw replyError(
      `ERR cachelab's sandbox limits strings grown by bit commands to ${SANDBOX_MAX_BYTES} bytes`,
    );
  const out = new Uint8Array(bytes);
  out.set(current);
  return out;
}

function readBytes(ctx: Ctx, key: string): Uint8Array | undefined {
  const value = getString(ctx, key);
  return value === undefined ? undefined : toBytes(value);
}

function getBit(bytes: Uint8Array, bit: number): number {
  const byte = bit >> 3;
  return byte < bytes.length ? (bytes[byte] >> (7 - (bit & 7))) & 1 : 0;
}

function setbit(ctx: Ctx, [keyArg, offsetArg, valueArg]: Arg[]): Reply {
  const offset = bitOffset(offsetArg);
  const v = toText(valueArg);
  if (v !== '0' && v !== '1') throw replyError('ERR bit is not an integer or out of range');
  const key = keyOf(keyArg);
  const bit = Number(offset);
  const bytes = grownString(ctx, key, (bit >> 3) + 1);
  const old = getBit(bytes, bit);
  const mask = 1 << (7 - (bit & 7));
  bytes[bit >> 3] = v === '1' ? bytes[bit >> 3] | mask : bytes[bit >> 3] & ~mask;
  update(ctx, key, fromBytes(bytes));
  markRawString(ctx, key);
  return old;
}

/** Start and end of a BITCOUNT/BITPOS range, normalised as Redis does; null when empty. */
function normaliseRange(start: bigint, end: bigint, total: bigint): [number, number] | null {
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  return start > end ? null : [Number(start), Number(end)];
}

function unitArg(arg: Arg | undefined): 'byte' | 'bit' {
  if (arg === undefined) return 'byte';
  const unit = toText(arg).toLowerCase();
  if (unit !== 'byte' && unit !== 'bit') throw replyError(ERR.syntax);
  return unit;
}

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b; b &= b - 1) n++;
  return n;
}

function bitcount(ctx: Ctx, args: Arg[]): Reply {
  const bytes = readBytes(ctx, keyOf(args[0]));
  if (bytes === undefined) return 0;
  if (args.length === 1) return bytes.reduce((n, b) => n + popcount(b), 0);
  if (args.length !== 3 && args.length !== 4) throw replyError(ERR.syntax);
  const start = intArg(args[1]);
  const end = intArg(args[2]);
  const unit = unitArg(args[3]);
  const total = BigInt(bytes.length) * (unit === 'bit' ? 8n : 1n);
  const range = normaliseRange(start, end, total);
  if (range === null) return 0;
  let n = 0;
  if (unit === 'byte') for (let i = range[0]; i <= range[1]; i++) n += popcount(bytes[i]);
  else for (let i = range[0]; i <= range[1]; i++) n += getBit(bytes, i);
  return n;
}

function bitpos(ctx: Ctx, args: Arg[]): Reply {
  const b = toText(args[1]);
  if (b !== '0' && b !== '1') throw replyError('ERR The bit argument must be 1 or 0.');
  const bit = Number(b);
  const bytes = readBytes(ctx, keyOf(args[0]));
  if (bytes === undefined) return bit ? -1 : 0;
  if (args.length > 5) throw replyError(ERR.syntax);
  const start = args.length >= 3 ? intArg(args[2]) : 0n;
  const endGiven = args.length >= 4;
  const unit = unitArg(args[4]);
  const total = BigInt(bytes.length) * (unit === 'bit' ? 8n : 1n);
  const end = endGiven ? intArg(args[3]) : total - 1n;
  const range = normaliseRange(start, end, total);
  if (range === null) return -1;
  const [first, last] = unit === 'bit' ? range : [range[0] * 8, range[1] * 8 + 7];
  for (let i = first; i <= last; i++) if (getBit(bytes, i) === bit) return i;
  // Past the end, a string reads as zeros, unless the caller fixed the end of the range.
  return bit === 0 && !endGiven ? last + 1 : -1;
}

function bitop(ctx: Ctx, [opArg, dstArg, ...srcArgs]: Arg[]): Reply {
  const op = toText(opArg).toLowerCase();
  if (!['and', 'or', 'xor', 'not'].includes(op)) throw replyError(ERR.syntax);
  if (op === 'not' && srcArgs.length !== 1)
    throw replyError('ERR BITOP NOT must be called with a single source key.');
  const sources = srcArgs.map((k) => readBytes(ctx, keyOf(k)) ?? new Uint8Array(0));
  const length = Math.max(0, ...sources.map((s) => s.length));
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const at = (s: Uint8Array) => (i < s.length ? s[i] : 0);
    if (op === 'not') out[i] = ~at(sources[0]) & 0xff;
    else {
      let acc = at(sources[0]);
      for (const s of sources.slice(1))
        acc = op === 'and' ? acc & at(s) : op === 'or' ? acc | at(s) : acc ^ at(s);
      out[i] = acc;
    }
  }
  const dst = keyOf(dstArg);
  if (length === 0) remove(ctx, dst);
  else {
    replace(ctx, dst, fromBytes(out));
    markRawString(ctx, dst);
  }
  return length;
}

interface FieldType {
  signed: boolean;
  bits: number;
}

function fieldType(arg: Arg): FieldType {
  const m = /^([iu])(\d+)$/i.exec(toText(arg));
  const bits = m ? Number(m[2]) : 0;
  const signed = m?.[1].toLowerCase() === 'i';
  if (!m || bits < 1 || (signed && bits > 64) || (!signed && bits > 63))
    throw replyError(
      'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
    );
  return { signed, bits };
}

function readField(bytes: Uint8Array, offset: number, t: FieldType): bigint {
  let v = 0n;
  for (let i = 0; i < t.bits; i++) v = (v << 1n) | BigInt(getBit(bytes, offset + i));
  if (t.signed && t.bits > 0 && v >> BigInt(t.bits - 1) === 1n) v -= 1n << BigInt(t.bits);
  return v;
}

function writeField(bytes: Uint8Array, offset: number, t: FieldType, value: bigint): void {
  const u = BigInt.asUintN(t.bits, value);
  for (let i = 0; i < t.bits; i++) {
    const bit = offset + i;
    const mask = 1 << (7 - (bit & 7));
    const on = (u >> BigInt(t.bits - 1 - i)) & 1n;
    bytes[bit >> 3] = on ? bytes[bit >> 3] | mask : bytes[bit >> 3] & ~mask;
  }
}

type Overflow = 'wrap' | 'sat' | 'fail';

/** The value after overflow handling, or null when OVERFLOW FAIL refuses it. */
function fitField(value: bigint, t: FieldType, overflow: Overflow): bigint | null {
  const bits = BigInt(t.bits);
  const min = t.signed ? -(1n << (bits - 1n)) : 0n;
  const max = t.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (value >= min && value <= max) return value;
  if (overflow === 'fail') return null;
  if (overflow === 'sat') return value < min ? min : max;
  return t.signed ? BigInt.asIntN(t.bits, value) : BigInt.asUintN(t.bits, value);
}

interface FieldOp {
  kind: 'get' | 'set' | 'incrby';
  type: FieldType;
  offset: number;
  value: bigint;
  overflow: Overflow;
}

function bitfield(ctx: Ctx, args: Arg[], readOnly: boolean): Reply {
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'wrap';
  for (let i = 1; i < args.length; i++) {
    const sub = toText(args[i]).toLowerCase();
    const left = args.length - i - 1;
    if (sub === 'get' && left >= 2) {
      const type = fieldType(args[i + 1]);
      const offset = Number(bitOffset(args[i + 2], type.bits));
      ops.push({ kind: 'get', type, offset, value: 0n, overflow });
      i += 2;
    } else if ((sub === 'set' || sub === 'incrby') && left >= 3) {
      const type = fieldType(args[i + 1]);
      const offset = Number(bitOffset(args[i + 2], type.bits));
      const value = intArg(args[i + 3]);
      ops.push({ kind: sub, type, offset, value, overflow });
      i += 3;
    } else if (sub === 'overflow' && left >= 1) {
      const o = toText(args[++i]).toLowerCase();
      if (o !== 'wrap' && o !== 'sat' && o !== 'fail')
        throw replyError('ERR Invalid OVERFLOW type specified');
      overflow = o;
    } else throw replyError(ERR.syntax);
  }
  const key = keyOf(args[0]);
  const writes = ops.filter((op) => op.kind !== 'get');
  if (readOnly && writes.length > 0)
    throw replyError('ERR BITFIELD_RO only supports the GET subcommand');
  let bytes: Uint8Array;
  if (writes.length > 0) {
    const highest = Math.max(...writes.map((op) => op.offset + op.type.bits - 1));
    bytes = grownString(ctx, key, (highest >> 3) + 1);
  } else bytes = readBytes(ctx, key) ?? new Uint8Array(0);
  const replies: Reply[] = [];
  for (const op of ops) {
    const old = readField(bytes, op.offset, op.type);
    if (op.kind === 'get') {
      replies.push(intReply(old));
      continue;
    }
    const fitted = fitField(op.kind === 'set' ? op.value : old + op.value, op.type, op.overflow);
    if (fitted === null) {
      replies.push(null);
      continue;
    }
    writeField(bytes, op.offset, op.type, fitted);
    replies.push(intReply(op.kind === 'set' ? old : fitted));
  }
  if (writes.length > 0) {
    update(ctx, key, fromBytes(bytes));
    markRawString(ctx, key);
  }
  return replies;
}

/** The bitmaps family. */
export const bitmaps: FamilyModule = {
  family: 'bitmaps',
  commands: {
    setbit,
    getbit: (ctx, [key, offsetArg]) => {
      const offset = Number(bitOffset(offsetArg));
      return getBit(readBytes(ctx, keyOf(key)) ?? new Uint8Array(0), offset);
    },
    bitcount,
    bitpos,
    bitop,
    bitfield: (ctx, args) => bitfield(ctx, args, false),
    bitfield_ro: (ctx, args) => bitfield(ctx, args, true),
  },
};
