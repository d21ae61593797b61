/**
 * Redis's intset as stored in DUMP payloads (RDB_TYPE_SET_INTSET): a little-endian u32 width
 * (2, 4 or 8 bytes), a u32 count, then the members ascending, each in that width.
 */
import { BadFormat } from './listpack.ts';

/** The smallest intset width that holds every member (INTSET_ENC_INT16/32/64). */
function widthFor(members: readonly bigint[]): 2 | 4 | 8 {
  let width: 2 | 4 | 8 = 2;
  for (const v of members) {
    if (v < -(2n ** 31n) || v >= 2n ** 31n) return 8;
    if (v < -32768n || v > 32767n) width = 4;
  }
  return width;
}

/** The intset blob for these members (any order; stored ascending). */
export function encodeIntset(members: readonly bigint[]): Uint8Array {
  const sorted = [...members].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const width = widthFor(sorted);
  const out = new Uint8Array(8 + width * sorted.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, width, true);
  view.setUint32(4, sorted.length, true);
  sorted.forEach((v, i) => {
    const at = 8 + i * width;
    if (width === 2) view.setInt16(at, Number(v), true);
    else if (width === 4) view.setInt32(at, Number(v), true);
    else view.setBigInt64(at, v, true);
  });
  return out;
}

/** intsetValidateIntegrity (deep): a known width, a size matching the count, strictly ascending. */
export function decodeIntset(blob: Uint8Array): bigint[] {
  if (blob.length < 8) throw new BadFormat('intset too short');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const width = view.getUint32(0, true);
  if (width !== 2 && width !== 4 && width !== 8) throw new BadFormat('intset width');
  const count = view.getUint32(4, true);
  if (count * width + 8 !== blob.length) throw new BadFormat('intset size');
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    const v =
      width === 2
        ? BigInt(view.getInt16(at, true))
        : width === 4
          ? BigInt(view.getInt32(at, true))
          : view.getBigInt64(at, true);
    if (i > 0 && v <= out[i - 1]) throw new BadFormat('intset order');
    out.push(v);
  }
  return out;
}
