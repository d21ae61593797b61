/**
 * Redis strings are bytes; learner code mostly passes JS strings (sent as UTF-8 by ioredis).
 * Values are kept as JS strings when they are valid UTF-8 and as a Buffer otherwise, so the
 * mock's store and inspector keep working on plain strings.
 */

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lossyDecoder = new TextDecoder('utf-8');

/** A Redis string as the store and the engine hold it. */
export type RedisString = string | Uint8Array;

/** The UTF-8 bytes of a Redis string. */
export function toBytes(value: RedisString): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value;
}

/** Bytes back to a store value: a string when they are valid UTF-8, otherwise a Buffer. */
export function fromBytes(bytes: Uint8Array): RedisString {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    // The mock copies values with Buffer.isBuffer; a bare Uint8Array would be mangled.
    return globalThis.Buffer ? globalThis.Buffer.from(bytes) : bytes;
  }
}

/** A Redis string as text (invalid UTF-8 becomes U+FFFD, as ioredis's decoding does). */
export function toText(value: RedisString): string {
  return typeof value === 'string' ? value : lossyDecoder.decode(value);
}

/** Length in bytes, as STRLEN counts. */
export function byteLength(value: RedisString): number {
  if (typeof value !== 'string') return value.length;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** memcmp order, which is Redis's order for members with equal scores and for SORT ALPHA. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
