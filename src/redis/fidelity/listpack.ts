/**
 * Redis 7.0's listpack, byte for byte: the blob inside DUMP payloads of small hashes, sorted sets,
 * list nodes and stream nodes. Writing follows lpInsert (a string that string2ll accepts is stored
 * as an integer, in the smallest of the 7/13/16/24/32/64-bit encodings); reading validates every
 * entry as lpValidateIntegrity's deep mode does, because RESTORE input is hostile.
 */
import { toBytes, type RedisString } from '../bytes.ts';

/** One listpack element: an integer or a byte string. */
export type LpEntry = bigint | Uint8Array;

/** Thrown for any malformed blob; RESTORE turns it into `Bad data format`. */
export class BadFormat extends Error {}

const HEADER = 6;
const EOF = 0xff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** string2ll: the integer a string stands for, exactly as Redis parses it, or null. */
export function strictInt(bytes: Uint8Array): bigint | null {
  const n = bytes.length;
  if (n === 0 || n > 20) return null;
  if (n === 1 && bytes[0] === 0x30) return 0n;
  let i = 0;
  const negative = bytes[0] === 0x2d;
  if (negative) i++;
  if (i >= n || bytes[i] < 0x31 || bytes[i] > 0x39) return null;
  let v = 0n;
  for (; i < n; i++) {
    const c = bytes[i];
    if (c < 0x30 || c > 0x39) return null;
    v = v * 10n + BigInt(c - 0x30);
  }
  if (negative) v = -v;
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/** The listpack element for a stored string: an integer when Redis would encode one. */
export function lpEntryOf(value: RedisString | bigint): LpEntry {
  if (typeof value === 'bigint') return value;
  const bytes = toBytes(value);
  return strictInt(bytes) ?? bytes;
}

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function encodeEntry(entry: LpEntry): number[] | Uint8Array {
  if (typeof entry === 'bigint') {
    const v = entry;
    if (v >= 0n && v <= 127n) return [Number(v)];
    if (v >= -4096n && v <= 4095n) {
      const u = Number(BigInt.asUintN(13, v));
      return [0xc0 | (u >> 8), u & 0xff];
    }
    const width =
      v >= -32768n && v <= 32767n
        ? 2
        : v >= -8388608n && v <= 8388607n
          ? 3
          : v >= -(2n ** 31n) && v < 2n ** 31n
            ? 4
            : 8;
    const tag = { 2: 0xf1, 3: 0xf2, 4: 0xf3, 8: 0xf4 }[width]!;
    const u = BigInt.asUintN(width * 8, v);
    const out = [tag];
    for (let i = 0; i < width; i++) out.push(Number((u >> BigInt(8 * i)) & 0xffn));
    return out;
  }
  const len = entry.length;
  let head: number[];
  if (len < 64) head = [0x80 | len];
  else if (len < 4096) head = [0xe0 | (len >> 8), len & 0xff];
  else head = [0xf0, len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, (len >>> 24) & 0xff];
  const out = new Uint8Array(head.length + len);
  out.set(head);
  out.set(entry, head.length);
  return out;
}

/** lpEncodeBacklen: the entry's length, written so it can be read backwards. */
function backlen(l: number): number[] {
  if (l <= 127) return [l];
  if (l < 16383) return [l >> 7, (l & 127) | 128];
  if (l < 2097151) return [l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128];
  if (l < 268435455)
    return [l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128];
  return [
    Math.floor(l / 2 ** 28),
    ((l >> 21) & 127) | 128,
    ((l >> 14) & 127) | 128,
    ((l >> 7) & 127) | 128,
    (l & 127) | 128,
  ];
}

/** The bytes one element takes in a listpack (encoding, data and backlen). */
export function lpEntrySize(entry: LpEntry): number {
  const body = encodeEntry(entry).length;
  return body + backlenSize(body);
}

/** A listpack holding `entries`, in order. */
export function encodeListpack(entries: readonly LpEntry[]): Uint8Array {
  const parts: (number[] | Uint8Array)[] = [];
  let total = HEADER + 1;
  for (const e of entries) {
    const body = encodeEntry(e);
    const back = backlen(body.length);
    parts.push(body, back);
    total += body.length + back.length;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total, true);
  view.setUint16(4, Math.min(entries.length, 65535), true);
  let at = HEADER;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out[at] = EOF;
  return out;
}

/**
 * Every element of a listpack, validated: header size, each entry's encoding staying inside the
 * blob, each backlen matching its entry, the count (unless 65535, "unknown") and the terminator.
 */
export function decodeListpack(lp: Uint8Array): LpEntry[] {
  if (lp.length < HEADER + 1) throw new BadFormat('listpack too short');
  const view = new DataView(lp.buffer, lp.byteOffset, lp.byteLength);
  if (view.getUint32(0, true) !== lp.length) throw new BadFormat('listpack size mismatch');
  const count = view.getUint16(4, true);
  if (lp[lp.length - 1] !== EOF) throw new BadFormat('listpack terminator');
  const out: LpEntry[] = [];
  let p = HEADER;
  const end = lp.length - 1;
  while (p < end) {
    const start = p;
    const b = lp[p];
    const need = (n: number) => {
      if (p + n > end) throw new BadFormat('listpack entry overflows');
    };
    if (b < 0x80) {
      out.push(BigInt(b));
      p += 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      need(1 + len);
      out.push(lp.slice(p + 1, p + 1 + len));
      p += 1 + len;
    } else if ((b & 0xe0) === 0xc0) {
      need(2);
      out.push(BigInt.asIntN(13, BigInt(((b & 0x1f) << 8) | lp[p + 1])));
      p += 2;
    } else if ((b & 0xf0) === 0xe0) {
      need(2);
      const len = ((b & 0x0f) << 8) | lp[p + 1];
      need(2 + len);
      out.push(lp.slice(p + 2, p + 2 + len));
      p += 2 + len;
    } else if (b === 0xf0) {
      need(5);
      const len = view.getUint32(p + 1, true);
      need(5 + len);
      out.push(lp.slice(p + 5, p + 5 + len));
      p += 5 + len;
    } else if (b >= 0xf1 && b <= 0xf4) {
      const width = b === 0xf1 ? 2 : b === 0xf2 ? 3 : b === 0xf3 ? 4 : 8;
      need(1 + width);
      let u = 0n;
      for (let i = width - 1; i >= 0; i--) u = (u << 8n) | BigInt(lp[p + 1 + i]);
      out.push(BigInt.asIntN(width * 8, u));
      p += 1 + width;
    } else throw new BadFormat('listpack bad encoding');
    const body = p - start;
    const back = backlen(body);
    if (p + back.length > end) throw new BadFormat('listpack backlen overflows');
    for (let i = 0; i < back.length; i++)
      if (lp[p + i] !== back[i]) throw new BadFormat('listpack backlen mismatch');
    p += back.length;
  }
  if (p !== end) throw new BadFormat('listpack overrun');
  if (count !== 65535 && count !== out.length) throw new BadFormat('listpack count mismatch');
  return out;
}

/** An element as the bytes Redis would reply with (integers in decimal). */
export function lpBytes(entry: LpEntry): Uint8Array {
  return typeof entry === 'bigint' ? toBytes(entry.toString()) : entry;
}
