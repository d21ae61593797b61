/**
 * DUMP's payload, as redis-server 7.0.15 writes it (rdbSaveObjectType + rdbSaveObject, then the
 * RDB version and the CRC-64): every encoding the engine models, from its own value
 * representation (keyspace.ts, stream-value.ts).
 *
 * Where Redis's bytes depend on history the engine does not keep, the payload is what the same
 * value built by plain appends would give:
 * - a list longer than one quicklist node (8 KB) is split as RPUSHes from empty split it;
 * - an intset is written in the narrowest width its current members need (Redis never narrows
 *   an intset that once held a wider integer).
 * Hashtable encodings (big sets and hashes, skiplist sorted sets) are written in the engine's dict
 * order; the real server's order is seeded per process, so only their RESTOREd values compare.
 */
import { toBytes, type RedisString } from '../bytes.ts';
import { crc64 } from './crc64.ts';
import { encodeIntset } from './intset-blob.ts';
import { RedisHash, setEncodingAt, setOrder, typeOf, zsetEncodingAt } from './keyspace.ts';
import { encodeListpack, lpEntryOf, lpEntrySize, strictInt, type LpEntry } from './listpack.ts';
import { lzfCompress } from './lzf.ts';
import { formatDouble } from './numbers.ts';
import { sorted } from './sorted-sets.ts';
import { compareIds, streamOf, type StreamId, type StreamValue } from './stream-value.ts';
import type { Ctx, Value, ZMember } from './types.ts';

/** RDB object types Redis 7.0 writes (rdb.h). */
export const RDB_TYPE = {
  string: 0,
  set: 2,
  hash: 4,
  zset2: 5,
  setIntset: 11,
  hashListpack: 16,
  zsetListpack: 17,
  listQuicklist2: 18,
  streamListpacks2: 19,
} as const;

/** RDB_VERSION of Redis 7.0. */
export const RDB_VERSION = 10;

/** list-max-listpack-size -2: a quicklist node's listpack stays within 8 KB. */
const QUICKLIST_NODE_BYTES = 8192;
/** QUICKLIST_NODE_CONTAINER_PACKED. */
const CONTAINER_PACKED = 2;

/** Stream entry flags (t_stream.c). */
const STREAM_FLAG = { none: 0, deleted: 1, sameFields: 2 } as const;

/** An append-only byte buffer with Redis's RDB primitives. */
export class RdbWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  /** Appends raw bytes. */
  raw(bytes: Uint8Array | number[]): void {
    const chunk = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian lengths. */
  len(n: number | bigint): void {
    const v = BigInt(n);
    if (v < 64n) this.raw([Number(v)]);
    else if (v < 16384n) this.raw([0x40 | Number(v >> 8n), Number(v & 0xffn)]);
    else if (v <= 0xffffffffn) {
      const out = new Uint8Array(5);
      out[0] = 0x80;
      new DataView(out.buffer).setUint32(1, Number(v));
      this.raw(out);
    } else {
      const out = new Uint8Array(9);
      out[0] = 0x81;
      new DataView(out.buffer).setBigUint64(1, BigInt.asUintN(64, v));
      this.raw(out);
    }
  }

  /**
   * rdbSaveRawString: an int8/16/32 encoding for short integer-looking strings, LZF for strings
   * over 20 bytes when it saves at least 4 bytes, the bytes themselves otherwise.
   */
  string(value: RedisString): void {
    const bytes = toBytes(value);
    if (bytes.length <= 11) {
      const n = strictInt(bytes);
      if (n !== null && n >= -(2n ** 31n) && n < 2n ** 31n) {
        this.integer(Number(n));
        return;
      }
    }
    if (bytes.length > 20) {
      const packed = lzfCompress(bytes, bytes.length - 4);
      if (packed) {
        this.raw([0xc3]);
        this.len(packed.length);
        this.len(bytes.length);
        this.raw(packed);
        return;
      }
    }
    this.len(bytes.length);
    this.raw(bytes);
  }

  private integer(n: number): void {
    if (n >= -128 && n <= 127) this.raw([0xc0, n & 0xff]);
    else if (n >= -32768 && n <= 32767) this.raw([0xc1, n & 0xff, (n >> 8) & 0xff]);
    else this.raw([0xc2, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff]);
  }

  /** rdbSaveBinaryDoubleValue: 8 bytes, little-endian IEEE 754. */
  double(d: number): void {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setFloat64(0, d, true);
    this.raw(out);
  }

  /** rdbSaveMillisecondTime: a signed 64-bit little-endian integer. */
  millis(ms: number): void {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigInt64(0, BigInt(Math.trunc(ms)), true);
    this.raw(out);
  }

  /** Everything written so far, in one array. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** _quicklistNodeAllowInsert's SIZE_ESTIMATE_OVERHEAD: a deliberate overestimate per element. */
const SIZE_ESTIMATE_OVERHEAD = 8;

/**
 * A list's quicklist nodes, filled as RPUSH fills them: the tail node takes an element while
 * its size plus the element plus 8 stays within 8 KB, so an element over 8 KB sits alone in its
 * node (Redis 7.0 only makes plain nodes for elements of 1 GB and more).
 */
function quicklistNodes(list: readonly string[]): LpEntry[][] {
  const nodes: LpEntry[][] = [];
  let current: LpEntry[] | null = null;
  let currentBytes = 0;
  for (const item of list) {
    const bytes = toBytes(item);
    const entry = strictInt(bytes) ?? bytes;
    if (
      current === null ||
      currentBytes + bytes.length + SIZE_ESTIMATE_OVERHEAD > QUICKLIST_NODE_BYTES
    ) {
      current = [];
      nodes.push(current);
      currentBytes = 7;
    }
    current.push(entry);
    currentBytes += lpEntrySize(entry);
  }
  return nodes;
}

function writeList(w: RdbWriter, list: readonly string[]): void {
  const nodes = quicklistNodes(list);
  w.len(nodes.length);
  for (const node of nodes) {
    w.len(CONTAINER_PACKED);
    w.string(encodeListpack(node));
  }
}

/** A stream id as the 16 big-endian bytes of a rax key. */
function idKey(id: StreamId): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, id.ms);
  view.setBigUint64(8, id.seq);
  return out;
}

