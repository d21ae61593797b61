/**
 * A copy of a store's raw data (not the previews the inspector shows), so the playground console
 * can start from exactly what the last run's final check left. Taken by the host from the mock's
 * internals after the check; learner code never sees this.
 */
import { z } from 'zod/mini';
import { rawHashEntries } from '../redis/fidelity/keyspace.ts';
import { streamEntries, streamOf } from '../redis/fidelity/streams.ts';

/** Redis types the snapshot can carry, each with its raw value. */
const valueSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('string'), value: z.string() }),
  z.object({ type: z.literal('hash'), value: z.array(z.tuple([z.string(), z.string()])) }),
  z.object({ type: z.literal('list'), value: z.array(z.string()) }),
  z.object({ type: z.literal('set'), value: z.array(z.string()) }),
  // Scores travel as strings so "inf" and "-inf" survive JSON and zod's finite-number check.
  z.object({ type: z.literal('zset'), value: z.array(z.tuple([z.string(), z.string()])) }),
  // Stream entries as [id, field, value, ...]; consumer groups are not carried.
  z.object({ type: z.literal('stream'), value: z.array(z.array(z.string())) }),
]);

/** Schema of one snapshot key: its name, type, raw value and remaining TTL. */
export const snapshotEntrySchema = z.intersection(
  z.object({ key: z.string(), ttlMs: z.nullable(z.int().check(z.positive())) }),
  valueSchema,
);

/** Schema of a whole snapshot as it crosses a worker boundary. */
export const keyspaceSnapshotSchema = z.object({
  entries: z.array(snapshotEntrySchema),
  omittedKeys: z.int().check(z.nonnegative()),
});

/** One key with its raw value: hash fields and zset members as [field, value] / [member, score]. */
export type SnapshotEntry = z.infer<typeof snapshotEntrySchema>;

/** The keys a store held, capped; `omittedKeys` counts the keys left out. */
export type KeyspaceSnapshot = z.infer<typeof keyspaceSnapshotSchema>;

/** Caps that keep a snapshot small enough to post cheaply after every run. */
export const SNAPSHOT_LIMITS = {
  keys: 1000,
  elements: 1000,
  stringChars: 64 * 1024,
  totalChars: 512 * 1024,
} as const;

/** The parts of an ioredis-mock instance the snapshot reads: its data map and expiry map. */
export interface RawStore {
  /** ioredis-mock's key/value map (strings, plain objects, arrays, Sets, Maps). */
  data: { keys(): Iterable<string>; get(key: string): unknown };
  /** Expiry times in epoch ms, keyed by key. */
  expires: { get(key: string): unknown };
}

/**
 * Copies a mock store's keys with their raw values and remaining TTLs, as of `nowMs` (the check's
 * clock, which may have been moved). Expired keys, which the mock only drops lazily, are skipped.
 */
export function takeKeyspaceSnapshot(store: RawStore, nowMs: number): KeyspaceSnapshot {
  const entries: SnapshotEntry[] = [];
  let omittedKeys = 0;
  let budget: number = SNAPSHOT_LIMITS.totalChars;
  const keys = [...store.data.keys()].sort();
  for (const key of keys) {
    const expiresAt = store.expires.get(key);
    // Clamped at the source: a legal PXAT far in the future or a NaN deadline set from a script
    // must not make the snapshot fail its schema (z.int()): NaN reads as "no TTL".
    const rawTtl = typeof expiresAt === 'number' ? Math.ceil(expiresAt - nowMs) : null;
    const ttlMs =
      rawTtl === null || Number.isNaN(rawTtl) ? null : Math.min(rawTtl, Number.MAX_SAFE_INTEGER);
    if (ttlMs !== null && ttlMs <= 0) continue;
    const value = rawValue(store.data.get(key));
    if (!value) continue;
    const size = key.length + sizeOf(value);
    if (entries.length >= SNAPSHOT_LIMITS.keys || size > budget) {
      omittedKeys++;
      continue;
    }
    budget -= size;
    entries.push({ key, ttlMs, ...value });
  }
  return { entries, omittedKeys };
}

function rawValue(raw: unknown): z.infer<typeof valueSchema> | null {
  const n = SNAPSHOT_LIMITS.elements;
  if (typeof raw === 'string')
    return { type: 'string', value: raw.slice(0, SNAPSHOT_LIMITS.stringChars) };
  if (raw instanceof Uint8Array)
    return {
      type: 'string',
      value: new TextDecoder().decode(raw).slice(0, SNAPSHOT_LIMITS.stringChars),
    };
  if (Array.isArray(raw)) return { type: 'list', value: raw.slice(0, n).map(String) };
  if (raw instanceof Set) return { type: 'set', value: [...raw].slice(0, n).map(String) };
  if (streamOf(raw)) {
    return {
      type: 'stream',
      value: streamEntries(raw)
        .slice(0, n)
        .map(([id, fields]) => [id, ...fields.map(text)]),
    };
  }
  if (raw instanceof Map) {
    const members = [...raw.values()].slice(0, n) as { score: number; value: unknown }[];
    return { type: 'zset', value: members.map((m) => [String(m.value), scoreText(m.score)]) };
  }
  if (raw !== null && typeof raw === 'object') {
    return {
      type: 'hash',
      // Field order as HSET gave it (the engine keeps it beside the object's own key order).
      value: rawHashEntries(raw as Record<string, string>)
        .slice(0, n)
        .map(([f, v]) => [f, String(v)]),
    };
  }
  return null;
}

function text(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : new TextDecoder().decode(value);
}

function sizeOf(value: z.infer<typeof valueSchema>): number {
  if (typeof value.value === 'string') return value.value.length;
  let n = 0;
  for (const item of value.value)
    n += typeof item === 'string' ? item.length : item.reduce((sum, part) => sum + part.length, 0);
  return n;
}

function scoreText(score: number): string {
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  return String(score);
}

/**
 * The commands that recreate a snapshot in an empty store, one argument list each. Going through
 * ordinary commands (not the mock's internals) keeps the playground independent of how the mock
 * stores data.
 */
export function snapshotCommands(snapshot: KeyspaceSnapshot): string[][] {
  const commands: string[][] = [];
  for (const entry of snapshot.entries) {
    switch (entry.type) {
      case 'string':
        commands.push(['SET', entry.key, entry.value]);
        break;
      case 'hash':
        if (entry.value.length > 0) commands.push(['HSET', entry.key, ...entry.value.flat()]);
        break;
      case 'list':
        if (entry.value.length > 0) commands.push(['RPUSH', entry.key, ...entry.value]);
        break;
      case 'set':
        if (entry.value.length > 0) commands.push(['SADD', entry.key, ...entry.value]);
        break;
      case 'zset':
        if (entry.value.length > 0)
          commands.push(['ZADD', entry.key, ...entry.value.flatMap(([m, s]) => [s, m])]);
        break;
      case 'stream':
        for (const [id, ...fields] of entry.value)
          commands.push(['XADD', entry.key, id, ...fields]);
        break;
    }
    if (entry.ttlMs !== null) commands.push(['PEXPIRE', entry.key, String(entry.ttlMs)]);
  }
  return commands;
}
