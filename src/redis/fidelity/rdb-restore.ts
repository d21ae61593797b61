/**
 * RESTORE's parser: a DUMP payload back into the engine's value representation, for every object
 * type redis-server 7.0.15 DUMPs (rdbLoadObject for RDB version 10), and the older ones it still
 * reads from Redis 6 payloads (ziplists, quicklists of ziplists, linked lists, sorted sets with
 * text scores, RDB 9 streams); only zipmap hashes (Redis 2.4) are refused, with their own message.
 *
 * The payload is hostile input, so everything is validated as Redis's deep sanitization
 * (sanitize-dump-payload yes) would, whatever the claimed sizes: a length is checked against the
 * bytes actually left before anything is allocated, LZF output is bounded, listpacks and intsets
 * are checked entry by entry, duplicates and empty collections are refused. Any failure is
 * `BadFormat`, which RESTORE answers with Redis's `ERR Bad data format`. Redis's default
 * (sanitize-dump-payload no) checks less and may accept, then later crash on, some of these.
 */
import { fromBytes, toText } from '../bytes.ts';
import { decodeIntset } from './intset-blob.ts';
import { BadFormat, decodeListpack, lpBytes, type LpEntry } from './listpack.ts';
import { lzfDecompress } from './lzf.ts';
import { decodeZiplist } from './ziplist.ts';
import { RedisHash } from './keyspace.ts';
import { parseDouble } from './numbers.ts';
import { estimateDistance } from './streams.ts';
import {
  compareIds,
  MAX_ID,
  formatId,
  storedStream,
  StreamValue,
  type ConsumerGroup,
  type StreamId,
  type StreamItem,
  type StreamNode,
} from './stream-value.ts';
import type { Value, ZMember } from './types.ts';

/**
 * Object types that only Redis before 7.0 writes and the sandbox does not read: zipmap hashes
 * (Redis 2.4). Refused with a clear message rather than half-read. The other pre-7.0 types
 * (linked lists, string-scored sorted sets, ziplists, RDB 9 streams) are read as 7.0.15 reads them.
 */
const PRE_7_TYPES: Record<number, string> = {
  9: 'zipmap hash',
};

/** Thrown for a well-formed payload of an older encoding that the sandbox does not read. */
export class UnsupportedEncoding extends Error {}

/**
 * Most bytes that strings in one payload may decompress to: LZF can expand 88-fold, so a small
 * hostile payload could otherwise claim gigabytes.
 */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

const U64_MAX = 2n ** 64n - 1n;
/** A length whose top bit marks a special string encoding (rdbLoadLen's isencoded). */
const ENCODED = Symbol('encoded');

/** A cursor over the payload with RDB's primitives; every read is bounds-checked. */
class RdbReader {
  private at = 0;
  private decoded = 0;

  private readonly buf: Uint8Array;

  constructor(payload: Uint8Array) {
    // A plain copy: a Node Buffer's slice() is a view into a shared pool, and DataViews over
    // `.buffer` would read the pool instead of the payload.
    this.buf = new Uint8Array(payload);
  }

  private need(n: number): void {
    if (n < 0 || this.at + n > this.buf.length) throw new BadFormat('payload truncated');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.at++];
  }

  take(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** rdbLoadLen; a special string encoding comes back as `[ENCODED, type]`. */
  lenOrEncoding(): bigint | [typeof ENCODED, number] {
    const first = this.u8();
    const kind = first >> 6;
    if (kind === 0) return BigInt(first & 0x3f);
    if (kind === 1) return BigInt(((first & 0x3f) << 8) | this.u8());
    if (kind === 3) return [ENCODED, first & 0x3f];
    if (first === 0x80) {
      const b = this.take(4);
      return BigInt(new DataView(b.buffer).getUint32(0));
    }
    if (first === 0x81) {
      const b = this.take(8);
      return new DataView(b.buffer).getBigUint64(0);
    }
    throw new BadFormat('unknown length encoding');
  }

  len(): bigint {
    const n = this.lenOrEncoding();
    if (typeof n !== 'bigint') throw new BadFormat('unexpected string encoding');
    return n;
  }

  /** A count of items still to read; each takes at least one byte, so it is bounded by the rest. */
  count(): number {
    const n = this.len();
    if (n > BigInt(this.buf.length - this.at)) throw new BadFormat('count exceeds payload');
    return Number(n);
  }

  /** rdbGenericLoadStringObject: raw, int8/16/32 or LZF. */
  string(): Uint8Array {
    const n = this.lenOrEncoding();
    if (typeof n === 'bigint') {
      if (n > BigInt(this.buf.length - this.at)) throw new BadFormat('string exceeds payload');
      return this.take(Number(n));
    }
    const type = n[1];
    if (type <= 2) {
      const width = 1 << type;
      const b = this.take(width);
      const view = new DataView(b.buffer);
      const v =
        width === 1
          ? view.getInt8(0)
          : width === 2
            ? view.getInt16(0, true)
            : view.getInt32(0, true);
      return new TextEncoder().encode(String(v));
    }
    if (type !== 3) throw new BadFormat('unknown string encoding');
    const clen = this.len();
    const len = this.len();
    if (clen > BigInt(this.buf.length - this.at)) throw new BadFormat('lzf exceeds payload');
    // One LZF back reference (3 bytes) expands to at most 264 bytes.
    if (len === 0n || len > clen * 88n) throw new BadFormat('lzf length');
    if (this.decoded + Number(len) > MAX_DECODED_BYTES) throw new TooLarge();
    this.decoded += Number(len);
    const out = lzfDecompress(this.take(Number(clen)), Number(len));
    if (!out) throw new BadFormat('invalid lzf');
    return out;
  }

  double(): number {
    return new DataView(this.take(8).buffer).getFloat64(0, true);
  }

  millis(): number {
    return Number(new DataView(this.take(8).buffer).getBigInt64(0, true));
  }

  id(): StreamId {
    const view = new DataView(this.take(16).buffer);
    return { ms: view.getBigUint64(0), seq: view.getBigUint64(8) };
  }
}