function parseId(text: string): StreamId {
  const dash = text.indexOf('-');
  return { ms: BigInt(text.slice(0, dash)), seq: BigInt(text.slice(dash + 1)) };
}

function sameBytes(a: RedisString, b: RedisString): boolean {
  const x = toBytes(a);
  const y = toBytes(b);
  return x.length === y.length && x.every((c, i) => c === y[i]);
}

/** One stream node as the listpack streamAppendItem builds (master entry, then every entry). */
function streamNodeListpack(node: StreamValue['nodes'][number]): Uint8Array {
  const live = node.items.filter((i) => !i.deleted).length;
  const entries: LpEntry[] = [
    BigInt(live),
    BigInt(node.items.length - live),
    BigInt(node.masterFields.length),
    ...node.masterFields.map((f) => lpEntryOf(f)),
    0n,
  ];
  for (const item of node.items) {
    const count = item.fields.length / 2;
    const same =
      count === node.masterFields.length &&
      node.masterFields.every((f, i) => sameBytes(f, item.fields[i * 2]));
    let flags = same ? STREAM_FLAG.sameFields : STREAM_FLAG.none;
    if (item.deleted) flags |= STREAM_FLAG.deleted;
    entries.push(
      BigInt(flags),
      BigInt.asIntN(64, item.id.ms - node.master.ms),
      BigInt.asIntN(64, item.id.seq - node.master.seq),
    );
    if (same)
      for (let i = 1; i < item.fields.length; i += 2) entries.push(lpEntryOf(item.fields[i]));
    else {
      entries.push(BigInt(count));
      for (const f of item.fields) entries.push(lpEntryOf(f));
    }
    entries.push(BigInt(same ? count + 3 : count * 2 + 4));
  }
  return encodeListpack(entries);
}

function sortIds(ids: Iterable<string>): StreamId[] {
  return [...ids].map(parseId).sort(compareIds);
}

