/**
 * The host's side of `verify --redis`: two ioredis 5 connections to the user's server (one for
 * the checks' own `ctx.redis`, one for learner code), driven by requests from worker threads
 * (server-backend.ts explains why the sockets live here). Commands that could reach data
 * outside the database in the URL (SELECT, FLUSHALL, SWAPDB, MOVE, ...) are refused.
 *
 * Lua is the exception that needs the server's help: a script can compute any command name at
 * run time (so no static check of the script can vet it) and run FLUSHALL, SELECT, SWAPDB, MOVE
 * or MIGRATE from inside the server. Learner scripts therefore run only on a server where those
 * cannot reach beyond the URL's database: Redis 7 or later (which refuses CONFIG, SAVE,
 * SHUTDOWN, DEBUG, MODULE and ACL inside scripts itself), with exactly one database
 * (`--databases 1`: SELECT/SWAPDB/MOVE/COPY DB have nowhere to go, FLUSHALL is FLUSHDB) and
 * MIGRATE renamed away (`--rename-command MIGRATE ""`: no connection to other hosts). Anywhere
 * else EVAL & co. are refused with a message that says how to start such a server.
 *
 * Redis Functions are the same Lua, with one more reach: a library belongs to the whole server,
 * not to a database, and survives FLUSHALL. They run under the same condition (one database, so
 * the server holds nothing but the URL's database), and every reset also runs FUNCTION FLUSH, so
 * no library outlives its check. On any other server FUNCTION and FCALL are refused like EVAL.
 */
import { Redis } from 'ioredis';
import { SUPPORTED_COMMANDS, unsupportedCommandMessage } from '../redis/fidelity/engine.ts';
import {
  redisRequestSchema,
  type RedisPort,
  type RedisRequest,
  type RedisResponse,
  type RedisWireError,
} from '../runner/protocol.ts';
import type { KeyspaceEntry } from '../runner/report.ts';
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

/** Commands that run learner Lua: allowed only on a server where scripts stay in the database. */
const SCRIPT_COMMANDS = new Set([
  'eval',
  'evalsha',
  'eval_ro',
  'evalsha_ro',
  'script',
  'function',
  'fcall',
  'fcall_ro',
]);
/** SCRIPT and FUNCTION subcommands a learner may use on such a server. */
const SUBCOMMANDS: Record<string, ReadonlySet<string>> = {
  script: new Set(['load', 'exists', 'flush', 'kill', 'help']),
  function: new Set([
    'load',
    'list',
    'delete',
    'flush',
    'stats',
    'kill',
    'dump',
    'restore',
    'help',
  ]),
};

/**
 * Why learner Lua may not run on this server, or null when it may (see the module comment).
 * Any failure to find out (CONFIG disabled, an old server) counts as "may not".
 */
export async function scriptRisk(client: Redis): Promise<string | null> {
  try {
    const info = String(await client.info('server'));
    const major = Number(/redis_version:(\d+)/.exec(info)?.[1] ?? 0);
    if (major < 7) return 'the server is older than Redis 7';
    const databases = (await client.config('GET', 'databases')) as string[];
    if (databases[1] !== '1') return `the server has ${databases[1] ?? 'unknown'} databases, not 1`;
    const migrate = (await client.call('COMMAND', 'INFO', 'migrate')) as unknown[];
    if (migrate[0] !== null) return 'MIGRATE is enabled';
    return null;
  } catch (error) {
    return `cachelab could not inspect the server (${(error as Error).message})`;
  }
}