/** Thrown when a payload would decompress past MAX_DECODED_BYTES. */
export class TooLarge extends Error {}

function text(bytes: Uint8Array | LpEntry): string {
  return toText(bytes instanceof Uint8Array ? bytes : lpBytes(bytes));
}

function noDuplicate(seen: Set<string>, value: string): void {
  if (seen.has(value)) throw new BadFormat('duplicate');
  seen.add(value);
}

function readSet(r: RdbReader): Set<string> {
  const n = r.count();
  const set = new Set<string>();
  for (let i = 0; i < n; i++) noDuplicate(set, text(r.string()));
  return set;
}

function readHash(r: RdbReader): RedisHash {
  const n = r.count();
  const hash = new RedisHash();
  for (let i = 0; i < n; i++) {
    const field = text(r.string());
    if (hash.has(field)) throw new BadFormat('duplicate field');
    hash.set(field, text(r.string()));
  }
  return hash;
}

function pairs(entries: LpEntry[]): [LpEntry, LpEntry][] {
  if (entries.length % 2 !== 0) throw new BadFormat('odd listpack');
  const out: [LpEntry, LpEntry][] = [];
  for (let i = 0; i < entries.length; i += 2) out.push([entries[i], entries[i + 1]]);
  return out;
}

function hashFromEntries(entries: LpEntry[]): RedisHash {
  const hash = new RedisHash();
  for (const [f, v] of pairs(entries)) {
    const field = text(f);
    if (hash.has(field)) throw new BadFormat('duplicate field');
    hash.set(field, text(v));
  }
  return hash;
}

function score(entry: LpEntry): number {
  if (typeof entry === 'bigint') return Number(entry);
  const d = entry.length <= 128 ? parseDouble(toText(entry)) : null;
  if (d === null || Number.isNaN(d)) throw new BadFormat('bad score');
  return d;
}

/**
 * A listpack sorted set, which must already be in Redis's order (score, then member bytes):
 * Redis would keep an unordered one as it is and answer ZRANGE and ZRANK from it wrongly, which
 * the sandbox cannot imitate, so it refuses it as corrupt.
 */
function zsetFromEntries(entries: LpEntry[]): Map<string, ZMember> {
  const zset = new Map<string, ZMember>();
  let previous: { score: number; member: Uint8Array } | null = null;
  for (const [m, s] of pairs(entries)) {
    const member = lpBytes(m);
    const value = text(member);
    const sc = score(s);
    if (zset.has(value)) throw new BadFormat('duplicate member');
    if (
      previous &&
      (sc < previous.score || (sc === previous.score && compareRaw(member, previous.member) <= 0))
    )
      throw new BadFormat('listpack sorted set out of order');
    previous = { score: sc, member };
    zset.set(value, { value, score: sc });
  }
  return zset;
}

