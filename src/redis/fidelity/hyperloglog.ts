/**
 * PFADD, PFCOUNT and PFMERGE as hyperloglog.c in Redis 7.0, byte for byte: the same 16-byte
 * "HYLL" header with its cached cardinality, the same sparse opcodes (ZERO, XZERO, VAL) with the
 * same in-place splits and merges, promotion to the 12304-byte dense form past 3000 bytes or a
 * register above 32, MurmurHash64A with Redis's seed, and Ertl's estimator. GET on an HLL key
 * therefore returns the bytes Redis would hold. PFDEBUG and PFSELFTEST (debugging aids) are not
 * implemented.
 */
import { ERR, replyError } from '../reply-error.ts';
import { fromBytes, toBytes, toText } from '../bytes.ts';
import { getString, keyOf, lookup, markRawString, typeOf, update } from './keyspace.ts';
import { OK, Status, type Arg, type Ctx, type FamilyModule, type Reply } from './types.ts';

const P = 14;
const Q = 64 - P;
const REGISTERS = 1 << P;
const BITS = 6;
const REGISTER_MAX = (1 << BITS) - 1;
const HDR = 16;
const DENSE_SIZE = HDR + Math.ceil((REGISTERS * BITS) / 8);
const DENSE = 0;
const SPARSE = 1;
/** server.hll_sparse_max_bytes, Redis's default. */
const SPARSE_MAX_BYTES = 3000;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
// 0.5/ln(2): Redis's 0.721347520444481703680, as the double it rounds to.
const ALPHA_INF = 0.7213475204444817;
const INVALID_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const CORRUPTED = 'INVALIDOBJ Corrupted HLL object detected';

const M64 = 0xffffffffffffffffn;

/** MurmurHash64A as Redis's hyperloglog.c has it (little-endian reads). */
function murmur64a(data: Uint8Array, seed: bigint): bigint {
  const m = 0xc6a4a7935bd1e995n;
  const r = 47n;
  const len = data.length;
  let h = (seed ^ ((BigInt(len) * m) & M64)) & M64;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let b = 7; b >= 0; b--) k = (k << 8n) | BigInt(data[i + b]);
    k = (k * m) & M64;
    k ^= k >> r;
    k = (k * m) & M64;
    h ^= k;
    h = (h * m) & M64;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let b = rest - 1; b >= 0; b--) h ^= BigInt(data[blocks + b]) << BigInt(8 * b);
    h = (h * m) & M64;
  }
  h ^= h >> r;
  h = (h * m) & M64;
  h ^= h >> r;
  return h;
}

/** hllPatLen: the register an element maps to and its run of zeros + 1. */
function patLen(element: Uint8Array): [number, number] {
  let hash = murmur64a(element, 0xadc83b19n);
  const index = Number(hash & BigInt(REGISTERS - 1));
  hash >>= BigInt(P);
  hash |= 1n << BigInt(Q);
  let count = 1;
  let bit = 1n;
  while ((hash & bit) === 0n) {
    count++;
    bit <<= 1n;
  }
  return [index, count];
}

type Bytes = number[] | Uint8Array;

function denseGet(regs: Bytes, at: number, i: number): number {
  const byte = at + ((i * BITS) >> 3);
  const fb = (i * BITS) & 7;
  const b0 = regs[byte];
  const b1 = byte + 1 < regs.length ? regs[byte + 1] : 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX;
}

function denseSet(regs: Bytes, at: number, i: number, v: number): void {
  const byte = at + ((i * BITS) >> 3);
  const fb = (i * BITS) & 7;
  regs[byte] = ((regs[byte] & ~(REGISTER_MAX << fb)) | (v << fb)) & 0xff;
  if (byte + 1 < regs.length) {
    const fb8 = 8 - fb;
    regs[byte + 1] = ((regs[byte + 1] & ~(REGISTER_MAX >> fb8)) | (v >> fb8)) & 0xff;
  }
}

const isZero = (b: number) => (b & 0xc0) === 0;
const isXzero = (b: number) => (b & 0xc0) === 0x40;
const isVal = (b: number) => (b & 0x80) !== 0;
const zeroLen = (b: number) => (b & 0x3f) + 1;
const xzeroLen = (b: number, b2: number) => (((b & 0x3f) << 8) | b2) + 1;
const valValue = (b: number) => ((b >> 2) & 0x1f) + 1;
const valLen = (b: number) => (b & 0x3) + 1;
const valByte = (v: number, len: number) => (((v - 1) << 2) | (len - 1) | 0x80) & 0xff;
const zeroBytes = (len: number) =>
  len > ZERO_MAX_LEN ? [((len - 1) >> 8) | 0x40, (len - 1) & 0xff] : [len - 1];