/** The refusal for learner Lua on a server that could let a script reach beyond the database. */
function scriptRefusal(command: string, risk: string): string {
  return `ERR cachelab verify --redis refuses '${command.toUpperCase()}' here: a script could reach beyond the database (${risk}). Lua runs on a Redis 7 server started with --databases 1 --rename-command MIGRATE ""`;
}

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
  serve(port: RedisPort): void;
  /** Closes both connections. */
  close(): Promise<void>;
  /** Why learner Lua is refused on this server, or null when it runs. */
  scriptRisk: string | null;
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
  const risk = await scriptRisk(host);
  return {
    target,
    scriptRisk: risk,
    dbsize: () => host.dbsize(),
    async flush() {
      await host.flushdb();
    },
    serve: (port) => {
      // The learner's extra clients (`duplicate()`, `new Redis()`), opened on first use and
      // closed whenever the learner's connection is reset, i.e. before and after every check.
      const extras = new Map<string, Redis>();
      const clientFor = (conn: RedisRequest['conn']): Redis => {
        if (conn === 'host') return host;
        if (conn === 'learner') return learner;
        let client = extras.get(conn);
        if (!client) {
          client = connection(target, conn);
          client.on('error', () => {});
          extras.set(conn, client);
        }
        return client;
      };
      const closeExtras = async (): Promise<void> => {
        const open = [...extras.values()];
        extras.clear();
        await Promise.allSettled(open.map((client) => client.quit()));
      };
      port.on('message', (raw: unknown) => answer(port, host, clientFor, closeExtras, raw, risk));
    },
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

/** A method call's arguments without the command name (`call('SCRIPT', 'LOAD', …)` → LOAD, …). */
function argsOf(method: string, args: readonly unknown[]): readonly unknown[] {
  return method === 'call' || method === 'callBuffer' ? args.slice(1) : args;
}

/** Why a command may not run on this connection, or undefined when it may. */
function refusal(
  conn: RedisRequest['conn'],
  command: string,
  args: readonly unknown[],
  risk: string | null,
): string | undefined {
  if (SCRIPT_COMMANDS.has(command)) {
    if (risk !== null) return scriptRefusal(command, risk);
    const allowed = SUBCOMMANDS[command];
    const sub = String(args[0] ?? '').toLowerCase();
    if (allowed && !allowed.has(sub))
      return `ERR cachelab verify --redis refuses '${command.toUpperCase()} ${sub.toUpperCase()}'`;
    return undefined;
  }
  const reachesOtherDb =
    command === 'copy' && args.some((a) => typeof a === 'string' && a.toLowerCase() === 'db');
  if (REFUSED.has(command) || reachesOtherDb)
    return `ERR cachelab verify --redis refuses '${command.toUpperCase()}': it could reach data beyond the database in the --redis URL`;
  if (conn !== 'host' && !LEARNER_ALLOWED.has(command)) return unsupportedCommandMessage(command);
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

function answer(
  port: RedisPort,
  host: Redis,
  clientFor: (conn: RedisRequest['conn']) => Redis,
  closeExtras: () => Promise<void>,
  raw: unknown,
  risk: string | null,
): void {
  const parsed = redisRequestSchema.safeParse(raw);
  if (!parsed.success) return;
  const { id, conn, op } = parsed.data;
  const learner = clientFor('learner');
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
      // A runaway learner script would keep the server busy: stop it first (NOTBUSY is fine).
      // Function libraries are server-wide and survive FLUSHDB, so they are flushed too.
      const killed =
        risk === null
          ? Promise.all([
              host.call('SCRIPT', 'KILL').catch(() => {}),
              host.call('FUNCTION', 'KILL').catch(() => {}),
            ]).then(() => host.call('FUNCTION', 'FLUSH'))
          : null;
      const discarded = learner.call('DISCARD').catch(() => {});
      const unwatched = learner.unwatch();
      const closed = closeExtras();
      reply(
        Promise.all([killed, discarded, unwatched, closed]).then(async () => {
          await host.flushdb();
          return null;
        }),
      );
    } else if (op.type === 'snapshot') {
      reply(snapshot(host));
    } else if (op.type === 'command') {
      const why = refusal(conn, commandOf(op.method, op.args), argsOf(op.method, op.args), risk);
      reply(why ? refused(why) : invoke(clientFor(conn), op.method, op.args));
    } else {
      for (const { method, args } of op.commands) {
        const why = refusal(conn, commandOf(method, args), argsOf(method, args), risk);
        if (why) return reply(refused(why));
      }
      const client = clientFor(conn);
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
