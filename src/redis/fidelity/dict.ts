/**
 * Redis's dict, simulated for order: which order KEYS, SMEMBERS, HGETALL and the SCAN family
 * return, and how SCAN's cursor walks the table.
 *
 * Redis keeps keys (and the members of hashtable-encoded sets, hashes and sorted sets) in a hash
 * table of 2^n buckets, each bucket a chain with the newest entry first. Iterators walk buckets
 * 0, 1, 2, ...; SCAN walks them in reverse-binary order (the cursor's reversed bits are
 * incremented), so a cursor survives table growth. Redis seeds its SipHash at random per process,
 * so its order differs run to run; the sandbox uses MurmurHash3 with a fixed seed instead, which
 * keeps lesson checks reproducible while the order stays as arbitrary as Redis's: never sorted,
 * never insertion order.
 *
 * Table size follows Redis's growth rule (4 buckets, doubled to the next power of two once the
 * table is full), so a table is between half and fully loaded. Redis's later shrinking and its
 * incremental rehashing are not simulated: they change which page a key lands on, not whether
 * the order is arbitrary.
 */
import { toBytes } from '../bytes.ts';

const SEED = 0x5eed_cac4;

const HASHES = new Map<string, number>();
/** Bound on the memo of key hashes; past it the memo starts over. */
const HASH_MEMO_MAX = 200_000;

/** MurmurHash3 (x86, 32-bit) of the key's UTF-8 bytes with the sandbox's fixed seed (memoized). */
export function hashOf(key: string): number {
  let h = HASHES.get(key);
  if (h === undefined) {
    h = murmur3(key);
    if (HASHES.size >= HASH_MEMO_MAX) HASHES.clear();
    HASHES.set(key, h);
  }
  return h;
}

function murmur3(key: string): number {
  const data = toBytes(key);
  let h = SEED;
  const blocks = data.length >> 2;
  for (let i = 0; i < blocks; i++) {
    let k =
      data[i * 4] | (data[i * 4 + 1] << 8) | (data[i * 4 + 2] << 16) | (data[i * 4 + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = blocks * 4;
  const rest = data.length & 3;
  if (rest === 3) k ^= data[tail + 2] << 16;
  if (rest >= 2) k ^= data[tail + 1] << 8;
  if (rest >= 1) {
    k ^= data[tail];
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= data.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Buckets of a table holding n entries: 4, doubled past the fill (Redis's _dictExpandIfNeeded). */
export function tableSize(n: number): number {
  let size = 4;
  while (size < n) size *= 2;
  return size;
}

interface Table {
  size: number;
  chains: Map<number, string[]>;
}

/**
 * Recently built tables, by content: a full SCAN calls dictScan once per page over the same
 * entries, and rebuilding the table each time would make it quadratic.
 */
const TABLES: { entries: readonly string[]; table: Table }[] = [];
const TABLE_MEMO = 4;

function sameEntries(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Entries grouped by bucket; each chain newest first (dictAddRaw inserts at the head). */
function buckets(entries: readonly string[]): Table {
  const hit = TABLES.find((t) => sameEntries(t.entries, entries));
  if (hit) return hit.table;
  const table = build(entries);
  TABLES.unshift({ entries: [...entries], table });
  TABLES.length = Math.min(TABLES.length, TABLE_MEMO);
  return table;
}

function build(entries: readonly string[]): Table {
  const size = tableSize(entries.length);
  const chains = new Map<number, string[]>();
  for (const entry of entries) {
    const b = hashOf(entry) & (size - 1);
    const chain = chains.get(b);
    if (chain) chain.push(entry);
    else chains.set(b, [entry]);
  }
  for (const chain of chains.values()) chain.reverse();
  return { size, chains };
}

/**
 * Iteration order (KEYS, SMEMBERS, HGETALL on a hashtable): bucket 0 upwards.
 * `entries` is in insertion order.
 */
export function dictOrder(entries: readonly string[]): string[] {
  const { size, chains } = buckets(entries);
  const out: string[] = [];
  for (let b = 0; b < size; b++) out.push(...(chains.get(b) ?? []));
  return out;
}

/** The low `bits` bits of v, reversed. */
function reverseBits(v: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) {
    r = r * 2 + (v & 1);
    v >>>= 1;
  }
  return r;
}

/**
 * The cursor after visiting `cursor`'s bucket: Redis's `v |= ~mask; v = rev(v); v++; v = rev(v)`
 * on 64 bits, which comes down to incrementing the reversed bucket bits (0 once they wrap).
 */
export function nextCursor(cursor: bigint, size: number): bigint {
  const bits = Math.log2(size);
  const reversed = reverseBits(Number(cursor & BigInt(size - 1)), bits) + 1;
  return reversed === size ? 0n : BigInt(reverseBits(reversed, bits));
}

/**
 * One SCAN call as scanGenericCommand makes it: visit buckets from the cursor until at least
 * `count` entries were collected, the table is done (cursor 0), or count*10 more buckets were
 * visited. Filtering (MATCH, TYPE) happens afterwards, so pages can be short or empty while the
 * cursor is not 0.
 */
export function dictScan(
  entries: readonly string[],
  cursor: bigint,
  count: number,
): { next: bigint; page: string[] } {
  const { size, chains } = buckets(entries);
  const mask = BigInt(size - 1);
  const page: string[] = [];
  const bits = Math.log2(size);
  // Bits above the mask are dropped by the first step, as in Redis.
  let v = Number(cursor & mask);
  let budget = count * 10;
  do {
    page.push(...(chains.get(v) ?? []));
    const reversed = reverseBits(v, bits) + 1;
    v = reversed === size ? 0 : reverseBits(reversed, bits);
  } while (v !== 0 && budget-- > 0 && page.length < count);
  return { next: BigInt(v), page };
}
