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
import { MORE_FAMILIES } from './more-families.ts';
import { RUN_INSIDE_MULTI, transactionCommands } from './multi.ts';
import {
  ALLOWED_WHILE_SUBSCRIBED,
  isSubscribed,
  subscribedContextError,
  unsubscribeAll,
} from './pubsub.ts';
import { clockTimers } from './timers.ts';
import { scripting } from './scripting.ts';
import { sets } from './sets.ts';
import { sortedSets } from './sorted-sets.ts';
import { strings } from './strings.ts';
import {
  BlockRequest,
  Status,
  type Arg,
  type Connection,
  type Ctx,
  type Family,
  type Handler,
  type Reply,
  type ScriptHost,
  type ServerState,
  type Store,
  type Timers,
} from './types.ts';

const FAMILIES = [
  strings,
  counters,
  keys,
  expiry,
  hashes,
  lists,
  sets,
  sortedSets,
  connection,
  ...MORE_FAMILIES,
  scripting,
];

const HANDLERS = new Map<string, { handler: Handler; family: Family }>();
for (const module of FAMILIES)
  for (const [name, handler] of Object.entries(module.commands))
    HANDLERS.set(name, { handler, family: module.family });

const TRANSACTION = ['multi', 'exec', 'discard', 'watch', 'unwatch'];
const COMMAND_DOCS: Record<
  string,
  { arity: number; subcommands?: Record<string, { arity: number }> }
> = docs.commands;

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
  /**
   * Scheduler for blocking-command timeouts, on the `now` clock. Defaults to host timers that
   * re-check `now`; a host with a fake clock passes `clockTimers(now)` and calls its `runDue()`
   * after every `advance`, so a check moves time instead of sleeping.
   */
  timers?: Timers;
  /**
   * Told about every command the engine executes, once it has its reply: `origin` is
   * `'client'` for commands sent by a connection (including EVAL itself, MULTI, EXEC and the
   * QUEUED answers inside a transaction) and `'script'` for each `redis.call`/`redis.pcall`
   * a script makes. A script's commands are reported before the EVAL that ran them; a
   * blocking command is reported when it is served. `argv` and `reply` are the engine's own
   * values: copy, never mutate. It must not throw (inside a script a throw becomes a script
   * error).
   */
  observe?(argv: Arg[], reply: Reply, origin: 'client' | 'script'): void;
}

/** A Redis server over ioredis-mock stores: connections share data, each has its own state. */
export interface Engine {
  /** A new connection (database 0, no transaction). */
  connect(): Connection;
  /**
   * Executes one command as Redis would, returning its reply (errors as ReplyError values). A
   * blocking command that would have to wait answers as if it had timed out (use `dispatch`).
   */
  execute(conn: Connection, argv: Arg[]): Reply;
  /** Like `execute`, but a blocking command that must wait returns a promise of its reply. */
  dispatch(conn: Connection, argv: Arg[]): Reply | Promise<Reply>;
  /** Closes a connection: drops its subscriptions and forgets a command it was blocked in. */
  disconnect(conn: Connection): void;
  /**
   * Forgets every blocked command (their promises never settle, so no caller code runs later)
   * and every pub/sub subscription; for a host reusing the store after a check.
   */
  reset(): void;
  /** Number of connections blocked right now. */
  blockedCount(): number;
  /**
   * Empties every database, as FLUSHALL does (WATCHed keys count as changed), without a
   * connection or a command's round trip: for a host emptying the store after a check.
   */
  flushAll(): void;
}

/** A connection parked in a blocking command. */
interface Blocked {
  conn: Connection;
  db: number;
  request: BlockRequest;
  resolve: (reply: Reply) => void;
  cancelTimer: () => void;
}

let connectionIds = 0;