function compareRaw(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** rdbLoadDoubleValue (RDB_TYPE_ZSET): a length byte, 253/254/255 for nan/inf/-inf, or text. */
function textDouble(r: RdbReader): number {
  const n = r.u8();
  if (n === 253) return NaN;
  if (n === 254) return Infinity;
  if (n === 255) return -Infinity;
  const d = parseDouble(toText(r.take(n)));
  if (d === null) throw new BadFormat('bad double');
  return d;
}

function readZset(r: RdbReader, binaryScores: boolean): Map<string, ZMember> {
  const n = r.count();
  const zset = new Map<string, ZMember>();
  for (let i = 0; i < n; i++) {
    const value = text(r.string());
    const s = binaryScores ? r.double() : textDouble(r);
    if (Number.isNaN(s) || zset.has(value)) throw new BadFormat('bad zset entry');
    zset.set(value, { value, score: s });
  }
  return zset;
}

/** RDB_TYPE_LIST: a count, then each element as a string. */
function readLinkedList(r: RdbReader): string[] {
  const n = r.count();
  const list: string[] = [];
  for (let i = 0; i < n; i++) list.push(text(r.string()));
  return list;
}

/** RDB_TYPE_LIST_QUICKLIST (RDB 9): ziplist nodes without a container field. */
function readZiplistQuicklist(r: RdbReader): string[] {
  const nodes = r.count();
  const list: string[] = [];
  for (let i = 0; i < nodes; i++) for (const e of decodeZiplist(r.string())) list.push(text(e));
  return list;
}

function readList(r: RdbReader): string[] {
  const nodes = r.count();
  const list: string[] = [];
  for (let i = 0; i < nodes; i++) {
    const container = r.len();
    const blob = r.string();
    if (blob.length === 0) throw new BadFormat('empty node');
    if (container === 1n) list.push(text(blob));
    else if (container === 2n) for (const e of decodeListpack(blob)) list.push(text(e));
    else throw new BadFormat('quicklist container');
  }
  return list;
}

function int(entry: LpEntry | undefined): bigint {
  if (typeof entry !== 'bigint') throw new BadFormat('stream integer expected');
  return entry;
}

/** One stream node's listpack, checked the way streamValidateListpackIntegrity (deep) checks it. */
function streamNode(master: StreamId, blob: Uint8Array): StreamNode {
  const e = decodeListpack(blob);
  if (e.length === 0) throw new BadFormat('empty stream node');
  let p = 0;
  const next = () => {
    if (p >= e.length) throw new BadFormat('stream node truncated');
    return e[p++];
  };
  const live = int(next());
  const deleted = int(next());
  const fieldCount = int(next());
  if (fieldCount < 0n || fieldCount > BigInt(e.length)) throw new BadFormat('master fields');
  const masterFields = Array.from({ length: Number(fieldCount) }, () => fromBytes(lpBytes(next())));
  if (int(next()) !== 0n) throw new BadFormat('master terminator');
  const items: StreamItem[] = [];
  while (p < e.length) {
    const flags = int(next());
    if (flags < 0n || flags > 3n) throw new BadFormat('stream flags');
    const id = {
      ms: BigInt.asUintN(64, master.ms + int(next())),
      seq: BigInt.asUintN(64, master.seq + int(next())),
    };
    const fields: ReturnType<typeof fromBytes>[] = [];
    const same = (flags & 2n) !== 0n;
    let count: number;
    if (same) {
      count = masterFields.length;
      for (const f of masterFields) fields.push(f, fromBytes(lpBytes(next())));
    } else {
      const n = int(next());
      if (n < 0n || n > BigInt(e.length)) throw new BadFormat('entry fields');
      count = Number(n);
      for (let i = 0; i < count * 2; i++) fields.push(fromBytes(lpBytes(next())));
    }
    if (int(next()) !== BigInt(same ? count + 3 : count * 2 + 4)) throw new BadFormat('lp-count');
    const last = items[items.length - 1];
    if (last && compareIds(id, last.id) <= 0) throw new BadFormat('stream order');
    items.push({ id, fields, deleted: (flags & 1n) !== 0n });
  }
  const liveItems = items.filter((i) => !i.deleted).length;
  if (BigInt(liveItems) !== live || BigInt(items.length - liveItems) !== deleted)
    throw new BadFormat('stream node counts');
  if (items.length > 0 && compareIds(items[0].id, master) < 0) throw new BadFormat('master id');
  return { master, masterFields, items, live: liveItems, bytes: blob.length };
}

/** RDB_TYPE_STREAM_LISTPACKS (RDB 9) has no first id, tombstone id, counter or entries-read. */
function readStream(r: RdbReader, v2: boolean): StreamValue {
  const s = new StreamValue();
  const nodes = r.count();
  for (let i = 0; i < nodes; i++) {
    const key = r.string();
    if (key.length !== 16) throw new BadFormat('stream node key');
    const view = new DataView(key.buffer, key.byteOffset, 16);
    const master = { ms: view.getBigUint64(0), seq: view.getBigUint64(8) };
    const node = streamNode(master, r.string());
    const prev = s.nodes[s.nodes.length - 1];
    if (prev && compareIds(master, prev.master) <= 0) throw new BadFormat('stream node order');
    if (node.live === 0 && node.items.length === 0) throw new BadFormat('empty stream node');
    s.nodes.push(node);
  }
  const length = r.len();
  const live = s.nodes.reduce((n, node) => n + node.live, 0);
  if (length !== BigInt(live)) throw new BadFormat('stream length');
  s.length = live;
  s.lastId = { ms: r.len(), seq: r.len() };
  if (v2) {
    s.firstId = { ms: r.len(), seq: r.len() };
    s.maxDeletedId = { ms: r.len(), seq: r.len() };
    s.entriesAdded = r.len();
  } else {
    // As rdbLoadObject migrates one: the counter starts at the length, and the first id is the
    // first live entry's (streamGetEdgeID), which for an empty stream is the largest id.
    s.entriesAdded = BigInt(live);
    s.refreshFirstId();
    if (live === 0) s.firstId = MAX_ID;
  }
  const lastNode = s.nodes[s.nodes.length - 1];
  const lastItem = lastNode?.items[lastNode.items.length - 1];
  if (lastItem && compareIds(lastItem.id, s.lastId) > 0) throw new BadFormat('last id');
  const groups = r.count();
  for (let i = 0; i < groups; i++) {
    const name = text(r.string());
    if (s.groups.has(name)) throw new BadFormat('duplicate group');
    const lastId = { ms: r.len(), seq: r.len() };
    const read = v2 ? r.len() : (estimateDistance(s, lastId) ?? U64_MAX);
    const group: ConsumerGroup = {
      name,
      lastId,
      entriesRead: read === U64_MAX ? null : read,
      pel: new Map(),
      consumers: new Map(),
    };
    const pel = r.count();
    for (let j = 0; j < pel; j++) {
      const id = r.id();
      const deliveryTime = r.millis();
      const deliveryCount = Number(r.len());
      const key = formatId(id);
      if (group.pel.has(key)) throw new BadFormat('duplicate PEL entry');
      group.pel.set(key, { id, consumer: '', deliveryTime, deliveryCount });
    }
    const consumers = r.count();
    for (let j = 0; j < consumers; j++) {
      const cname = text(r.string());
      if (group.consumers.has(cname)) throw new BadFormat('duplicate consumer');
      const seenTime = r.millis();
      const owned = r.count();
      const pending = new Set<string>();
      for (let k = 0; k < owned; k++) {
        const key = formatId(r.id());
        const entry = group.pel.get(key);
        if (!entry || entry.consumer !== '') throw new BadFormat('consumer PEL entry');
        entry.consumer = cname;
        pending.add(key);
      }
      group.consumers.set(cname, { name: cname, seenTime, pending });
    }
    for (const entry of group.pel.values())
      if (entry.consumer === '') throw new BadFormat('PEL entry without consumer');
    s.groups.set(name, group);
  }
  return s;
}

function nonEmpty<T extends { size: number } | { length: number }>(value: T): T {
  const n = 'size' in value ? value.size : value.length;
  if (n === 0) throw new BadFormat('empty key');
  return value;
}

/**
 * The value a DUMP payload holds (its footer already verified by the caller). Throws BadFormat,
 * UnsupportedEncoding or TooLarge. Bytes between the object and the footer are ignored, as Redis
 * ignores them.
 */
export function parsePayload(payload: Uint8Array): Value {
  const r = new RdbReader(payload);
  const type = r.u8();
  if (type in PRE_7_TYPES) throw new UnsupportedEncoding(PRE_7_TYPES[type]);
  switch (type) {
    case 0:
      return fromBytes(r.string());
    case 1:
      return nonEmpty(readLinkedList(r));
    case 2:
      return nonEmpty(readSet(r));
    case 3:
      return nonEmpty(readZset(r, false));
    case 4:
      return nonEmpty(readHash(r));
    case 5:
      return nonEmpty(readZset(r, true));
    case 10:
      return nonEmpty(decodeZiplist(r.string()).map(text));
    case 11:
      return nonEmpty(new Set(decodeIntset(r.string()).map(String)));
    case 12:
      return nonEmpty(zsetFromEntries(decodeZiplist(r.string())));
    case 13:
      return nonEmpty(hashFromEntries(decodeZiplist(r.string())));
    case 14:
      return nonEmpty(readZiplistQuicklist(r));
    case 16:
      return nonEmpty(hashFromEntries(decodeListpack(r.string())));
    case 17:
      return nonEmpty(zsetFromEntries(decodeListpack(r.string())));
    case 18:
      return nonEmpty(readList(r));
    case 15:
    case 19:
      return storedStream(readStream(r, type === 19)) as unknown as Value;
    default:
      throw new BadFormat('unknown object type');
  }
}
