/**
 * LZF as Redis 7.0 builds liblzf 3.6 (lzfP.h: HLOG 16, VERY_FAST, hash-table offsets), so a
 * compressed string in a DUMP payload has the very bytes redis-server writes.
 *
 * Format: `000LLLLL` + L+1 literal bytes; `LLLooooo oooooooo` a back reference of L+2 bytes at
 * distance o+1; `111ooooo LLLLLLLL oooooooo` the same with length L+9.
 *
 * One known divergence: Redis leaves its hash table uninitialised (INIT_HTAB 0), so a slot can
 * hold a stale offset from an earlier call; when such a stale offset happens to point at three
 * equal bytes within reach, Redis takes a match that a clean table (this one) does not. The
 * decoded value is the same either way; only the compressed bytes can differ, and rarely.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** IDX under VERY_FAST: `((h >> (3*8 - HLOG)) - h*5) & (HSIZE - 1)` in 32-bit unsigned math. */
function idx(h: number): number {
  return ((h >>> (24 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1);
}

/**
 * lzf_compress into at most `outLen` bytes; null when the result would not fit (Redis then
 * stores the string uncompressed).
 */
export function lzfCompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const inLen = input.length;
  if (inLen === 0 || outLen <= 0) return null;
  const out = new Uint8Array(outLen + 4);
  // Slots hold position+1, so 0 means "never set": the C code's `ref > in_data` rejects
  // position 0 anyway, which this encoding reproduces.
  const htab = new Int32Array(HSIZE);
  let ip = 0;
  let op = 1; // start run
  let lit = 0;
  let hval = (input[0] << 8) | input[1];
  while (ip < inLen - 2) {
    hval = (hval << 8) | input[ip + 2];
    const slot = idx(hval);
    const ref = htab[slot] - 1;
    htab[slot] = ip + 1;
    const off = ip - ref - 1;
    if (
      ref > 0 &&
      off >= 0 &&
      off < MAX_OFF &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outLen && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outLen) return null;
      out[op - lit - 1] = lit - 1;
      if (lit === 0) op--;
      do len++;
      while (len < maxlen && input[ref + len] === input[ip + len]);
      len -= 2;
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      hval = (hval << 8) | input[ip + 2];
      htab[idx(hval)] = ip + 1;
      ip++;
      hval = (hval << 8) | input[ip + 2];
      htab[idx(hval)] = ip + 1;
      ip++;
    } else {
      if (op >= outLen) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return null;
  while (ip < inLen) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.slice(0, op);
}

/**
 * lzf_decompress with CHECK_INPUT: exactly `outLen` bytes back, or null when the input is
 * corrupt (a reference before the start, a run past either end, or a length mismatch). The
 * output is allocated once at `outLen`, which the caller bounds.
 */
export function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const out = new Uint8Array(outLen);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    let ctrl = input[ip++];
    if (ctrl < 1 << 5) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > input.length) return null;
      out.set(input.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= input.length) return null;
      if (len === 7) {
        len += input[ip++];
        if (ip >= input.length) return null;
      }
      ref -= input[ip++];
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      // The copy may overlap its own output (a run when the distance is short): the result is
      // periodic from `ref`, so copying ever-longer spans from `ref` fills it in a few
      // builtin calls. A byte-at-a-time loop measured about 20x slower in a realm where the
      // runner's SES lockdown has run (as in the sandbox): 17 s instead of 1 s for 64 MB.
      const start = ref;
      let remaining = len;
      while (remaining > 0) {
        const n = Math.min(remaining, op - start);
        out.copyWithin(op, start, start + n);
        op += n;
        remaining -= n;
      }
    }
  }
  return op === outLen ? out : null;
}
