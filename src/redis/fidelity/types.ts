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

/** A value in the store, in ioredis-mock's representation. */
export type Value =
  RedisString | Record<string, string> | string[] | Set<string> | Map<string, ZMember>;

/** The part of an ioredis-mock instance's keyspace the engine uses (`mock.data`). */
export interface DataStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  has(key: string): boolean;
  delete(key: string): void;
  keys(): string[];
}

/** An ioredis-mock expiry table (`mock.expires`), holding epoch-ms deadlines. */
export interface ExpiryStore {
  get(key: string): number | undefined;
  set(key: string, at: number): void;
  has(key: string): boolean;
  delete(key: string): void;
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
  | 'connection';

/** A family module: its name and its handlers by lower-case command name. */
export interface FamilyModule {
  /** The family. */
  family: Family;
  /** Handlers by lower-case command name. */
  commands: Record<string, Handler>;
}
