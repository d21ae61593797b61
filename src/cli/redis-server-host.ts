/**
 * The host's side of `verify --redis`: two ioredis 5 connections to the user's server (one for
 * the checks' own `ctx.redis`, one for learner code), driven by requests from worker threads
 * (server-backend.ts explains why the sockets live here). Commands that could reach data
 * outside the database in the URL (SELECT, FLUSHALL, SWAPDB, MOVE, Lua, ...) are refused.
 */
import { Redis } from 'ioredis';
import type { MessagePort } from 'node:worker_threads';
import { SUPPORTED_COMMANDS, unsupportedCommandMessage } from '../redis/fidelity/engine.ts';
import {
  redisRequestSchema,
  type RedisRequest,
  type RedisResponse,
  type RedisWireError,
} from '../runner/protocol.ts';
import type { KeyspaceEntry } from '../runner/report.ts';
import { LUA_COMMANDS } from '../runner/sandbox-redis.ts';
import { ServerError, type ServerTarget } from './redis-url.ts';

/** Commands that could touch data beyond the URL's database, or the server itself. */
const REFUSED = new Set([
  'select',
  'flushall',
  'swapdb',
  'move',
  'migrate',
  'shutdown',
  'config',
  'debug',
  'replicaof',
  'slaveof',
  'failover',
  ...LUA_COMMANDS,
  'save',
  'bgsave',
  'bgrewriteaof',
  'acl',
  'client',
  'monitor',
  'sync',
  'psync',
  'module',
]);

/** What learner code may send: the sandbox's command families, minus the refused ones. */
const LEARNER_ALLOWED = new Set(SUPPORTED_COMMANDS.filter((name) => !REFUSED.has(name)));

/** The two open connections, on the URL's database. */
export interface ServerConnections {
  /** The target they are connected to. */
  target: ServerTarget;
  /** Number of keys in the database right now. */
  dbsize(): Promise<number>;
  /** Empties the database (FLUSHDB on the URL's database only). */
  flush(): Promise<void>;
  /** Answers one worker's requests over `port` until the port closes. */
  serve(port: MessagePort): void;
  /** Closes both connections. */
  close(): Promise<void>;
}

