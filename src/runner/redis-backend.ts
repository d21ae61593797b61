/**
 * Where checks get their Redis stores. The host injects the backend because the browser and
 * Node load different builds of ioredis-mock (the browser one needs a shim), and because a real
 * server (`verify --redis`) is a different backend altogether.
 */
import { withFidelity } from '../redis/faithful-client.ts';
import { takeKeyspaceSnapshot, type KeyspaceSnapshot, type RawStore } from './keyspace-snapshot.ts';
import type { KeyspaceEntry } from './report.ts';
import type { RawRedis } from './sandbox-redis.ts';

/** One check's store: two clients on data that no other check or run can see. */
export interface Store {
  /** The client behind `ctx.redis` and the keyspace snapshot. Never handed to learner code. */
  host: RawRedis;
  /** The client the learner's facades send commands through. */
  learner: RawRedis;
  /** The keys as the check left them, sorted by name. */
  snapshot(): Promise<KeyspaceEntry[]>;
  /** Empties the store and gives it back. */
  close(): Promise<void>;
  /** Raw keys and values for the in-page console (absent where a backend can't copy them). */
  rawSnapshot?(): KeyspaceSnapshot;
}

/** A source of fresh stores. */
export interface RedisBackend {
  /**
   * How `clock.advance` ages keys. `time-source`: the store reads `Date.now()` (which the realm
   * clock moves), as ioredis-mock does. `pexpire`: a real server, where every TTL is re-set.
   */
  ttlAging: 'time-source' | 'pexpire';
  /** Opens a fresh, empty store. */
  openStore(): Promise<Store>;
}

/** The ioredis-mock constructor as the core uses it. */
export type RedisMockConstructor = new (options: {
  host: string;
  port?: number;
  lazyConnect?: boolean;
}) => object;

interface MockData {
  keys(): string[];
  get(key: string): unknown;
}

interface MockExpires {
  has(key: string): boolean;
  get(key: string): number;
}

/**
 * A backend over ioredis-mock. Its stores are module-global and keyed by host:port/db, and a
 * new client costs milliseconds (it binds hundreds of commands), so stores are pooled with
 * their two mock clients: a closed store is flushed, its clients reset, and the whole is reused.
 * Facades of a closed check refuse commands, so a reused store leaks nothing between checks.
 *
 * The learner's client answers like Redis 7: it is the fidelity layer (withFidelity) over the
 * learner's mock, made afresh for every store, because a fidelity connection carries state
 * (SELECTed database, MULTI, WATCH) that must not leak into the next check; a connection is a
 * small object, so this costs next to nothing. `host` (ctx.redis, snapshots, the inspector)
 * stays the raw mock.
 */
export function mockBackend(RedisMock: RedisMockConstructor): RedisBackend {
  const free: { host: RawRedis; learnerMock: RawRedis }[] = [];
  let created = 0;
  const createPair = () => {
    const name = `cachelab-store-${++created}`;
    return {
      host: new RedisMock({ host: name }) as RawRedis,
      learnerMock: new RedisMock({ host: name }) as RawRedis,
    };
  };
  return {
    ttlAging: 'time-source',
    async openStore() {
      const pooled = free.pop() ?? createPair();
      const { host, learnerMock } = pooled;
      const learner = withFidelity(learnerMock) as unknown as RawRedis;
      return {
        host,
        learner,
        snapshot: async () => mockSnapshot(host),
        // Date.now follows the realm clock, so TTLs are as the check's fake time left them.
        rawSnapshot: () => takeKeyspaceSnapshot(host as unknown as RawStore, Date.now()),
        async close() {
          // FLUSHALL through a fresh fidelity connection empties every database the learner
          // SELECTed (the mock's own flushall only empties database 0).
          await withFidelity(learnerMock).call('FLUSHALL');
          await (host.flushall as () => Promise<unknown>).call(host);
          await resetMockClient(host);
          await resetMockClient(learnerMock);
          free.push(pooled);
        },
      };
    },
  };
}

/** Puts a pooled ioredis-mock client back in its just-created state (data aside). */
async function resetMockClient(client: RawRedis): Promise<void> {
  if (client.subscriberMode) {
    await (client.unsubscribe as () => Promise<unknown>).call(client);
    await (client.punsubscribe as () => Promise<unknown>).call(client);
    client.subscriberMode = false;
  }
  client.shaScripts = {};
  client.batch = undefined;
  (client.watching as Set<string> | undefined)?.clear();
}

const PREVIEW_LIMIT = 80;

function mockSnapshot(client: RawRedis): KeyspaceEntry[] {
  const data = client.data as MockData;
  const expires = client.expires as MockExpires;
  const now = Date.now();
  return data
    .keys()
    .sort()
    .map((key) => {
      const value = data.get(key);
      return {
        key,
        type: mockType(value),
        preview: clip(previewOf(value)),
        ttlMs: expires.has(key) ? Math.max(0, expires.get(key) - now) : null,
      };
    });
}

function mockType(value: unknown): string {
  if (value instanceof Set) return 'set';
  if (value instanceof Map) return 'zset';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string' || value instanceof Uint8Array) return 'string';
  return 'hash';
}

function text(value: unknown): string {
  return value instanceof Uint8Array ? new TextDecoder().decode(value) : String(value);
}

function previewOf(value: unknown): string {
  if (typeof value === 'string' || value instanceof Uint8Array) return JSON.stringify(text(value));
  if (value instanceof Set) return `{${[...value].map((v) => JSON.stringify(text(v))).join(', ')}}`;
  if (value instanceof Map) {
    const members = [...value.values()] as { value: unknown; score: number }[];
    return `[${members
      .sort((a, b) => a.score - b.score)
      .map((m) => `${JSON.stringify(text(m.value))}: ${m.score}`)
      .join(', ')}]`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(text(v))).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(text(v))}`)
      .join(', ')}}`;
  }
  return String(value);
}

function clip(preview: string): string {
  return preview.length > PREVIEW_LIMIT ? `${preview.slice(0, PREVIEW_LIMIT - 1)}…` : preview;
}
