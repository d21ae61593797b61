/**
 * A Redis stream as the engine stores it: entries in listpack-like nodes (so `~` trimming and
 * XINFO's radix-tree figures follow Redis's node layout), consumer groups with their PELs, and
 * the counters Redis 7.0 keeps (last id, max deleted id, entries added).
 *
 * ioredis-mock copies every stored object with `{ ...value }`, which would turn a class instance
 * into a plain object. A stream is therefore stored as a plain wrapper whose one symbol-keyed
 * property holds the StreamValue: the shallow copy keeps the reference, so the stream itself is
 * mutated in place and never cloned behind the engine's back.
 */
import { compareBytes, type RedisString } from '../bytes.ts';

/** A stream id: milliseconds and sequence, both unsigned 64-bit. */
export interface StreamId {
  /** Milliseconds part. */
  ms: bigint;
  /** Sequence part. */
  seq: bigint;
}

/** The largest 64-bit unsigned value. */
export const U64_MAX = 2n ** 64n - 1n;
/** 0-0. */
export const ZERO_ID: StreamId = { ms: 0n, seq: 0n };
/** The largest possible id. */
export const MAX_ID: StreamId = { ms: U64_MAX, seq: U64_MAX };

/** Orders two ids. */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

/** `<ms>-<seq>`. */
export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** The next id (streamIncrID); null when `id` is the largest. */
export function nextId(id: StreamId): StreamId | null {
  if (id.seq < U64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms < U64_MAX) return { ms: id.ms + 1n, seq: 0n };
  return null;
}

/** The previous id (streamDecrID); null for 0-0. */
export function prevId(id: StreamId): StreamId | null {
  if (id.seq > 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms > 0n) return { ms: id.ms - 1n, seq: U64_MAX };
  return null;
}

/** One entry in a node; deleted entries stay as tombstones until their node empties. */
export interface StreamItem {
  /** Its id. */
  id: StreamId;
  /** Field, value, field, value, ... */
  fields: RedisString[];
  /** XDEL/XTRIM flag. */
  deleted: boolean;
}

/** A listpack node of the stream's radix tree. */
export interface StreamNode {
  /** The master entry's id (the first entry ever put in the node). */
  master: StreamId;
  /** The master entry's field names. */
  masterFields: RedisString[];
  /** Entries, live and deleted, in id order. */
  items: StreamItem[];
  /** Live entries. */
  live: number;
  /** Estimated listpack size in bytes. */
  bytes: number;
}

/** A pending (delivered, not acknowledged) entry of a group. */
export interface PendingEntry {
  /** The entry id. */
  id: StreamId;
  /** The consumer that owns it. */
  consumer: string;
  /** Last delivery time, epoch ms. */
  deliveryTime: number;
  /** Times delivered. */
  deliveryCount: number;
}

/** A consumer of a group. */
export interface Consumer {
  /** Its name. */
  name: string;
  /** Last time it was seen (read or claimed), epoch ms. */
  seenTime: number;
  /** Ids it owns in the group's PEL, by formatted id. */
  pending: Set<string>;
}

/** A consumer group. */
export interface ConsumerGroup {
  /** Its name. */
  name: string;
  /** Last delivered id. */
  lastId: StreamId;
  /** Logical read counter, or null when unknown (SCG_INVALID_ENTRIES_READ). */
  entriesRead: bigint | null;
  /** The PEL, by formatted id. */
  pel: Map<string, PendingEntry>;
  /** Consumers by name. */
  consumers: Map<string, Consumer>;
}

/** Redis 7.0's stream-node-max-entries and stream-node-max-bytes. */
export const STREAM_NODE = { entries: 100, bytes: 4096 } as const;

/** Bytes of one listpack element holding an integer or a string (lpEncodeBacklen included). */
function lpElementSize(value: RedisString | bigint): number {
  let body: number;
  const asInt =
    typeof value === 'bigint'
      ? value
      : typeof value === 'string' && /^(0|-?[1-9][0-9]{0,18})$/.test(value)
        ? BigInt(value)
        : null;
  if (asInt !== null && asInt >= -(2n ** 63n) && asInt < 2n ** 63n) {
    const n = asInt;
    if (n >= 0n && n <= 127n) body = 1;
    else if (n >= -4096n && n <= 4095n) body = 2;
    else if (n >= -32768n && n <= 32767n) body = 3;
    else if (n >= -8388608n && n <= 8388607n) body = 4;
    else if (n >= -2147483648n && n <= 2147483647n) body = 5;
    else body = 9;
  } else {
    const len =
      typeof value === 'string'
        ? new TextEncoder().encode(value).length
        : (value as Uint8Array).length;
    body = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  }
  return body + (body < 128 ? 1 : body < 16384 ? 2 : 3);
}