function connection(target: ServerTarget, name: string): Redis {
  return new Redis(target.url, {
    db: target.db,
    lazyConnect: true,
    connectionName: `cachelab-verify-${name}`,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
}

/** Connects to the server; throws ServerError when it cannot, or when the database does not exist. */
export async function connectServer(target: ServerTarget): Promise<ServerConnections> {
  const host = connection(target, 'checks');
  const learner = connection(target, 'learner');
  // ioredis would print unhandled connection errors; they surface through connect() instead.
  host.on('error', () => {});
  learner.on('error', () => {});
  try {
    await Promise.all([host.connect(), learner.connect()]);
  } catch (error) {
    host.disconnect();
    learner.disconnect();
    const message = (error as Error).message;
    throw new ServerError(
      /DB index is out of range/i.test(message)
        ? `database ${target.db} does not exist on ${target.display}: ${message}`
        : `cannot connect to ${target.display}: ${message}`,
    );
  }
  return {
    target,
    dbsize: () => host.dbsize(),
    async flush() {
      await host.flushdb();
    },
    serve: (port) => port.on('message', (raw: unknown) => answer(port, host, learner, raw)),
    async close() {
      await Promise.allSettled([host.quit(), learner.quit()]);
    },
  };
}

function wireError(error: unknown): RedisWireError {
  const err = error as Error & { previousErrors?: Error[] };
  return {
    message: err?.message ?? String(error),
    // ioredis's ReplyError: Redis itself answered with this error.
    reply: err?.name === 'ReplyError',
    ...(err?.previousErrors ? { previousErrors: err.previousErrors.map((e) => e.message) } : {}),
  };
}

/** The command a method call sends: `getBuffer` → get, `call('SET', ...)` → set. */
function commandOf(method: string, args: readonly unknown[]): string {
  if (method === 'call' || method === 'callBuffer') return String(args[0] ?? '').toLowerCase();
  return method.replace(/Buffer$/, '').toLowerCase();
}

/** Why a command may not run on this connection, or undefined when it may. */
function refusal(
  conn: RedisRequest['conn'],
  command: string,
  args: readonly unknown[],
): string | undefined {
  const reachesOtherDb =
    command === 'copy' && args.some((a) => typeof a === 'string' && a.toLowerCase() === 'db');
  if (REFUSED.has(command) || reachesOtherDb)
    return `ERR cachelab verify --redis refuses '${command.toUpperCase()}': it could reach data beyond the database in the --redis URL`;
  if (conn === 'learner' && !LEARNER_ALLOWED.has(command))
    return unsupportedCommandMessage(command);
  return undefined;
}

type Method = (...args: unknown[]) => Promise<unknown>;

/**
 * Issues a method call on a client or pipeline. Called synchronously as each message arrives,
 * so commands reach the server in the order learner code sent them.
 */
function invoke(target: Redis | ReturnType<Redis['pipeline']>, method: string, args: unknown[]) {
  const fn = (target as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function')
    throw Object.assign(new Error(`ERR unknown command '${method}'`), { name: 'ReplyError' });
  return (fn as Method).apply(target, args);
}

function answer(port: MessagePort, host: Redis, learner: Redis, raw: unknown): void {
  const parsed = redisRequestSchema.safeParse(raw);
  if (!parsed.success) return;
  const { id, conn, op } = parsed.data;
  const client = conn === 'host' ? host : learner;
  const reply = (promise: Promise<unknown>): void => {
    promise.then(
      (value) => port.postMessage({ id, ok: true, value } satisfies RedisResponse),
      (error: unknown) =>
        port.postMessage({ id, ok: false, error: wireError(error) } satisfies RedisResponse),
    );
  };
  const refused = (message: string) =>
    Promise.reject(Object.assign(new Error(message), { name: 'ReplyError' }));
  try {
    if (op.type === 'reset') {
      // Ends whatever MULTI/WATCH the learner's connection was left in, then empties the database.
      const discarded = learner.call('DISCARD').catch(() => {});
      const unwatched = learner.unwatch();
      reply(Promise.all([discarded, unwatched, host.flushdb()]).then(() => null));
    } else if (op.type === 'snapshot') {
      reply(snapshot(host));
    } else if (op.type === 'command') {
      const why = refusal(conn, commandOf(op.method, op.args), op.args);
      reply(why ? refused(why) : invoke(client, op.method, op.args));
    } else {
      for (const { method, args } of op.commands) {
        const why = refusal(conn, commandOf(method, args), args);
        if (why) return reply(refused(why));
      }
      const batch = op.transaction ? client.multi() : client.pipeline();
      for (const { method, args } of op.commands) {
        // Per-command failures arrive in exec's [error, reply] pairs.
        invoke(batch, method, args);
      }
      reply(
        batch
          .exec()
          .then((results) =>
            results === null
              ? null
              : results.map(([error, value]) => [error ? wireError(error) : null, value]),
          ),
      );
    }
  } catch (error) {
    reply(Promise.reject(error));
  }
}

const PREVIEW_LIMIT = 80;

/** The keyspace as KeyspaceEntry rows, read with SCAN, TYPE, PTTL and a read per type. */
async function snapshot(client: Redis): Promise<KeyspaceEntry[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  keys.sort();
  const rows: KeyspaceEntry[] = [];
  for (const key of keys) {
    const [type, pttl] = await Promise.all([client.type(key), client.pttl(key)]);
    if (type === 'none') continue;
    rows.push({
      key,
      type,
      preview: clip(await preview(client, key, type)),
      ttlMs: pttl >= 0 ? pttl : null,
    });
  }
  return rows;
}

async function preview(client: Redis, key: string, type: string): Promise<string> {
  const q = (v: string) => JSON.stringify(v);
  switch (type) {
    case 'string':
      return q((await client.get(key)) ?? '');
    case 'list':
      return `[${(await client.lrange(key, 0, 49)).map(q).join(', ')}]`;
    case 'set':
      return `{${(await client.smembers(key)).sort().map(q).join(', ')}}`;
    case 'zset': {
      const flat = await client.zrange(key, 0, 49, 'WITHSCORES');
      const parts: string[] = [];
      for (let i = 0; i < flat.length; i += 2) parts.push(`${q(flat[i])}: ${flat[i + 1]}`);
      return `[${parts.join(', ')}]`;
    }
    case 'hash':
      return `{${Object.entries(await client.hgetall(key))
        .map(([k, v]) => `${q(k)}: ${q(v)}`)
        .join(', ')}}`;
    default:
      return `(${type})`;
  }
}

function clip(text: string): string {
  return text.length > PREVIEW_LIMIT ? `${text.slice(0, PREVIEW_LIMIT - 1)}…` : text;
}
