/**
 * A client that answers like Redis 7, over ioredis-mock's store, with ioredis's API.
 *
 * Design: a wrapper, not ioredis-mock's `defineCommand`/`customCommand`. Custom commands can
 * replace built-ins, but they receive pre-processed arguments, cannot change how `multi()`
 * queues and aborts, cannot emit status replies, and still throw plain Errors. So every command
 * goes through the fidelity engine (src/redis/fidelity/engine.ts), which implements Redis 7's
 * dispatch (unknown command, arity, MULTI queueing) and one module per command family, reading
 * and writing the mock's own `data`/`expires` tables. The mock therefore still owns the
 * keyspace: its lazy expiry against `Date.now()` (which the fake clock moves), its
 * store-per-host isolation, and the raw access that checks and the keyspace inspector use.
 * EVAL/EVALSHA/SCRIPT are handed to the mock unchanged (the runner sandboxes Lua).
 *
 * The learner-facing API is ioredis's: one method per command (and a `…Buffer` twin), promises
 * with optional node-style callbacks, `call()`, `multi()`/`pipeline()` chains whose `exec()`
 * resolves to `[err, reply][]`, EXECABORT rejecting with `previousErrors`, and `ReplyError`s
 * whose message is Redis's exact text.
 */
import { list as ioredisCommands } from '@ioredis/commands';
import docs from './command-docs.json';
import { ReplyError } from './reply-error.ts';
import { toText } from './bytes.ts';
import { createEngine, type Engine } from './fidelity/engine.ts';
import { Status, type Arg, type Connection, type Reply, type Store } from './fidelity/types.ts';

type Callback = (err: Error | null, result?: unknown) => void;

/** Commands the wrapper hands to ioredis-mock itself instead of the engine. */
const DELEGATED = new Set(['eval', 'evalsha', 'script']);

/** Every command name that gets a method (ioredis's list plus Redis 7's own). */
const COMMAND_NAMES = [...new Set([...ioredisCommands, ...Object.keys(docs.commands)])].filter(
  (n) => /^[a-z_][a-z0-9_]*$/.test(n),
);

/** Methods a FaithfulClient defines itself; generated command methods never replace them. */
const OWN = new Set([
  'call',
  'callBuffer',
  'exec',
  'multi',
  'pipeline',
  'quit',
  'disconnect',
  'duplicate',
  'on',
  'once',
  'off',
]);

/** ioredis's argument handling: objects/Maps for HSET/HMSET/MSET/MSETNX, one-level flatten, toArg. */
export function normalizeArgs(name: string, input: unknown[]): Arg[] {
  let args = input;
  const asPairs = (v: unknown): unknown[] | null =>
    v instanceof Map
      ? [...v.entries()].flat()
      : typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v)
        ? Object.entries(v).flat()
        : null;
  if ((name === 'mset' || name === 'msetnx') && args.length === 1) args = asPairs(args[0]) ?? args;
  if ((name === 'hset' || name === 'hmset') && args.length === 2) {
    const pairs = asPairs(args[1]);
    if (pairs) args = [args[0], ...pairs];
  }
  return args
    .flatMap((a) => (Array.isArray(a) ? a : [a]))
    .map((a) => (a instanceof Uint8Array ? a : a === null || a === undefined ? '' : String(a)));
}

function toBuffer(value: string | Uint8Array): Uint8Array {
  const B = globalThis.Buffer;
  if (typeof value === 'string') return B ? B.from(value, 'utf8') : new TextEncoder().encode(value);
  return B && !B.isBuffer(value) ? B.from(value) : value;
}

/**
 * An integer reply as ioredis's parser (redis-parser) reads it: digit by digit in doubles, so
 * integers beyond 2^53 come out exactly as imprecise as they do from a real server.
 */
function parserInteger(n: bigint): number {
  const text = n < 0n ? (-n).toString() : n.toString();
  let number = 0;
  for (const c of text) number = number * 10 + (c.charCodeAt(0) - 48);
  return n < 0n ? -number : number;
}

