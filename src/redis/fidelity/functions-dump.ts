/**
 * FUNCTION DUMP's payload, as redis-server 7.0.15 writes it: for each library RDB_OPCODE_FUNCTION2
 * and its code as an RDB string (LZF-compressed when that saves space), then the RDB version and
 * the CRC-64. FUNCTION RESTORE reads the same format, a real server's payloads included.
 */
import { MAX_STRING_BYTES } from '../lua/lua51-compat.ts';
import { crc64 } from './crc64.ts';
import { lzfDecompress } from './lzf.ts';
import { RDB_VERSION, RdbWriter } from './rdb-dump.ts';

/** RDB_OPCODE_FUNCTION2: a library's code follows. */
const OPCODE_FUNCTION2 = 0xf5;

/** The payload of FUNCTION DUMP for these library codes, in this order. */
export function dumpFunctions(codes: readonly Uint8Array[]): Uint8Array {
  const w = new RdbWriter();
  for (const code of codes) {
    w.raw([OPCODE_FUNCTION2]);
    w.string(code);
  }
  w.raw([RDB_VERSION & 0xff, RDB_VERSION >> 8]);
  const body = w.bytes();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  out.set(crc64(body), body.length);
  return out;
}

/** verifyDumpPayload: long enough, a version this server reads, and the right CRC-64. */
function verified(payload: Uint8Array): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload[footer] | (payload[footer + 1] << 8);
  if (version > RDB_VERSION) return false;
  const expected = crc64(payload, payload.length - 8);
  return expected.every((b, i) => b === payload[payload.length - 8 + i]);
}

/**
 * The library codes of a FUNCTION RESTORE payload, or Redis's error text (without `ERR `). Every
 * read is bounds-checked, and a compressed code may not claim more than MAX_STRING_BYTES.
 */
export function parseFunctionsPayload(payload: Uint8Array): Uint8Array[] | string {
  if (!verified(payload)) return 'DUMP payload version or checksum are wrong';
  const data = new Uint8Array(payload);
  const end = data.length - 10;
  const codes: Uint8Array[] = [];
  let at = 0;
  const length = (): number | null => {
    if (at >= end) return null;
    const first = data[at++];
    const kind = first >> 6;
    if (kind === 0) return first & 0x3f;
    if (kind === 1) return at < end ? ((first & 0x3f) << 8) | data[at++] : null;
    if (first === 0x80 && at + 4 <= end) {
      const n = new DataView(data.buffer, at, 4).getUint32(0);
      at += 4;
      return n;
    }
    return null;
  };
  const string = (): Uint8Array | null => {
    if (at >= end) return null;
    if (data[at] === 0xc3) {
      at++;
      const packed = length();
      const size = length();
      if (packed === null || size === null || size > MAX_STRING_BYTES || at + packed > end)
        return null;
      const out = lzfDecompress(data.subarray(at, at + packed), size);
      at += packed;
      return out;
    }
    // Integer encodings (0xc0-0xc2) cannot start with "#!", and would fail the load anyway.
    const n = length();
    if (n === null || at + n > end) return null;
    at += n;
    return data.slice(at - n, at);
  };
  while (at < end) {
    if (data[at++] !== OPCODE_FUNCTION2) return 'given type is not a function';
    const code = string();
    if (!code) return 'Failed loading library payload';
    codes.push(code);
  }
  return codes;
}