/** Creates an engine over the given stores. */
export function createEngine(options: EngineOptions): Engine {
  const databases = options.databases ?? 16;
  const now = options.now ?? (() => Date.now());
  const timers = options.timers ?? clockTimers(now);
  const server: ServerState = { channels: new Map(), patterns: new Map(), shards: new Map() };
  /** Blocked connections in the order they blocked (Redis serves them FIFO). */
  const blocked: Blocked[] = [];
  /** `db\0key` of keys written while someone waits on them, in the order they were written. */
  const readyKeys: string[] = [];
  const versions = new Map<string, number>();
  const opened = new Map<number, Store>();
  let epoch = 0;
  // Write versions only matter to a WATCH: until the first one (the first `version` read), a
  // write need not count. A key's version is only ever compared with what WATCH read after it.
  let watchedEver = false;

  const storeFor = (db: number) => {
    let store = opened.get(db);
    if (!store) {
      store = options.storeFor(db);
      opened.set(db, store);
    }
    return store;
  };

  const observed = (
    argv: Arg[],
    reply: Reply | Promise<Reply>,
    origin: 'client' | 'script',
  ): Reply | Promise<Reply> => {
    const observe = options.observe;
    if (observe) {
      if (reply instanceof Promise) void reply.then((r) => observe(argv, r, origin));
      else observe(argv, reply, origin);
    }
    return reply;
  };
  const scripts: ScriptHost = {
    cache: new Map(),
    call: (conn, argv) => observed(argv, dispatch(conn, argv, false), 'script') as Reply,
  };

  const ctxFor = (conn: Connection, mayBlock = false): Ctx => ({
    store: storeFor(conn.db),
    now,
    conn,
    mayBlock,
    server,
    scripts,
    touch: (key) => {
      if (watchedEver) {
        const id = `${conn.db}:${key}`;
        versions.set(id, (versions.get(id) ?? 0) + 1);
      }
      if (blocked.length === 0) return;
      const ready = `${conn.db}\0${key}`;
      if (
        !readyKeys.includes(ready) &&
        blocked.some((b) => b.db === conn.db && b.request.keys.includes(key))
      )
        readyKeys.push(ready);
    },
    hasDb: (index) => index >= 0 && index < databases,
    dbCtx: (index) => ctxFor({ ...conn, db: index }),
    flushAll: () => flushAll(conn.db),
  });

  /** FLUSHALL: every database this engine opened, and `db` (the caller's). */
  function flushAll(db: number): void {
    epoch++;
    for (let index = 0; index < databases; index++) {
      if (index !== db && !opened.has(index)) continue;
      const store = storeFor(index);
      if (store.data.clear && store.expires.clear) {
        store.data.clear();
        store.expires.clear();
        continue;
      }
      for (const key of store.data.keys()) {
        store.data.delete(key);
        store.expires.delete(key);
      }
    }
  }

  const host = {
    run: (conn: Connection, argv: Arg[]): Reply => run(conn, argv),
    version: (db: number, key: string) => {
      watchedEver = true;
      return (versions.get(`${db}:${key}`) ?? 0) + epoch * 1e9;
    },
    ctx: ctxFor,
  };
  const transaction = transactionCommands(host);

  function run(conn: Connection, argv: Arg[], mayBlock = false): Reply {
    const name = toText(argv[0]).toLowerCase();
    try {
      if (TRANSACTION.includes(name))
        return transaction[name as keyof typeof transaction](conn, argv.slice(1));
      if (name === 'ping' && isSubscribed(conn)) {
        // RESP2's PING in a subscribed context answers as a push frame.
        if (argv.length > 2) throw replyError(ERR.arity('ping'));
        return ['pong', argv.length === 2 ? argv[1] : ''];
      }
      return HANDLERS.get(name)!.handler(ctxFor(conn, mayBlock), argv.slice(1));
    } catch (err) {
      if (err instanceof ReplyError) return err;
      throw err;
    }
  }

  function unblock(entry: Blocked, reply: Reply): void {
    const i = blocked.indexOf(entry);
    if (i < 0) return;
    blocked.splice(i, 1);
    entry.cancelTimer();
    entry.resolve(reply);
  }

  /** handleClientsBlockedOnKeys: serve waiting connections for every key written meanwhile. */
  function serveReadyKeys(): void {
    while (readyKeys.length > 0) {
      const ready = readyKeys.shift()!;
      const cut = ready.indexOf('\0');
      const db = Number(ready.slice(0, cut));
      const key = ready.slice(cut + 1);
      for (const entry of [...blocked]) {
        if (entry.db !== db || !entry.request.keys.includes(key) || !blocked.includes(entry))
          continue;
        let reply: Reply | undefined;
        try {
          reply = entry.request.serve(ctxFor(entry.conn), key);
        } catch (err) {
          if (!(err instanceof ReplyError)) throw err;
          reply = err;
        }
        if (reply !== undefined) unblock(entry, reply);
      }
    }
  }

  function park(conn: Connection, request: BlockRequest): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      const entry: Blocked = { conn, db: conn.db, request, resolve, cancelTimer: () => {} };
      blocked.push(entry);
      if (request.deadline > 0)
        entry.cancelTimer = timers.at(request.deadline, () => unblock(entry, request.timeoutReply));
    });
  }

  /** Redis's checks before running a command; an error reply, or null to go on. */
  function check(conn: Connection, argv: Arg[]): ReplyError | Status | null {
    if (argv.length === 0)
      return reject(conn, "ERR unknown command '', with args beginning with: ");
    const name = toText(argv[0]).toLowerCase();
    const doc = COMMAND_DOCS[name];
    if (!doc) return reject(conn, unknownCommandMessage(argv));
    let fullname = name;
    let arity = doc.arity;
    if (doc.subcommands && argv.length >= 2) {
      const sub = toText(argv[1]).toLowerCase();
      const subdoc = doc.subcommands[sub];
      if (!subdoc)
        return reject(
          conn,
          `ERR unknown subcommand '${toText(argv[1]).slice(0, 128)}'. Try ${name.toUpperCase()} HELP.`,
        );
      fullname = `${name}|${sub}`;
      arity = subdoc.arity;
    }
    if ((arity > 0 && arity !== argv.length) || argv.length < -arity)
      return reject(conn, ERR.arity(fullname));
    if (!HANDLERS.has(name) && !TRANSACTION.includes(name))
      return reject(conn, unsupportedCommandMessage(name));
    if (isSubscribed(conn) && !ALLOWED_WHILE_SUBSCRIBED.has(name))
      return reject(conn, subscribedContextError(fullname));
    if (conn.multi && !RUN_INSIDE_MULTI.has(name)) {
      conn.multi.queue.push(argv);
      return new Status('QUEUED');
    }
    return null;
  }

  function dispatch(conn: Connection, argv: Arg[], mayBlock: boolean): Reply | Promise<Reply> {
    const refused = check(conn, argv);
    if (refused) return refused;
    let reply: Reply;
    try {
      reply = run(conn, argv, mayBlock);
    } catch (err) {
      if (!(err instanceof BlockRequest)) throw err;
      const pending = park(conn, err);
      serveReadyKeys();
      return pending;
    }
    serveReadyKeys();
    return reply;
  }

  function reject(conn: Connection, message: string): ReplyError {
    if (conn.multi) conn.multi.failed = true;
    return replyError(message);
  }

  return {
    connect: () => ({
      db: 0,
      multi: null,
      watched: new Map(),
      id: ++connectionIds,
      subscriptions: { channels: new Set(), patterns: new Set(), shards: new Set() },
      push: null,
    }),
    execute: (conn, argv) => observed(argv, dispatch(conn, argv, false), 'client') as Reply,
    dispatch: (conn, argv) => observed(argv, dispatch(conn, argv, true), 'client'),
    disconnect(conn) {
      unsubscribeAll(server, conn);
      for (const entry of blocked.filter((b) => b.conn === conn)) {
        blocked.splice(blocked.indexOf(entry), 1);
        entry.cancelTimer();
      }
    },
    reset() {
      for (const entry of blocked.splice(0)) entry.cancelTimer();
      readyKeys.length = 0;
      for (const registry of [server.channels, server.patterns, server.shards]) {
        for (const conns of registry.values())
          for (const conn of conns) unsubscribeAll(server, conn);
        registry.clear();
      }
    },
    blockedCount: () => blocked.length,
    // Database 0 always: the host's own client reads it even when no command opened it.
    flushAll: () => flushAll(0),
  };
}