/** A typed reply as ioredis hands it to callers (status → string, big integers → number). */
export function toIoredisValue(reply: Reply, buffers: boolean): unknown {
  if (reply instanceof Status) return buffers ? toBuffer(reply.text) : reply.text;
  if (typeof reply === 'bigint') return parserInteger(reply);
  if (typeof reply === 'string' || reply instanceof Uint8Array)
    return buffers ? toBuffer(reply) : toText(reply);
  if (Array.isArray(reply)) return reply.map((r) => toIoredisValue(r, buffers));
  return reply;
}

/** ioredis's HGETALL reply transformer: field/value pairs into an object. */
function hgetallObject(pairs: unknown[]): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    Object.defineProperty(obj, String(pairs[i]), {
      value: pairs[i + 1],
      configurable: true,
      enumerable: true,
      writable: true,
    });
  }
  return obj;
}

/** ioredis keys its reply transformers by the exact name sent: `call('HGETALL')` stays an array. */
function shape(wireName: string, reply: Reply, buffers: boolean): unknown {
  const value = toIoredisValue(reply, buffers);
  return wireName === 'hgetall' && Array.isArray(value) ? hgetallObject(value) : value;
}

function withCallback<T>(promise: Promise<T>, callback: Callback | undefined): Promise<T> {
  if (callback)
    promise.then(
      (r) => callback(null, r),
      (e: Error) => callback(e),
    );
  return promise;
}

function splitCallback(args: unknown[]): [unknown[], Callback | undefined] {
  return typeof args[args.length - 1] === 'function'
    ? [args.slice(0, -1), args[args.length - 1] as Callback]
    : [args, undefined];
}

function stampCommand(err: ReplyError, argv: Arg[]): ReplyError {
  err.command = { name: toText(argv[0]), args: argv.slice(1).map(toText) };
  return err;
}

/** The parts of an ioredis-mock instance the client needs. */
export interface MockLike {
  /** The store of the instance's database. */
  data: Store['data'];
  /** Its expiry table. */
  expires: Store['expires'];
  /** Its options (host/port/db pick the store). */
  options?: { host?: string; port?: number; db?: number; keyPrefix?: string };
  /** Event methods, forwarded. */
  on?: (...args: unknown[]) => unknown;
  once?: (...args: unknown[]) => unknown;
  off?: (...args: unknown[]) => unknown;
  [method: string]: unknown;
}

/** Options of a faithful client. */
export interface FaithfulOptions {
  /** Time source (defaults to Date.now, which the mock's lazy expiry also reads). */
  now?: () => number;
}

/**
 * Engines by store identity. ioredis-mock shares one store between every instance with the same
 * host, port, db and key prefix, but gives each instance its own `data` wrapper, so the key is
 * built from the options. The runner pools store names, so this stays small.
 */
const engines = new Map<string, Engine>();

/** One engine per mock store, so clients on the same store share WATCH versions. */
function engineFor(mock: MockLike, options: FaithfulOptions): Engine {
  const { host, port, db, keyPrefix } = mock.options ?? {};
  const id = `${host}|${port}|${db ?? 0}|${keyPrefix ?? ''}`;
  let engine = engines.get(id);
  if (!engine) {
    const Ctor = mock.constructor as new (o: object) => MockLike;
    // Other databases are sibling mocks on the same host:port (the mock keys stores by db).
    // `data` is left out: it would re-seed the sibling.
    engine = createEngine({
      now: options.now,
      storeFor: (db) =>
        db === 0 ? mock : new Ctor({ host, port, keyPrefix, db, lazyConnect: true }),
    });
    engines.set(id, engine);
  }
  return engine;
}

/** A queued command of a pipeline, with its optional per-command callback. */
interface Queued {
  argv: Arg[];
  buffers: boolean;
  callback?: Callback;
}

/** `client.multi()` / `client.pipeline()`: chainable queue; `exec()` runs it. */
export class FaithfulPipeline {
  private readonly queue: Queued[] = [];

  constructor(
    private readonly client: FaithfulClient,
    private readonly transaction: boolean,
  ) {}

  /** Queues any command by name, like ioredis's `pipeline.call`. */
  call(name: string, ...args: unknown[]): this {
    return this.add(String(name).toLowerCase(), args, false);
  }

  /** Number of queued commands. */
  get length(): number {
    return this.queue.length;
  }