/** A fresh HLL: sparse, one XZERO covering every register, a valid cached count of 0. */
function createHll(): number[] {
  const out = [0x48, 0x59, 0x4c, 0x4c, SPARSE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  out.push(...zeroBytes(REGISTERS));
  return out;
}

function invalidate(hll: number[] | Uint8Array): void {
  hll[15] |= 0x80;
}

/** Sparse registers into an array of 16384 values, or null when the encoding is corrupt. */
function sparseRegisters(hll: ArrayLike<number>): Uint8Array | null {
  const regs = new Uint8Array(REGISTERS);
  let idx = 0;
  let p = HDR;
  while (p < hll.length) {
    const b = hll[p];
    if (isZero(b)) {
      idx += zeroLen(b);
      p++;
    } else if (isXzero(b)) {
      idx += xzeroLen(b, hll[p + 1]);
      p += 2;
    } else {
      const run = valLen(b);
      const v = valValue(b);
      if (idx + run > REGISTERS) return null;
      for (let k = 0; k < run; k++) regs[idx++] = v;
      p++;
    }
  }
  return idx === REGISTERS ? regs : null;
}

function registersOf(hll: number[]): Uint8Array | null {
  if (hll[4] === SPARSE) return sparseRegisters(hll);
  const regs = new Uint8Array(REGISTERS);
  for (let i = 0; i < REGISTERS; i++) regs[i] = denseGet(hll, HDR, i);
  return regs;
}

/** hllSparseToDense: same header (magic and cached count), dense encoding. */
function toDense(hll: number[]): number[] | null {
  const regs = sparseRegisters(hll);
  if (regs === null) return null;
  const dense = new Uint8Array(DENSE_SIZE);
  for (let i = 0; i < HDR; i++) dense[i] = hll[i];
  dense[4] = DENSE;
  for (let i = 0; i < REGISTERS; i++) if (regs[i]) denseSet(dense, HDR, i, regs[i]);
  return Array.from(dense);
}

/**
 * hllSparseSet: raises register `index` to `count` in place, splitting the opcode that covers it
 * and merging equal neighbours; promotes to dense when the sparse form cannot hold it. Returns
 * the (possibly new) HLL and whether it changed, or null when corrupt.
 */
function sparseSet(hll: number[], index: number, count: number): [number[], boolean] | null {
  const promote = (): [number[], boolean] | null => {
    const dense = toDense(hll);
    if (dense === null) return null;
    denseSet(dense, HDR, index, count);
    return [dense, true];
  };
  if (count > VAL_MAX_VALUE) return promote();
  let p = HDR;
  let first = 0;
  let prev = -1;
  let span = 0;
  const end = hll.length;
  while (p < end) {
    let oplen = 1;
    if (isZero(hll[p])) span = zeroLen(hll[p]);
    else if (isVal(hll[p])) span = valLen(hll[p]);
    else {
      span = xzeroLen(hll[p], hll[p + 1]);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return null;
  const op = hll[p];
  const kind = isZero(op) ? 'zero' : isXzero(op) ? 'xzero' : 'val';
  const runlen =
    kind === 'zero' ? zeroLen(op) : kind === 'xzero' ? xzeroLen(op, hll[p + 1]) : valLen(op);
  let done = false;
  if (kind === 'val') {
    if (valValue(op) >= count) return [hll, false];
    if (runlen === 1) {
      hll[p] = valByte(count, 1);
      done = true;
    }
  }
  if (!done && kind === 'zero' && runlen === 1) {
    hll[p] = valByte(count, 1);
    done = true;
  }
  if (!done) {
    const last = first + span - 1;
    const seq: number[] = [];
    if (kind !== 'val') {
      if (index !== first) seq.push(...zeroBytes(index - first));
      seq.push(valByte(count, 1));
      if (index !== last) seq.push(...zeroBytes(last - index));
    } else {
      const cur = valValue(op);
      if (index !== first) seq.push(valByte(cur, index - first));
      seq.push(valByte(count, 1));
      if (index !== last) seq.push(valByte(cur, last - index));
    }
    const oldlen = kind === 'xzero' ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && hll.length + delta > SPARSE_MAX_BYTES) return promote();
    hll.splice(p, oldlen, ...seq);
  }
  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  let q = prev >= 0 ? prev : HDR;
  let scan = 5;
  while (q < hll.length && scan-- > 0) {
    if (isXzero(hll[q])) {
      q += 2;
      continue;
    }
    if (isZero(hll[q])) {
      q++;
      continue;
    }
    if (q + 1 < hll.length && isVal(hll[q + 1])) {
      const v1 = valValue(hll[q]);
      if (v1 === valValue(hll[q + 1])) {
        const len = valLen(hll[q]) + valLen(hll[q + 1]);
        if (len <= VAL_MAX_LEN) {
          hll[q + 1] = valByte(v1, len);
          hll.splice(q, 1);
          continue;
        }
      }
    }
    q++;
  }
  invalidate(hll);
  return [hll, true];
}

/** Sets register `index` to at least `count` in either encoding. */
function raise(hll: number[], index: number, count: number): [number[], boolean] | null {
  if (hll[4] === SPARSE) return sparseSet(hll, index, count);
  if (denseGet(hll, HDR, index) >= count) return [hll, false];
  denseSet(hll, HDR, index, count);
  return [hll, true];
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let prev: number;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1.0;
  let z = 1 - x;
  let prev: number;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (prev !== z);
  return z / 3;
}

/** hllCount: Ertl's estimator over the register histogram. */
function estimate(regs: Uint8Array): number {
  const m = REGISTERS;
  const histo = new Array<number>(64).fill(0);
  for (const r of regs) histo[r]++;
  let z = m * tau((m - histo[Q + 1]) / m);
  for (let j = Q; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** The HLL at key as bytes, undefined if missing; errors as isHLLObjectOrReply. */
function hllAt(ctx: Ctx, key: string): number[] | undefined {
  const value = lookup(ctx, key);
  if (value === undefined) return undefined;
  if (typeOf(value) !== 'string') throw replyError(ERR.wrongType);
  const bytes = toBytes(getString(ctx, key)!);
  const intEncoded = typeof value === 'string' && /^(0|-?[1-9][0-9]{0,19})$/.test(value);
  if (
    intEncoded ||
    bytes.length < HDR ||
    bytes[0] !== 0x48 ||
    bytes[1] !== 0x59 ||
    bytes[2] !== 0x4c ||
    bytes[3] !== 0x4c ||
    bytes[4] > 1 ||
    (bytes[4] === DENSE && bytes.length !== DENSE_SIZE)
  )
    throw replyError(INVALID_HLL);
  return Array.from(bytes);
}

function store(ctx: Ctx, key: string, hll: number[]): void {
  update(ctx, key, fromBytes(Uint8Array.from(hll)));
  markRawString(ctx, key);
}

function pfadd(ctx: Ctx, [keyArg, ...elements]: Arg[]): Reply {
  const key = keyOf(keyArg);
  let hll = hllAt(ctx, key);
  let updated = false;
  if (hll === undefined) {
    hll = createHll();
    updated = true;
  }
  for (const element of elements) {
    const [index, count] = patLen(toBytes(element));
    const result = raise(hll, index, count);
    if (result === null) throw replyError(CORRUPTED);
    [hll] = result;
    if (result[1]) updated = true;
  }
  if (updated) {
    invalidate(hll);
    store(ctx, key, hll);
  }
  return updated ? 1 : 0;
}

function cachedCount(hll: number[]): number | null {
  if (hll[15] & 0x80) return null;
  let n = 0;
  for (let i = 7; i >= 0; i--) n = n * 256 + hll[8 + i];
  return n;
}

function pfcount(ctx: Ctx, keys: Arg[]): Reply {
  if (keys.length > 1) {
    const max = new Uint8Array(REGISTERS);
    for (const k of keys) {
      const hll = hllAt(ctx, keyOf(k));
      if (hll === undefined) continue;
      const regs = registersOf(hll);
      if (regs === null) throw replyError(CORRUPTED);
      for (let i = 0; i < REGISTERS; i++) if (regs[i] > max[i]) max[i] = regs[i];
    }
    return estimate(max);
  }
  const key = keyOf(keys[0]);
  const hll = hllAt(ctx, key);
  if (hll === undefined) return 0;
  const cached = cachedCount(hll);
  if (cached !== null) return cached;
  const regs = registersOf(hll);
  if (regs === null) throw replyError(CORRUPTED);
  const card = estimate(regs);
  // PFCOUNT writes the count back into the header, so the string changes, as in Redis.
  let rest = card;
  for (let i = 0; i < 8; i++) {
    hll[8 + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  store(ctx, key, hll);
  return card;
}

function pfmerge(ctx: Ctx, keys: Arg[]): Reply {
  const max = new Uint8Array(REGISTERS);
  let useDense = false;
  for (const k of keys) {
    const hll = hllAt(ctx, keyOf(k));
    if (hll === undefined) continue;
    if (hll[4] === DENSE) useDense = true;
    const regs = registersOf(hll);
    if (regs === null) throw replyError(CORRUPTED);
    for (let i = 0; i < REGISTERS; i++) if (regs[i] > max[i]) max[i] = regs[i];
  }
  const dst = keyOf(keys[0]);
  let hll = hllAt(ctx, dst) ?? createHll();
  if (useDense && hll[4] === SPARSE) {
    const dense = toDense(hll);
    if (dense === null) throw replyError(CORRUPTED);
    hll = dense;
  }
  for (let i = 0; i < REGISTERS; i++) {
    if (max[i] === 0) continue;
    if (hll[4] === DENSE) denseSet(hll, HDR, i, max[i]);
    else {
      const result = sparseSet(hll, i, max[i]);
      if (result === null) throw replyError(CORRUPTED);
      hll = result[0];
    }
  }
  invalidate(hll);
  store(ctx, dst, hll);
  return OK;
}

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE, Redis's HLL debugging aid (GETREG and TODENSE densify). */
function pfdebug(ctx: Ctx, args: Arg[]): Reply {
  const cmd = toText(args[0]);
  const sub = cmd.toLowerCase();
  const key = keyOf(args[1]);
  let hll = hllAt(ctx, key);
  if (hll === undefined) throw replyError('ERR The specified key does not exist');
  const known = ['getreg', 'decode', 'encoding', 'todense'].includes(sub);
  if (known && args.length !== 2)
    throw replyError(`ERR Wrong number of arguments for the '${cmd}' subcommand`);
  const densify = (): boolean => {
    if (hll![4] !== SPARSE) return false;
    const dense = toDense(hll!);
    if (dense === null) throw replyError(CORRUPTED);
    hll = dense;
    store(ctx, key, hll);
    return true;
  };
  switch (sub) {
    case 'getreg': {
      densify();
      return Array.from({ length: REGISTERS }, (_, i) => denseGet(hll!, HDR, i));
    }
    case 'decode': {
      if (hll[4] !== SPARSE) throw replyError('ERR HLL encoding is not sparse');
      const parts: string[] = [];
      for (let p = HDR; p < hll.length;) {
        const b = hll[p];
        if (isZero(b)) {
          parts.push(`z:${zeroLen(b)}`);
          p++;
        } else if (isXzero(b)) {
          parts.push(`Z:${xzeroLen(b, hll[p + 1])}`);
          p += 2;
        } else {
          parts.push(`v:${valValue(b)},${valLen(b)}`);
          p++;
        }
      }
      return parts.join(' ');
    }
    case 'encoding':
      return new Status(hll[4] === SPARSE ? 'sparse' : 'dense');
    case 'todense':
      return densify() ? 1 : 0;
    default:
      throw replyError(`ERR Unknown PFDEBUG subcommand '${cmd}'`);
  }
}

/**
 * PFSELFTEST: Redis tests its own register code and replies OK. The sandbox tests its own the same
 * way: every register through the dense encoding, and through the sparse one (which promotes
 * itself to dense on the way, as Redis's does), and back.
 */
function pfselftest(): Reply {
  let sparse = createHll();
  const dense: number[] = new Array<number>(DENSE_SIZE).fill(0);
  for (let i = 0; i < REGISTERS; i++) {
    const v = ((i * 7919) % VAL_MAX_VALUE) + 1;
    denseSet(dense, HDR, i, v);
    const result = raise(sparse, i, v);
    if (result === null) throw replyError('ERR TESTFAILED sparse encoding corrupted');
    sparse = result[0];
  }
  const fromSparse = registersOf(sparse);
  for (let i = 0; i < REGISTERS; i++) {
    const want = ((i * 7919) % VAL_MAX_VALUE) + 1;
    if (denseGet(dense, HDR, i) !== want || fromSparse?.[i] !== want)
      throw replyError(`ERR TESTFAILED Register error at ${i}`);
  }
  return OK;
}

/** The HyperLogLog family. */
export const hyperloglog: FamilyModule = {
  family: 'hyperloglog',
  commands: { pfadd, pfcount, pfmerge, pfdebug, pfselftest },
};
