/** Shared types of the fidelity engine: arguments, typed replies, the store and the context. */
import type { RedisString } from '../bytes.ts';
import type { ReplyError } from '../reply-error.ts';

/** One command argument as it goes over the wire. */
export type Arg = RedisString;

/** A status reply (`+OK`); ioredis hands these to callers as plain strings. */
export class Status {
  constructor(
    /** The status text, e.g. `OK` or `QUEUED`. */
    readonly text: string,
  ) {}
}

/** A reply as Redis sends it (RESP2): bulk, status, integer, nil, error or array. */
export type Reply = null | RedisString | number | bigint | Status | ReplyError | Reply[];

/** The OK status, shared. */
export const OK = new Status('OK');

/** One sorted-set member as ioredis-mock stores it. */
export interface ZMember {
  /** The member's score. */
  score: number;
  /** The member itself. */
  value: string;
}

/**
 * A value in the store, in ioredis-mock's representation (hashes are handled as a Map of fields,
 * keyspace.ts's RedisHash, and stored as plain objects).
 */
export type Value =
  | RedisString
  | Record<string, string>
  | Map<string, string>
  | string[]
  | Set<string>
  | Map<string, ZMember>;

/** The part of an ioredis-mock instance's keyspace the engine uses (`mock.data`). */
export interface DataStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  has(key: string): boolean;
  delete(key: string): void;
  keys(): string[];
  /** Deletes every key at once (ioredis-mock has it; FLUSHALL deletes key by key without it). */
  clear?(): void;
}

/** An ioredis-mock expiry table (`mock.expires`), holding epoch-ms deadlines. */
export interface ExpiryStore {
  get(key: string): number | undefined;
  set(key: string, at: number): void;
  has(key: string): boolean;
  delete(key: string): void;
  /** Deletes every deadline at once, where the store can. */
  clear?(): void;
}

/** One logical database: the mock's data and expiry tables. */
export interface Store {
  /** Keys to values. */
  data: DataStore;
  /** Keys to epoch-ms deadlines. */
  expires: ExpiryStore;
}

/** Per-connection state: selected database and transaction. */
export interface Connection {
  /** The selected database's index. */
  db: number;
  /** Commands queued since MULTI, or null outside a transaction. */
  multi: { queue: Arg[][]; failed: boolean } | null;
  /** WATCHed keys with the version each had when watched. */
  watched: Map<string, { db: number; version: number; expiresAt: number | undefined }>;
  /** Server-unique id (CLIENT ID), also the FIFO order of blocked clients. */
  id: number;
  /** Pub/sub subscriptions: channels, patterns and shard channels, in subscription order. */
  subscriptions: { channels: Set<string>; patterns: Set<string>; shards: Set<string> };
  /** Receives messages pushed to this connection (pub/sub), or null when nobody listens. */
  push: ((message: Reply) => void) | null;
}

/** A scheduler on the engine's clock: `at(epochMs, fn)` runs fn once then (or later), returns a cancel. */
export interface Timers {
  /** Schedules `fn` for the engine-clock time `epochMs`; the result cancels it. */
  at(epochMs: number, fn: () => void): () => void;
}

/**
 * Thrown by a blocking command's handler when it has to wait. The engine parks the connection
 * until `serve` succeeds for a key that was written, or the deadline passes (`timeoutReply`).
 */
export class BlockRequest {
  constructor(
    /** Keys (of the connection's database) that can wake the client. */
    readonly keys: readonly string[],
    /** Epoch-ms deadline on the engine clock, or 0 to wait forever. */
    readonly deadline: number,
    /** Tries to serve the client now that `key` was written; undefined when it still must wait. */
    readonly serve: (ctx: Ctx, key: string) => Reply | undefined,
    /** The reply on timeout (RESP2 null bulk or null array, both nil to clients). */
    readonly timeoutReply: Reply = null,
  ) {}
}

/** What a command handler sees. */
export interface Ctx {
  /** The selected database. */
  store: Store;
  /** Current time in epoch ms; the same source ioredis-mock checks expiry against. */
  now(): number;
  /** The connection (SELECT changes `db`). */
  conn: Connection;
  /** Records a write, for WATCH. */
  touch(key: string): void;
  /** Whether SELECT may switch to this index. */
  hasDb(index: number): boolean;
  /** Empties every database (FLUSHALL). */
  flushAll(): void;
  /** The same connection's view of another database (MOVE, COPY ... DB). */
  dbCtx(index: number): Ctx;
  /** False inside MULTI/EXEC and scripts, where blocking commands answer at once (Redis's CLIENT_DENY_BLOCKING). */
  mayBlock: boolean;
  /** Server-wide state shared by every connection of the engine (pub/sub registry). */
  server: ServerState;
  /** What scripting commands need from the engine (src/redis/fidelity/scripting.ts). */
  scripts: ScriptHost;
}

/** The engine's side of scripting: the script cache and a way to run a script's commands. */
export interface ScriptHost {
  /** The server-wide script cache: lower-case SHA-1 to source bytes. */
  cache: Map<string, Uint8Array>;
  /** Runs one command from a script on `conn` and reports it to `observe` as `'script'`. */
  call(conn: Connection, argv: Arg[]): Reply;
}

/** Engine-wide pub/sub registry: subscribers in subscription order. */
export interface ServerState {
  /** Channel subscribers. */
  channels: Map<string, Set<Connection>>;
  /** Pattern subscribers. */
  patterns: Map<string, Set<Connection>>;
  /** Shard-channel subscribers. */
  shards: Map<string, Set<Connection>>;
}

/** A command handler: arguments without the command name, a reply back, errors thrown. */
export type Handler = (ctx: Ctx, args: Arg[]) => Reply;

/** Command families, as the differential report groups them. */
export type Family =
  | 'strings'
  | 'counters'
  | 'keys'
  | 'expiry'
  | 'hashes'
  | 'lists'
  | 'sets'
  | 'sorted-sets'
  | 'multi'
  | 'connection'
  | 'bitmaps'
  | 'hyperloglog'
  | 'geo'
  | 'streams'
  | 'pubsub'
  | 'blocking'
  | 'scripting';

/** A family module: its name and its handlers by lower-case command name. */
export interface FamilyModule {
  /** The family. */
  family: Family;
  /** Handlers by lower-case command name. */
  commands: Record<string, Handler>;
}