  /** @internal */
  add(name: string, rawArgs: unknown[], buffers: boolean): this {
    const [args, callback] = splitCallback(rawArgs);
    this.queue.push({ argv: [name, ...normalizeArgs(name, args)], buffers, callback });
    return this;
  }

  /** Runs the queue: `[err, reply][]`, or null when a WATCHed key changed. */
  exec(callback?: Callback): Promise<unknown> {
    return withCallback(this.client.runBatch(this.queue.splice(0), this.transaction), callback);
  }
}

/** An ioredis-compatible client whose replies match Redis 7. */
export class FaithfulClient {
  /** ioredis's connection status; the sandbox is always ready. */
  readonly status = 'ready';
  private readonly conn: Connection;

  constructor(
    private readonly engine: Engine,
    private readonly mock: MockLike | null = null,
  ) {
    this.conn = engine.connect();
  }

  /** Sends any command by name: `redis.call('SET', 'k', 'v')`. Replies come unshaped, as from ioredis's `call`. */
  call(name: string, ...args: unknown[]): Promise<unknown> {
    return this.send(String(name), args, false);
  }

  /** `call` with Buffer replies. */
  callBuffer(name: string, ...args: unknown[]): Promise<unknown> {
    return this.send(String(name), args, true);
  }

  /** EXEC after `multi({ pipeline: false })`: like ioredis, results come as `[err, reply]` pairs. */
  exec(callback?: Callback): Promise<unknown> {
    const result = this.send('exec', [], false).then((reply) =>
      Array.isArray(reply) ? reply.map((r) => (r instanceof ReplyError ? [r] : [null, r])) : reply,
    );
    return withCallback(result, callback);
  }

  /** A transaction (MULTI … EXEC). `multi({ pipeline: false })` sends MULTI at once, as ioredis does. */
  multi(options: { pipeline: false }): Promise<unknown>;
  multi(commands?: unknown[][] | { pipeline?: true }): FaithfulChain;
  multi(commands?: unknown[][] | { pipeline?: boolean }): FaithfulChain | Promise<unknown> {
    if (commands && !Array.isArray(commands) && commands.pipeline === false)
      return this.send('multi', [], false);
    return this.batch(true, Array.isArray(commands) ? commands : undefined);
  }

  /** A pipeline: commands run in order, each with its own `[err, reply]`. */
  pipeline(commands?: unknown[][]): FaithfulChain {
    return this.batch(false, commands);
  }

  /** Resolves 'OK', as ioredis's quit does. */
  quit(): Promise<string> {
    return Promise.resolve('OK');
  }

  /** No-op: there is no connection to close. */
  disconnect(): void {}

  /** A new connection (own SELECT/MULTI/WATCH state) on the same data. */
  duplicate(): FaithfulRedis {
    return new FaithfulClient(this.engine, this.mock) as FaithfulRedis;
  }

  /** Event listeners are forwarded to the mock (it emits `connect`, `ready`, `end`). */
  on(event: string, listener: (...args: unknown[]) => void): this {
    this.mock?.on?.call(this.mock, event, listener);
    return this;
  }

  /** See `on`. */
  once(event: string, listener: (...args: unknown[]) => void): this {
    this.mock?.once?.call(this.mock, event, listener);
    return this;
  }

  /** See `on`. */
  off(event: string, listener: (...args: unknown[]) => void): this {
    this.mock?.off?.call(this.mock, event, listener);
    return this;
  }

  /** The selected database (SELECT). */
  get db(): number {
    return this.conn.db;
  }

  /** Whether a MULTI is open on this connection (redis-cli's `(TX)` prompt). */
  get inTransaction(): boolean {
    return this.conn.multi !== null;
  }

  /** Executes one command on this connection and returns the typed reply (for redis-cli). */
  executeRaw(argv: Arg[]): Reply {
    return this.engine.execute(this.conn, argv);
  }

