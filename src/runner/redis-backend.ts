/**
 * Where checks get their Redis stores. The host injects the backend because the browser and
 * Node load different builds of ioredis-mock (the browser one needs a shim), and because a real
 * server (`verify --redis`) is a different backend altogether.
 */
import { FaithfulClient, type MockLike } from '../redis/faithful-client.ts';
import { createEngine } from '../redis/fidelity/engine.ts';
import { streamEntries, streamOf } from '../redis/fidelity/streams.ts';
import { clockTimers } from '../redis/fidelity/timers.ts';
import type { Arg, Store as FidelityStore } from '../redis/fidelity/types.ts';
import { ReplyError } from '../redis/reply-error.ts';
import { takeKeyspaceSnapshot, type KeyspaceSnapshot, type RawStore } from './keyspace-snapshot.ts';
import type { KeyspaceEntry } from './report.ts';
import type { RawRedis } from './sandbox-redis.ts';

/** One check's store: two clients on data that no other check or run can see. */
export interface Store {
  /** The client behind `ctx.redis`: answers like Redis 7. Never handed to learner code. */
  host: RawRedis;
  /** The client the learner's facades send commands through. */
  learner: RawRedis;
  /** Opens another learner connection on the same store (each client facade gets its own). */
  connect?(): RawRedis;
  /** The keys as the check left them, sorted by name. */
  snapshot(): Promise<KeyspaceEntry[]>;
  /** Empties the store and gives it back. */
  close(): Promise<void>;
  /**
   * Empties the store and never reuses it: for a check that timed out, whose own code may still
   * be running and must not reach a later check's store.
   */
  discard?(): Promise<void>;
  /** Raw keys and values for the in-page console (absent where a backend can't copy them). */
  rawSnapshot?(): KeyspaceSnapshot;
  /** Sets who hears about the commands Lua scripts run (where the backend can tell). */
  observe?(observer: ScriptObserver | undefined): void;
  /** Runs what is due on the store's clock (blocking timeouts) after `clock.advance`. */
  afterAdvance?(): void;
}

/** Told about one command a Lua script ran, with its reply. */
export type ScriptObserver = (argv: Arg[], reply: unknown, isError: boolean) => void;

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
 * new mock client costs milliseconds (it binds hundreds of commands), so the mocks are pooled:
 * a closed store is flushed, its mocks reset, and they are reused. A store whose check timed out
 * is discarded instead (its check's code may still run), and facades of a closed check refuse
 * commands, so a reused store leaks nothing between checks.
 *
 * The server in front of the data is made afresh for every store: a fidelity engine (its script
 * cache, WATCH versions, subscriptions, blocked clients and blocking timeouts) and its two
 * connections, the learner's and `ctx.redis`. Nothing of one check's server can answer in the
 * next. Its clock is the realm clock (Date.now, which `clock.advance` moves), the same one the
 * mock's lazy expiry and Lua's TIME read; blocking timeouts run on that clock, and die with the
 * store. Commands a Lua script runs are reported to the store's observer (the check's log).
 */