function sameFields(node: StreamNode, fields: RedisString[]): boolean {
  if (node.masterFields.length * 2 !== fields.length) return false;
  for (let i = 0; i < node.masterFields.length; i++) {
    const a = node.masterFields[i];
    const b = fields[i * 2];
    if (typeof a === 'string' && typeof b === 'string' ? a !== b : compareRaw(a, b) !== 0)
      return false;
  }
  return true;
}

function compareRaw(a: RedisString, b: RedisString): number {
  const x = typeof a === 'string' ? new TextEncoder().encode(a) : a;
  const y = typeof b === 'string' ? new TextEncoder().encode(b) : b;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function rawLength(v: RedisString): number {
  return typeof v === 'string' ? new TextEncoder().encode(v).length : v.length;
}

/** A stream: nodes of entries, counters and consumer groups. */
export class StreamValue {
  /** Listpack nodes in id order. */
  nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  /** Last generated (or XSETID-set) id. */
  lastId: StreamId = ZERO_ID;
  /** First live entry's id, 0-0 when empty (recorded-first-entry-id). */
  firstId: StreamId = ZERO_ID;
  /** Largest id ever deleted by XDEL. */
  maxDeletedId: StreamId = ZERO_ID;
  /** Entries ever added. */
  entriesAdded = 0n;
  /** Groups by name. */
  groups = new Map<string, ConsumerGroup>();

  /** Appends an entry with an id greater than lastId (checked by the caller). */
  append(id: StreamId, fields: RedisString[]): void {
    const tail = this.nodes[this.nodes.length - 1];
    const totalLen = fields.reduce((n, f) => n + rawLength(f), 0);
    let node = tail;
    if (
      !node ||
      node.bytes + totalLen >= STREAM_NODE.bytes ||
      node.items.length >= STREAM_NODE.entries
    ) {
      // lpNew + the master entry: count, deleted, field count, fields, terminator.
      node = { master: id, masterFields: [], items: [], live: 0, bytes: 7 };
      for (let i = 0; i < fields.length; i += 2) node.masterFields.push(fields[i]);
      node.bytes +=
        lpElementSize(1n) * 2 +
        lpElementSize(BigInt(node.masterFields.length)) +
        node.masterFields.reduce((n, f) => n + lpElementSize(f), 0) +
        lpElementSize(0n);
      this.nodes.push(node);
    }
    const same = sameFields(node, fields);
    let size =
      lpElementSize(same ? 2n : 0n) +
      lpElementSize(id.ms - node.master.ms) +
      lpElementSize(id.seq - node.master.seq);
    if (same) for (let i = 1; i < fields.length; i += 2) size += lpElementSize(fields[i]);
    else
      size +=
        lpElementSize(BigInt(fields.length / 2)) + fields.reduce((n, f) => n + lpElementSize(f), 0);
    size += lpElementSize(BigInt(same ? fields.length / 2 + 3 : fields.length + 4));
    node.bytes += size;
    node.items.push({ id, fields: [...fields], deleted: false });
    node.live++;
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** Live entries in id order (or reverse), between two ids inclusive. */
  *range(start: StreamId, end: StreamId, reverse = false): Generator<StreamItem> {
    if (compareIds(start, end) > 0) return;
    const nodes = reverse ? [...this.nodes].reverse() : this.nodes;
    for (const node of nodes) {
      const items = reverse ? [...node.items].reverse() : node.items;
      for (const item of items) {
        if (item.deleted) continue;
        const lo = compareIds(item.id, start);
        const hi = compareIds(item.id, end);
        if (reverse ? hi > 0 : lo < 0) continue;
        if (reverse ? lo < 0 : hi > 0) return;
        yield item;
      }
    }
  }

  /** The live entry with this id, if any. */
  find(id: StreamId): StreamItem | undefined {
    for (const item of this.range(id, id)) return item;
    return undefined;
  }

  /** Deletes one live entry (XDEL); true if it existed. Empty nodes leave the tree. */
  delete(id: StreamId): boolean {
    for (let n = 0; n < this.nodes.length; n++) {
      const node = this.nodes[n];
      const item = node.items.find((i) => !i.deleted && compareIds(i.id, id) === 0);
      if (!item) continue;
      this.markDeleted(n, item);
      return true;
    }
    return false;
  }

  private markDeleted(nodeIndex: number, item: StreamItem): void {
    const node = this.nodes[nodeIndex];
    item.deleted = true;
    node.live--;
    this.length--;
    if (node.live === 0) this.nodes.splice(nodeIndex, 1);
  }

  /** Re-reads the first live id (streamGetEdgeID), 0-0 when empty. */
  refreshFirstId(): void {
    for (const item of this.range(ZERO_ID, MAX_ID)) {
      this.firstId = item.id;
      return;
    }
    this.firstId = ZERO_ID;
  }

  /**
   * streamTrim: whole nodes from the head while they can go; with `approx`, stop at the first
   * node that cannot go whole; otherwise mark entries inside it. `limit` 0 means no limit.
   */
  trim(strategy: { maxlen: number } | { minid: StreamId }, approx: boolean, limit: number): number {
    let deleted = 0;
    while (this.nodes.length > 0) {
      if ('maxlen' in strategy && this.length <= strategy.maxlen) break;
      const node = this.nodes[0];
      const entries = node.live;
      if (limit && deleted + entries > limit) break;
      const removeNode =
        'maxlen' in strategy
          ? this.length - entries >= strategy.maxlen
          : compareIds(node.items[node.items.length - 1].id, strategy.minid) < 0;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      for (const item of node.items) {
        const stop =
          'maxlen' in strategy
            ? this.length <= strategy.maxlen
            : compareIds(item.id, strategy.minid) >= 0;
        if (stop) break;
        if (!item.deleted) {
          item.deleted = true;
          node.live--;
          this.length--;
          deleted++;
        }
      }
      // Redis keeps a node whose entries were all marked here (it only frees on XDEL's path).
      break;
    }
    this.refreshFirstId();
    return deleted;
  }

  /** XINFO's radix-tree-nodes: the node count of a rax holding the nodes' 128-bit master ids. */
  raxNodes(): number {
    const keys = this.nodes.map((n) => idKeyBytes(n.master));
    return keys.length === 0 ? 1 : countRaxNodes(keys, 0);
  }

  /** A deep copy (COPY). */
  clone(): StreamValue {
    const copy = new StreamValue();
    copy.nodes = this.nodes.map((n) => ({
      ...n,
      masterFields: [...n.masterFields],
      items: n.items.map((i) => ({ ...i, fields: [...i.fields] })),
    }));
    copy.length = this.length;
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    for (const [name, g] of this.groups) {
      copy.groups.set(name, {
        ...g,
        pel: new Map([...g.pel].map(([k, p]) => [k, { ...p }])),
        consumers: new Map(
          [...g.consumers].map(([k, c]) => [k, { ...c, pending: new Set(c.pending) }]),
        ),
      });
    }
    return copy;
  }

  /** Groups in rax order (by name bytes). */
  sortedGroups(): ConsumerGroup[] {
    return [...this.groups.values()].sort((a, b) => compareBytes(a.name, b.name));
  }
}

function idKeyBytes(id: StreamId): number[] {
  const out: number[] = [];
  for (const part of [id.ms, id.seq])
    for (let shift = 56n; shift >= 0n; shift -= 8n) out.push(Number((part >> shift) & 0xffn));
  return out;
}

/**
 * Nodes of a compressed radix tree (rax) over equal-length keys, suffixes from `depth`: a chain
 * shared by every key is one compressed node, a fork is one node, each key ends in a leaf.
 */
function countRaxNodes(keys: number[][], depth: number): number {
  if (depth === keys[0].length) return 1;
  let common = 0;
  outer: while (depth + common < keys[0].length) {
    const c = keys[0][depth + common];
    for (const k of keys) if (k[depth + common] !== c) break outer;
    common++;
  }
  if (common > 0) return 1 + countRaxNodes(keys, depth + common);
  const groups = new Map<number, number[][]>();
  for (const k of keys) {
    const g = groups.get(k[depth]) ?? [];
    g.push(k);
    groups.set(k[depth], g);
  }
  let n = 1;
  for (const g of groups.values()) n += countRaxNodes(g, depth + 1);
  return n;
}

/** The symbol under which the store's wrapper object holds the stream. */
const STREAM = Symbol.for('cachelab.stream');

/** What the mock's data table holds for a stream. */
export interface StoredStream {
  /** The stream. */
  [STREAM]: StreamValue;
}

/** Wraps a stream for the mock's store. */
export function storedStream(stream: StreamValue): StoredStream {
  return { [STREAM]: stream };
}

/** The stream inside a stored value, or null if the value is not a stream. */
export function streamOf(value: unknown): StreamValue | null {
  if (typeof value !== 'object' || value === null) return null;
  const inner = (value as Partial<StoredStream>)[STREAM];
  return inner instanceof StreamValue ? inner : null;
}