  /** @internal `name` goes over the wire as given (Redis echoes it in "unknown command"). */
  send(wireName: string, rawArgs: unknown[], buffers: boolean): Promise<unknown> {
    const name = wireName.toLowerCase();
    const [args, callback] = splitCallback(rawArgs);
    if (DELEGATED.has(name) && this.mock) {
      const method = this.mock[buffers ? `${name}Buffer` : name];
      if (typeof method === 'function') {
        return withCallback(
          Promise.resolve().then(() => method.apply(this.mock, args)),
          callback,
        );
      }
    }
    // ioredis's argument transformers are keyed by exact name too.
    const argv = [wireName, ...normalizeArgs(wireName, args)];
    let result: Promise<unknown>;
    try {
      const reply = this.engine.execute(this.conn, argv);
      result =
        reply instanceof ReplyError
          ? Promise.reject(stampCommand(reply, argv))
          : Promise.resolve(shape(wireName, reply, buffers));
    } catch (err) {
      // An engine bug must surface as a rejection, never as a synchronous throw.
      result = Promise.reject(err);
    }
    return withCallback(result, callback);
  }

  /** @internal Runs a pipeline's queue, as ioredis does over one connection. */
  async runBatch(queue: Queued[], transaction: boolean): Promise<unknown> {
    if (!transaction) {
      return queue.map(({ argv, buffers, callback }) => {
        const reply = this.engine.execute(this.conn, argv);
        const entry =
          reply instanceof ReplyError
            ? [stampCommand(reply, argv)]
            : [null, shape(toText(argv[0]), reply, buffers)];
        callback?.((entry[0] as Error | null) ?? null, entry[1]);
        return entry;
      });
    }
    const begin = this.engine.execute(this.conn, ['multi']);
    if (begin instanceof ReplyError) throw begin;
    const queued = queue.map(({ argv }) => this.engine.execute(this.conn, argv));
    const result = this.engine.execute(this.conn, ['exec']);
    if (result instanceof ReplyError) {
      stampCommand(result, ['exec']);
      result.previousErrors = queued.flatMap((r, i) =>
        r instanceof ReplyError ? [stampCommand(r, queue[i].argv)] : [],
      );
      throw result;
    }
    if (result === null || !Array.isArray(result)) return null;
    return result.map((reply, i) => {
      const { argv, buffers, callback } = queue[i];
      const entry =
        reply instanceof ReplyError ? [reply] : [null, shape(toText(argv[0]), reply, buffers)];
      callback?.((entry[0] as Error | null) ?? null, entry[1]);
      return entry;
    });
  }

  private batch(transaction: boolean, commands?: unknown[][]): FaithfulChain {
    const pipeline = new FaithfulPipeline(this, transaction);
    for (const [name, ...args] of commands ?? [])
      pipeline.add(String(name).toLowerCase(), args, false);
    return pipeline as FaithfulChain;
  }
}

for (const name of COMMAND_NAMES) {
  if (OWN.has(name)) continue;
  for (const [method, buffers] of [
    [name, false],
    [`${name}Buffer`, true],
  ] as const) {
    Object.defineProperty(FaithfulClient.prototype, method, {
      value(this: FaithfulClient, ...args: unknown[]) {
        return this.send(name, args, buffers);
      },
      writable: true,
      configurable: true,
    });
    if (name === 'exec' || name === 'multi') continue;
    Object.defineProperty(FaithfulPipeline.prototype, method, {
      value(this: FaithfulPipeline, ...args: unknown[]) {
        return this.add(name, args, buffers);
      },
      writable: true,
      configurable: true,
    });
  }
}

/** A pipeline with ioredis's chainable command methods (`.set(...).get(...)`). */
export type FaithfulChain = FaithfulPipeline &
  Record<string, (...args: unknown[]) => FaithfulChain>;

/** A FaithfulClient with ioredis's command methods (`get`, `set`, `hgetall`, … and `…Buffer`). */
export type FaithfulRedis = FaithfulClient &
  Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Wraps an ioredis-mock instance so that it answers like Redis 7. */
export function withFidelity(mock: object, options: FaithfulOptions = {}): FaithfulRedis {
  const m = mock as MockLike;
  return new FaithfulClient(engineFor(m, options), m) as FaithfulRedis;
}

/** Creates a fresh mock with `new RedisMock(mockOptions)` and wraps it. */
export function createFaithfulClient(
  RedisMock: new (options?: object) => object,
  mockOptions: object = {},
  options: FaithfulOptions = {},
): FaithfulRedis {
  return withFidelity(new RedisMock(mockOptions), options);
}