export function mockBackend(RedisMock: RedisMockConstructor): RedisBackend {
  const free: { host: RawRedis; learnerMock: RawRedis }[] = [];
  let created = 0;
  const createPair = () => {
    const name = `cachelab-store-${++created}`;
    return {
      host: unwatched(new RedisMock({ host: name }) as RawRedis),
      learnerMock: unwatched(new RedisMock({ host: name }) as RawRedis),
    };
  };
  return {
    ttlAging: 'time-source',
    async openStore() {
      const pooled = free.pop() ?? createPair();
      const { host, learnerMock } = pooled;
      let observer: ScriptObserver | undefined;
      // The realm clock: Date.now follows clock.advance (harden.ts).
      const now = () => Date.now();
      const timers = clockTimers(now);
      const engine = createEngine({
        now,
        timers,
        storeFor: (db) => storeOf(learnerMock, RedisMock, db),
        observe: (argv, reply, origin) => {
          if (origin === 'script') observer?.(argv, reply, reply instanceof ReplyError);
        },
      });
      const learner = new FaithfulClient(engine, learnerMock as MockLike) as unknown as RawRedis;
      const checks = new FaithfulClient(engine, host as MockLike) as unknown as RawRedis;
      const empty = async () => {
        observer = undefined;
        timers.cancelAll();
        engine.reset();
        // Empties every database the learner SELECTed (the mock's own flushall only empties
        // database 0); database 0's data is the one `host` shares, so it is empty too.
        engine.flushAll();
      };
      return {
        // The checks' own client answers like Redis 7 too (HGETALL on a string is WRONGTYPE,
        // not a map of its characters), so checks and learner code see one server.
        host: checks,
        learner,
        connect: () => new FaithfulClient(engine, learnerMock as MockLike) as unknown as RawRedis,
        observe(next) {
          observer = next;
        },
        afterAdvance: () => timers.runDue(),
        snapshot: async () => mockSnapshot(host),
        // Date.now follows the realm clock, so TTLs are as the check's fake time left them.
        rawSnapshot: () => takeKeyspaceSnapshot(host as unknown as RawStore, Date.now()),
        async discard() {
          await empty();
        },
        async close() {
          await empty();
          await resetMockClient(host);
          await resetMockClient(learnerMock);
          free.push(pooled);
        },
      };
    },
  };
}

/** Database `db` of a mock's store: the mock itself for 0, a sibling mock on the same host otherwise. */
function storeOf(mock: RawRedis, RedisMock: RedisMockConstructor, db: number): FidelityStore {
  if (db === 0) return mock as unknown as FidelityStore;
  const { host, port } = (mock.options ?? {}) as { host: string; port?: number };
  // `data` is left out of the options: it would re-seed the sibling.
  const Ctor = RedisMock as unknown as new (options: object) => RawRedis;
  return unwatched(new Ctor({ host, port, db, lazyConnect: true })) as unknown as FidelityStore;
}

/**
 * Stops a mock from hearing about every write to its store. ioredis-mock does so for its own
 * WATCH, which the sandbox never uses (the fidelity engine keeps WATCH itself); its listener
 * cost about 3 % of a many-key run, and a sibling mock made per check kept its listener for good.
 */
function unwatched(mock: RawRedis): RawRedis {
  const events = (mock.context as { modifiedKeyEvents?: { off?: unknown } } | undefined)
    ?.modifiedKeyEvents;
  const listener = mock._signalModifiedKey;
  if (events && typeof events.off === 'function' && typeof listener === 'function')
    Reflect.apply(events.off, events, ['modified', listener]);
  return mock;
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
        ttlMs: expires.has(key) ? clampTtl(expires.get(key) - now) : null,
      };
    });
}

/**
 * A remaining TTL the report can carry: a whole, safe, non-negative number of ms. A deadline
 * Redis allows (PXAT 9223372036854775807) or a broken one (NaN from a script) must not make the
 * report unserialisable; an unreadable one shows as "no TTL".
 */
export function clampTtl(ms: number): number | null {
  if (typeof ms !== 'number' || Number.isNaN(ms)) return null;
  return Math.max(0, Math.min(Math.round(ms), Number.MAX_SAFE_INTEGER));
}

function mockType(value: unknown): string {
  if (streamOf(value)) return 'stream';
  if (value instanceof Set) return 'set';
  if (value instanceof Map) return 'zset';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string' || value instanceof Uint8Array) return 'string';
  return 'hash';
}

const decoder = new TextDecoder();

function text(value: unknown): string {
  return value instanceof Uint8Array ? decoder.decode(value) : String(value);
}

function previewOf(value: unknown): string {
  if (streamOf(value))
    return `[${streamEntries(value)
      .map(([id, fields]) => `${id}: {${fields.map((f) => JSON.stringify(text(f))).join(', ')}}`)
      .join(', ')}]`;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    // Only the start is shown, so only the start is quoted: every character quotes to at least
    // one, so PREVIEW_LIMIT characters quote to more than clip() keeps, and the same ones.
    const whole = text(value);
    return JSON.stringify(whole.length > PREVIEW_LIMIT ? whole.slice(0, PREVIEW_LIMIT) : whole);
  }
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
