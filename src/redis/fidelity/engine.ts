/**
 * The command engine: Redis 7's command dispatch over ioredis-mock's keyspace.
 *
 * processCommand order is kept: unknown command, then arity, then (inside MULTI) queueing, then
 * the handler. Handlers throw ReplyError; the engine turns them into error replies. Arity comes
 * from the generated command-docs.json (COMMAND INFO of a real server), not from hand-kept tables.
 */
import docs from '../command-docs.json';
import { ERR, ReplyError, replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import { connection } from './connection.ts';
import { counters } from './counters.ts';
import { expiry } from './expiry.ts';
import { hashes } from './hashes.ts';
import { keys } from './keys.ts';
import { lists } from './lists.ts';
import { RUN_INSIDE_MULTI, transactionCommands } from './multi.ts';
import { sets } from './sets.ts';
import { sortedSets } from './sorted-sets.ts';
import { strings } from './strings.ts';
import {
  Status,
  type Arg,
  type Connection,
  type Ctx,
  type Family,
  type Handler,
  type Reply,
  type Store,
} from './types.ts';

const FAMILIES = [strings, counters, keys, expiry, hashes, lists, sets, sortedSets, connection];

const HANDLERS = new Map<string, { handler: Handler; family: Family }>();
for (const module of FAMILIES)
  for (const [name, handler] of Object.entries(module.commands))
    HANDLERS.set(name, { handler, family: module.family });

const TRANSACTION = ['multi', 'exec', 'discard', 'watch', 'unwatch'];
const COMMAND_DOCS: Record<string, { arity: number }> = docs.commands;

/** Lower-case names of every command the sandbox implements. */
export const SUPPORTED_COMMANDS: readonly string[] = [...HANDLERS.keys(), ...TRANSACTION].sort();

/** The family a supported command belongs to, or null. */
export function familyOf(name: string): Family | null {
  const n = name.toLowerCase();
  if (TRANSACTION.includes(n)) return 'multi';
  return HANDLERS.get(n)?.family ?? null;
}

/** Redis's message for a command it does not know, byte for byte. */
export function unknownCommandMessage(argv: Arg[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++)
    args += `'${toText(argv[i]).slice(0, 128 - args.length)}' `;
  return `ERR unknown command '${toText(argv[0]).slice(0, 128)}', with args beginning with: ${args}`.replace(
    /[\r\n]/g,
    ' ',
  );
}

/** The message for a real Redis command that the sandbox does not implement. */
export function unsupportedCommandMessage(name: string): string {
  return `ERR cachelab's sandbox does not support '${name.toUpperCase()}'`;
}

/** Options of an engine. */
export interface EngineOptions {
  /** The store of database `index` (created on first use). */
  storeFor(index: number): Store;
  /** Number of databases (Redis's default is 16). */
  databases?: number;
  /** Time source; defaults to Date.now, which ioredis-mock's lazy expiry also reads. */
  now?: () => number;
}

/** A Redis server over ioredis-mock stores: connections share data, each has its own state. */
export interface Engine {
  /** A new connection (database 0, no transaction). */
  connect(): Connection;
  /** Executes one command as Redis would, returning its reply (errors as ReplyError values). */
  execute(conn: Connection, argv: Arg[]): Reply;
}

/** Creates an engine over the given stores. */
export function createEngine(options: EngineOptions): Engine {
  const databases = options.databases ?? 16;
  const now = options.now ?? (() => Date.now());
  const versions = new Map<string, number>();
  const opened = new Map<number, Store>();
  let epoch = 0;

  const storeFor = (db: number) => {
    let store = opened.get(db);
    if (!store) {
      store = options.storeFor(db);
      opened.set(db, store);
    }
    return store;
  };

  const ctxFor = (conn: Connection): Ctx => ({
    store: storeFor(conn.db),
    now,
    conn,
    touch: (key) => {
      const id = `${conn.db}:${key}`;
      versions.set(id, (versions.get(id) ?? 0) + 1);
    },
    hasDb: (index) => index >= 0 && index < databases,
    flushAll: () => {
      epoch++;
      for (let db = 0; db < databases; db++) {
        if (db !== conn.db && !opened.has(db)) continue;
        const store = storeFor(db);
        for (const key of store.data.keys()) {
          store.data.delete(key);
          store.expires.delete(key);
        }
      }
    },
  });

  const host = {
    run: (conn: Connection, argv: Arg[]): Reply => run(conn, argv),
    version: (db: number, key: string) => (versions.get(`${db}:${key}`) ?? 0) + epoch * 1e9,
    ctx: ctxFor,
  };
  const transaction = transactionCommands(host);

  function run(conn: Connection, argv: Arg[]): Reply {
    const name = toText(argv[0]).toLowerCase();
    try {
      if (TRANSACTION.includes(name))
        return transaction[name as keyof typeof transaction](conn, argv.slice(1));
      return HANDLERS.get(name)!.handler(ctxFor(conn), argv.slice(1));
    } catch (err) {
      if (err instanceof ReplyError) return err;
      throw err;
    }
  }

  function reject(conn: Connection, message: string): ReplyError {
    if (conn.multi) conn.multi.failed = true;
    return replyError(message);
  }

  return {
    connect: () => ({ db: 0, multi: null, watched: new Map() }),
    execute(conn, argv) {
      if (argv.length === 0)
        return reject(conn, "ERR unknown command '', with args beginning with: ");
      const name = toText(argv[0]).toLowerCase();
      const doc = COMMAND_DOCS[name];
      if (!doc) return reject(conn, unknownCommandMessage(argv));
      const arity = doc.arity;
      if ((arity > 0 && arity !== argv.length) || argv.length < -arity)
        return reject(conn, ERR.arity(name));
      if (!HANDLERS.has(name) && !TRANSACTION.includes(name))
        return reject(conn, unsupportedCommandMessage(name));
      if (conn.multi && !RUN_INSIDE_MULTI.has(name)) {
        conn.multi.queue.push(argv);
        return new Status('QUEUED');
      }
      return run(conn, argv);
    },
  };
}
