/**
 * CRC-64/Jones as Redis's crc64.c computes it (reflected polynomial 0xad93d23594c935a9, initial
 * value 0, no final xor): the checksum at the end of every DUMP payload.
 *
 * The 64-bit state is kept as two 32-bit halves so a multi-megabyte payload is checked without a
 * BigInt operation per byte.
 */

/** The reflected form of Jones's polynomial 0xad93d23594c935a9. */
const POLY_REFLECTED = 0x95ac9329ac4bc9b5n;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let crc = BigInt(i);
  for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY_REFLECTED : crc >> 1n;
  TABLE_HI[i] = Number(crc >> 32n);
  TABLE_LO[i] = Number(crc & 0xffffffffn);
}

/** The CRC-64 of `bytes[0, end)`, as its 8 little-endian bytes (how DUMP stores it). */
export function crc64(bytes: Uint8Array, end = bytes.length): Uint8Array {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < end; i++) {
    const index = (lo ^ bytes[i]) & 0xff;
    lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ TABLE_LO[index];
    hi = (hi >>> 8) ^ TABLE_HI[index];
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, lo >>> 0, true);
  view.setUint32(4, hi >>> 0, true);
  return out;
}
