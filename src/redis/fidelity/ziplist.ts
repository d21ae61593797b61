/**
 * Redis's ziplist, read only: the blob inside payloads that Redis 6 and earlier DUMP (RDB 9) for
 * small lists, hashes and sorted sets, which Redis 7.0 still RESTOREs (converting them to
 * listpacks). Validated entry by entry as ziplistValidateIntegrity's deep mode does.
 */
import { BadFormat, type LpEntry } from './listpack.ts';

const HEADER = 10;
const END = 0xff;

/** Every element of a ziplist: header sizes, prevlens, the tail offset, the count, the end byte. */
export function decodeZiplist(zl: Uint8Array): LpEntry[] {
  if (zl.length < HEADER + 1) throw new BadFormat('ziplist too short');
  const view = new DataView(zl.buffer, zl.byteOffset, zl.byteLength);
  if (view.getUint32(0, true) !== zl.length) throw new BadFormat('ziplist size mismatch');
  const tail = view.getUint32(4, true);
  const count = view.getUint16(8, true);
  if (zl[zl.length - 1] !== END) throw new BadFormat('ziplist terminator');
  const end = zl.length - 1;
  const out: LpEntry[] = [];
  let p = HEADER;
  let previous = 0;
  let last = HEADER;
  while (p < end) {
    const start = p;
    const need = (n: number) => {
      if (p + n > end) throw new BadFormat('ziplist entry overflows');
    };
    need(1);
    let prevlen = zl[p];
    if (prevlen === 0xfe) {
      need(5);
      prevlen = view.getUint32(p + 1, true);
      p += 5;
    } else p += 1;
    if (prevlen !== previous) throw new BadFormat('ziplist prevlen mismatch');
    need(1);
    const b = zl[p];
    const kind = b >> 6;
    if (kind === 0) {
      const len = b & 0x3f;
      need(1 + len);
      out.push(zl.slice(p + 1, p + 1 + len));
      p += 1 + len;
    } else if (kind === 1) {
      need(2);
      const len = ((b & 0x3f) << 8) | zl[p + 1];
      need(2 + len);
      out.push(zl.slice(p + 2, p + 2 + len));
      p += 2 + len;
    } else if (b === 0x80) {
      need(5);
      const len = new DataView(zl.buffer, zl.byteOffset + p + 1, 4).getUint32(0);
      need(5 + len);
      out.push(zl.slice(p + 5, p + 5 + len));
      p += 5 + len;
    } else {
      const width =
        b === 0xc0 ? 2 : b === 0xd0 ? 4 : b === 0xe0 ? 8 : b === 0xf0 ? 3 : b === 0xfe ? 1 : 0;
      if (width > 0) {
        need(1 + width);
        let u = 0n;
        for (let i = width - 1; i >= 0; i--) u = (u << 8n) | BigInt(zl[p + 1 + i]);
        out.push(BigInt.asIntN(width * 8, u));
        p += 1 + width;
      } else if (b >= 0xf1 && b <= 0xfd) {
        out.push(BigInt((b & 0x0f) - 1));
        p += 1;
      } else throw new BadFormat('ziplist bad encoding');
    }
    last = start;
    previous = p - start;
  }
  if (p !== end) throw new BadFormat('ziplist overrun');
  if (tail !== last) throw new BadFormat('ziplist tail offset');
  if (count !== 65535 && count !== out.length) throw new BadFormat('ziplist count mismatch');
  return out;
}
