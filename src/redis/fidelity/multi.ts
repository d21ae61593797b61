/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH. Queueing itself happens in the engine, which validates each
 * command first (unknown, unsupported or wrong arity flags the transaction, as Redis does, and
 * EXEC then answers EXECABORT).
 */
import { ERR, replyError } from '../reply-error.ts';
import { keyOf } from './keyspace.ts';
import { OK, type Arg, type Connection, type Ctx, type Reply } from './types.ts';

/** What the transaction commands need from the engine. */
export interface TransactionHost {
  /** Runs one already-validated command. */
  run(conn: Connection, argv: Arg[]): Reply;
  /** The write version of a key (bumped on every write). */
  version(db: number, key: string): number;
  /** A context for the connection's current database. */
  ctx(conn: Connection): Ctx;
}

/** Commands that run at once even inside MULTI. */
export const RUN_INSIDE_MULTI = new Set(['multi', 'exec', 'discard', 'watch', 'unwatch', 'quit']);

function watchedKeyChanged(host: TransactionHost, conn: Connection): boolean {
  for (const [id, seen] of conn.watched) {
    const key = id.slice(id.indexOf(':') + 1);
    if (host.version(seen.db, key) !== seen.version) return true;
    if (seen.expiresAt !== undefined && seen.expiresAt <= host.ctx(conn).now()) return true;
  }
  return false;
}

/** Handlers of the multi family, given the engine. */
export function transactionCommands(host: TransactionHost) {
  return {
    multi: (conn: Connection): Reply => {
      if (conn.multi) throw replyError('ERR MULTI calls can not be nested');
      conn.multi = { queue: [], failed: false };
      return OK;
    },
    exec: (conn: Connection): Reply => {
      if (!conn.multi) throw replyError('ERR EXEC without MULTI');
      const { queue, failed } = conn.multi;
      conn.multi = null;
      const dirty = watchedKeyChanged(host, conn);
      conn.watched.clear();
      if (failed) throw replyError(ERR.execAbort);
      if (dirty) return null;
      return queue.map((argv) => host.run(conn, argv));
    },
    discard: (conn: Connection): Reply => {
      if (!conn.multi) throw replyError('ERR DISCARD without MULTI');
      conn.multi = null;
      conn.watched.clear();
      return OK;
    },
    watch: (conn: Connection, keys: Arg[]): Reply => {
      if (conn.multi) throw replyError('ERR WATCH inside MULTI is not allowed');
      const ctx = host.ctx(conn);
      for (const k of keys) {
        const key = keyOf(k);
        const id = `${conn.db}:${key}`;
        if (conn.watched.has(id)) continue;
        const expiresAt = ctx.store.data.has(key) ? ctx.store.expires.get(key) : undefined;
        conn.watched.set(id, { db: conn.db, version: host.version(conn.db, key), expiresAt });
      }
      return OK;
    },
    unwatch: (conn: Connection): Reply => {
      conn.watched.clear();
      return OK;
    },
  };
}