function writeStream(w: RdbWriter, s: StreamValue): void {
  w.len(s.nodes.length);
  for (const node of s.nodes) {
    w.string(idKey(node.master));
    w.string(streamNodeListpack(node));
  }
  w.len(s.length);
  w.len(s.lastId.ms);
  w.len(s.lastId.seq);
  w.len(s.firstId.ms);
  w.len(s.firstId.seq);
  w.len(s.maxDeletedId.ms);
  w.len(s.maxDeletedId.seq);
  w.len(s.entriesAdded);
  const groups = s.sortedGroups();
  w.len(groups.length);
  for (const g of groups) {
    w.string(g.name);
    w.len(g.lastId.ms);
    w.len(g.lastId.seq);
    // SCG_INVALID_ENTRIES_READ (-1) goes through rdbSaveLen as 2^64 - 1.
    w.len(g.entriesRead ?? 2n ** 64n - 1n);
    const pel = sortIds(g.pel.keys());
    w.len(pel.length);
    for (const id of pel) {
      const p = g.pel.get(`${id.ms}-${id.seq}`)!;
      w.raw(idKey(id));
      w.millis(p.deliveryTime);
      w.len(p.deliveryCount);
    }
    const consumers = [...g.consumers.values()].sort((a, b) => compareName(a.name, b.name));
    w.len(consumers.length);
    for (const c of consumers) {
      w.string(c.name);
      w.millis(c.seenTime);
      const owned = sortIds(c.pending);
      w.len(owned.length);
      for (const id of owned) w.raw(idKey(id));
    }
  }
}

function compareName(a: string, b: string): number {
  const x = toBytes(a);
  const y = toBytes(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** (double)(LLONG_MAX/2): double2ll's range for printing a double as an integer. */
const DOUBLE2LL_LIMIT = 2 ** 62;

/**
 * d2string as 7.0.15 stores a listpack score: an integral double within ±2^62 as an integer
 * (so -0 is "0"), anything else as `%.17g`. Measured on the server: 1e17 is stored as an
 * integer, 4.7e18 as "4.7e+18", 0.1 as "0.10000000000000001".
 */
function scoreString(d: number): string {
  if (Number.isInteger(d) && d >= -DOUBLE2LL_LIMIT && d <= DOUBLE2LL_LIMIT)
    return BigInt(d).toString();
  return formatDouble(d);
}

/** The object type byte and payload of one value (rdbSaveObjectType + rdbSaveObject). */
function writeObject(w: RdbWriter, ctx: Ctx, key: string, value: Value): void {
  const stream = streamOf(value);
  if (stream) {
    w.raw([RDB_TYPE.streamListpacks2]);
    writeStream(w, stream);
    return;
  }
  switch (typeOf(value)) {
    case 'string':
      w.raw([RDB_TYPE.string]);
      w.string(value as RedisString);
      return;
    case 'list':
      w.raw([RDB_TYPE.listQuicklist2]);
      writeList(w, value as string[]);
      return;
    case 'set': {
      const set = value as Set<string>;
      if (setEncodingAt(ctx, key, set) === 'intset') {
        w.raw([RDB_TYPE.setIntset]);
        w.string(encodeIntset([...set].map((m) => BigInt(m))));
        return;
      }
      w.raw([RDB_TYPE.set]);
      w.len(set.size);
      for (const m of setOrder(set, 'hashtable')) w.string(m);
      return;
    }
    case 'hash': {
      const hash = value as RedisHash;
      if (hash.encoding() === 'listpack') {
        w.raw([RDB_TYPE.hashListpack]);
        w.string(encodeListpack([...hash].flatMap(([f, v]) => [lpEntryOf(f), lpEntryOf(v)])));
        return;
      }
      w.raw([RDB_TYPE.hash]);
      w.len(hash.size);
      for (const f of hash.fieldsInOrder()) {
        w.string(f);
        w.string(hash.get(f)!);
      }
      return;
    }
    case 'zset': {
      const zset = value as Map<string, ZMember>;
      const members = sorted(zset);
      if (zsetEncodingAt(ctx, key, zset) === 'listpack') {
        w.raw([RDB_TYPE.zsetListpack]);
        w.string(
          encodeListpack(
            members.flatMap((m) => [lpEntryOf(m.value), lpEntryOf(scoreString(m.score))]),
          ),
        );
        return;
      }
      // rdbSaveObject walks the skiplist from its tail: greatest first.
      w.raw([RDB_TYPE.zset2]);
      w.len(members.length);
      for (const m of members.reverse()) {
        w.string(m.value);
        w.double(m.score);
      }
      return;
    }
    case 'stream':
      throw new Error('unreachable: streams are handled above');
  }
}

/** createDumpPayload: object, RDB version (2 bytes LE), CRC-64 of everything before (8 bytes LE). */
export function dumpPayload(ctx: Ctx, key: string, value: Value): Uint8Array {
  const w = new RdbWriter();
  writeObject(w, ctx, key, value);
  w.raw([RDB_VERSION & 0xff, RDB_VERSION >> 8]);
  const body = w.bytes();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  out.set(crc64(body), body.length);
  return out;
}
