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
 * EVAL/EVALSHA/SCRIPT go through the engine too, into cachelab's own Lua VM (src/redis/lua).
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
import { prefixKeys } from './key-prefix.ts';
import { MULTI_FRAME_COMMANDS, isSubscribed } from './fidelity/pubsub.ts';
import { sha1Hex } from './lua/sha1.ts';
import {
  SCAN_STREAM_METHODS,
  ScanStream,
  type ListenerCall,
  type ScanStreamOptions,
} from './scan-stream.ts';
import { Status, type Arg, type Connection, type Reply, type Store } from './fidelity/types.ts';

type Callback = (err: Error | null, result?: unknown) => void;

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
  'defineCommand',
]);

/** Commands ioredis still sends on a connection in subscriber mode (Command.FLAGS). */
const VALID_IN_SUBSCRIBER_MODE = new Set([
  'subscribe',
  'psubscribe',
  'unsubscribe',
  'punsubscribe',
  'ssubscribe',
  'sunsubscribe',
  'ping',
  'quit',
]);

/** ioredis's own error for any other command on such a connection (it never reaches Redis). */
export const SUBSCRIBER_MODE_ERROR =
  'Connection in subscriber mode, only subscriber commands may be used';

/** Events a client emits itself (pushed messages); the others are forwarded to the mock. */
const PUSH_EVENTS = new Set([
  'message',
  'messageBuffer',
  'pmessage',
  'pmessageBuffer',
  'smessage',
  'smessageBuffer',
]);

/** ioredis's argument handling: objects/Maps for HSET/HMSET/MSET/MSETNX, one-level flatten, toArg. */
export function normalizeArgs(name: string, input: unknown[]): Arg[] {
  // Most commands arrive as strings only (the sandbox facade has normalized them already), and
  // then there is nothing to flatten or convert: this path is most of every command's cost.
  let allStrings = true;
  for (let i = 0; i < input.length; i++)
    if (typeof input[i] !== 'string') {
      allStrings = false;
      break;
    }
  if (allStrings) return input.slice() as string[];
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
  // Always a copy: a Buffer from the store itself must never be handed out (callers could
  // write into the stored value). The sandbox facade copies again into a plain Uint8Array.
  return B ? B.from(value) : new Uint8Array(value);
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

/**
 * What ioredis resolves (P|S)(UN)SUBSCRIBE with: the subscription count of the last reply frame
 * (it consumes one frame per channel and resolves the command with the final count).
 */
function lastFrameCount(frames: Reply): Reply {
  if (!Array.isArray(frames) || frames.length === 0) return frames;
  const last = frames[frames.length - 1];
  return Array.isArray(last) ? (last[2] ?? null) : frames;
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

/**
 * One engine per mock store, so clients on the same store share WATCH versions. A `keyPrefix` is
 * the client's business, as in ioredis (see key-prefix.ts): the engine works on the whole store,
 * through an unprefixed sibling of a prefixed mock (ioredis-mock would prefix inside its store).
 */
function engineFor(mock: MockLike, options: FaithfulOptions): Engine {
  const { host, port, db, keyPrefix } = mock.options ?? {};
  const id = `${host}|${port}|${db ?? 0}`;
  let engine = engines.get(id);
  if (!engine) {
    const Ctor = mock.constructor as new (o: object) => MockLike;
    // Other databases are sibling mocks on the same host:port (the mock keys stores by db).
    // `data` is left out: it would re-seed the sibling.
    engine = createEngine({
      now: options.now,
      storeFor: (db) =>
        db === 0 && !keyPrefix ? mock : new Ctor({ host, port, db, lazyConnect: true }),
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
    const argv = [name, ...prefixKeys(name, normalizeArgs(name, args), this.client.keyPrefix)];
    this.queue.push({ argv, buffers, callback });
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
  /** Listeners of pushed-message events, by event. */
  private readonly pushListeners = new Map<
    string,
    { fn: (...a: unknown[]) => void; once: boolean }[]
  >();
  /**
   * Settles once every command sent before it has its reply. Set while a blocking command
   * waits: Redis answers a connection's commands in order, so later ones queue behind it.
   */
  private tail: Promise<void> | null = null;
  /** Scripts of `defineCommand`, by method name. */
  private readonly scripts = new Map<string, { lua: string; numberOfKeys?: number }>();

  constructor(
    private readonly engine: Engine,
    private readonly mock: MockLike | null = null,
    /** ioredis's `keyPrefix`: added to every key argument this client sends. */
    readonly keyPrefix = '',
  ) {
    this.conn = engine.connect();
    // A published message arrives after the command that published it has returned, as it
    // would over a socket: listeners never run inside the engine.
    this.conn.push = (message) => void Promise.resolve().then(() => this.deliver(message));
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

  /** Resolves 'OK', as ioredis's quit does; the connection's subscriptions end with it. */
  quit(): Promise<string> {
    this.engine.disconnect(this.conn);
    return Promise.resolve('OK');
  }

  /** Drops the connection's subscriptions and a command it was blocked in. */
  disconnect(): void {
    this.engine.disconnect(this.conn);
  }

  /** A new connection (own SELECT/MULTI/WATCH state) on the same data. */
  duplicate(): FaithfulRedis {
    return new FaithfulClient(this.engine, this.mock, this.keyPrefix) as FaithfulRedis;
  }

  /**
   * Pub/sub events (`message`, `pmessage`, `smessage` and their `…Buffer` twins) come from this
   * connection; other listeners are forwarded to the mock (it emits `connect`, `ready`, `end`).
   */
  on(event: string, listener: (...args: unknown[]) => void): this {
    if (PUSH_EVENTS.has(event)) this.addPushListener(event, listener, false);
    else this.mock?.on?.call(this.mock, event, listener);
    return this;
  }

  /** See `on`. */
  once(event: string, listener: (...args: unknown[]) => void): this {
    if (PUSH_EVENTS.has(event)) this.addPushListener(event, listener, true);
    else this.mock?.once?.call(this.mock, event, listener);
    return this;
  }

  /** See `on`. */
  off(event: string, listener: (...args: unknown[]) => void): this {
    const list = this.pushListeners.get(event);
    const i = list?.findIndex((l) => l.fn === listener) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
    else this.mock?.off?.call(this.mock, event, listener);
    return this;
  }

  /** Alias of `on`. */
  addListener(event: string, listener: (...args: unknown[]) => void): this {
    return this.on(event, listener);
  }

  /** Alias of `off`. */
  removeListener(event: string, listener: (...args: unknown[]) => void): this {
    return this.off(event, listener);
  }

  /** Number of pub/sub listeners for an event. */
  listenerCount(event: string): number {
    return this.pushListeners.get(event)?.length ?? 0;
  }

  /**
   * ioredis's `defineCommand(name, { numberOfKeys, lua })`: a method (and `…Buffer` twin, also
   * on pipelines) that sends EVALSHA and falls back to EVAL on NOSCRIPT, as ioredis does.
   * Without `numberOfKeys`, the caller passes it as the first argument.
   */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void {
    const lua = String(definition.lua);
    const numberOfKeys =
      typeof definition.numberOfKeys === 'number' ? definition.numberOfKeys : undefined;
    for (const [method, buffers] of [
      [name, false],
      [`${name}Buffer`, true],
    ] as const) {
      this.scripts.set(method, { lua, numberOfKeys });
      Object.defineProperty(this, method, {
        value: (...args: unknown[]) => this.runScript(lua, numberOfKeys, args, buffers),
        writable: true,
        configurable: true,
      });
    }
  }

  private runScript(
    lua: string,
    numberOfKeys: number | undefined,
    rawArgs: unknown[],
    buffers: boolean,
  ): Promise<unknown> {
    const [args, callback] = splitCallback(rawArgs);
    const rest = numberOfKeys === undefined ? args : [numberOfKeys, ...args];
    const sha = sha1Hex(new TextEncoder().encode(lua));
    // ioredis's Script.execute: EVALSHA first, EVAL when the server answers NOSCRIPT.
    const result = this.send('evalsha', [sha, ...rest], buffers).catch((err: unknown) => {
      if (err instanceof ReplyError && err.message.startsWith('NOSCRIPT'))
        return this.send('eval', [lua, ...rest], buffers);
      throw err;
    });
    return withCallback(result, callback);
  }

  private addPushListener(event: string, fn: (...a: unknown[]) => void, once: boolean): void {
    if (typeof fn !== 'function') return;
    const list = this.pushListeners.get(event) ?? [];
    list.push({ fn, once });
    this.pushListeners.set(event, list);
  }

  private emitPush(event: string, args: unknown[]): void {
    const list = this.pushListeners.get(event);
    if (!list) return;
    for (const entry of [...list]) {
      if (entry.once) list.splice(list.indexOf(entry), 1);
      entry.fn(...args);
    }
  }

  /** DataHandler.handleSubscriberReply: the events ioredis emits for one pushed message. */
  private deliver(message: Reply): void {
    if (!Array.isArray(message)) return;
    const [kind, ...rest] = message;
    const text = (r: Reply) => (r === null || r === undefined ? '' : toText(r as Arg));
    const bytes = (r: Reply) => toBuffer((r ?? '') as Arg);
    if (kind === 'message' || kind === 'smessage') {
      this.emitPush(kind, [text(rest[0]), text(rest[1])]);
      this.emitPush(`${kind}Buffer`, [bytes(rest[0]), bytes(rest[1])]);
    } else if (kind === 'pmessage') {
      this.emitPush('pmessage', [text(rest[0]), text(rest[1]), text(rest[2])]);
      // ioredis hands the pattern of pmessageBuffer over as a string.
      this.emitPush('pmessageBuffer', [text(rest[0]), bytes(rest[1]), bytes(rest[2])]);
    }
  }

  /** The selected database (SELECT). */
  get db(): number {
    return this.conn.db;
  }

  /** Whether a MULTI is open on this connection (redis-cli's `(TX)` prompt). */
  get inTransaction(): boolean {
    return this.conn.multi !== null;
  }

  /** Whether this connection holds a subscription (ioredis's subscriber mode). */
  get subscriberMode(): boolean {
    return isSubscribed(this.conn);
  }

  /** Executes one command on this connection and returns the typed reply (for redis-cli). */
  executeRaw(argv: Arg[]): Reply {
    return this.engine.execute(this.conn, argv);
  }

  /** @internal `name` goes over the wire as given (Redis echoes it in "unknown command"). */
  send(wireName: string, rawArgs: unknown[], buffers: boolean): Promise<unknown> {
    const [args, callback] = splitCallback(rawArgs);
    let argv: Arg[];
    try {
      // ioredis's argument transformers are keyed by exact name too.
      argv = [wireName, ...prefixKeys(wireName, normalizeArgs(wireName, args), this.keyPrefix)];
    } catch (err) {
      return withCallback(Promise.reject(err), callback);
    }
    if (!this.tail) return withCallback(this.sendNow(wireName, argv, buffers), callback);
    // A blocking command is pending on this connection: answer after it, in order.
    const result = this.tail.then(() => this.sendNow(wireName, argv, buffers));
    this.follow(result);
    return withCallback(result, callback);
  }

  /** Makes later commands wait for `pending` (and everything before it). */
  private follow(pending: Promise<unknown>): void {
    const tail: Promise<void> = pending.then(
      () => {},
      () => {},
    );
    this.tail = tail;
    void tail.then(() => {
      if (this.tail === tail) this.tail = null;
    });
  }

  private sendNow(wireName: string, argv: Arg[], buffers: boolean): Promise<unknown> {
    const name = wireName.toLowerCase();
    // ioredis refuses these itself: the command never reaches the server.
    if (isSubscribed(this.conn) && !VALID_IN_SUBSCRIBER_MODE.has(name))
      return Promise.reject(new Error(SUBSCRIBER_MODE_ERROR));
    const answer = (reply: Reply): unknown => {
      if (reply instanceof ReplyError) throw stampCommand(reply, argv);
      if (MULTI_FRAME_COMMANDS.has(name)) return toIoredisValue(lastFrameCount(reply), buffers);
      return shape(wireName, reply, buffers);
    };
    try {
      const reply = this.engine.dispatch(this.conn, argv);
      if (reply instanceof Promise) {
        const result = reply.then(answer);
        this.follow(result);
        return result;
      }
      return Promise.resolve().then(() => answer(reply));
    } catch (err) {
      // An engine bug must surface as a rejection, never as a synchronous throw.
      return Promise.reject(err);
    }
  }

  /** @internal Runs a pipeline's queue, as ioredis does over one connection. */
  async runBatch(queue: Queued[], transaction: boolean): Promise<unknown> {
    if (this.tail) await this.tail;
    if (!transaction) {
      const entries: unknown[][] = [];
      for (const { argv, buffers, callback } of queue) {
        // A blocking command inside a pipeline waits, holding up the rest, as on a socket.
        let reply = this.engine.dispatch(this.conn, argv);
        if (reply instanceof Promise) reply = await reply;
        const entry =
          reply instanceof ReplyError
            ? [stampCommand(reply, argv)]
            : [null, shape(toText(argv[0]), reply, buffers)];
        callback?.((entry[0] as Error | null) ?? null, entry[1]);
        entries.push(entry);
      }
      return entries;
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
    // defineCommand scripts queue as EVAL (ioredis loads them with SCRIPT LOAD first; the
    // replies are the same).
    for (const [method, { lua, numberOfKeys }] of this.scripts)
      Object.defineProperty(pipeline, method, {
        value: (...args: unknown[]) =>
          pipeline.add(
            'eval',
            [lua, ...(numberOfKeys === undefined ? [] : [numberOfKeys]), ...args],
            method.endsWith('Buffer'),
          ),
        configurable: true,
      });
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

for (const [method, command, keyed, buffers] of SCAN_STREAM_METHODS) {
  Object.defineProperty(FaithfulClient.prototype, method, {
    value(this: FaithfulClient, ...input: unknown[]) {
      const key = keyed ? (input[0] as string | Uint8Array) : null;
      const options = ((keyed ? input[1] : input[0]) ?? {}) as ScanStreamOptions;
      return new ScanStream((args) => this.send(command, args, buffers), key, options);
    },
    writable: true,
    configurable: true,
  });
}

/** ioredis's scan streams, e.g. `redis.scanStream({ match: 'user:*', count: 100 })`. */
export interface ScanStreams {
  /** SCAN, page by page. */
  scanStream(options?: ScanStreamOptions): ScanStream;
  /** SCAN with byte replies. */
  scanBufferStream(options?: ScanStreamOptions): ScanStream;
  /** SSCAN of a set. */
  sscanStream(key: string, options?: ScanStreamOptions): ScanStream;
  /** SSCAN with byte replies. */
  sscanBufferStream(key: string, options?: ScanStreamOptions): ScanStream;
  /** HSCAN of a hash. */
  hscanStream(key: string, options?: ScanStreamOptions): ScanStream;
  /** HSCAN with byte replies. */
  hscanBufferStream(key: string, options?: ScanStreamOptions): ScanStream;
  /** ZSCAN of a sorted set. */
  zscanStream(key: string, options?: ScanStreamOptions): ScanStream;
  /** ZSCAN with byte replies. */
  zscanBufferStream(key: string, options?: ScanStreamOptions): ScanStream;
}

export type { ListenerCall, ScanStreamOptions };

/** A pipeline with ioredis's chainable command methods (`.set(...).get(...)`). */
export type FaithfulChain = FaithfulPipeline &
  Record<string, (...args: unknown[]) => FaithfulChain>;

/** A FaithfulClient with ioredis's command methods (`get`, `set`, `hgetall`, … and `…Buffer`). */
export type FaithfulRedis = FaithfulClient &
  ScanStreams &
  Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Wraps an ioredis-mock instance so that it answers like Redis 7. */
export function withFidelity(mock: object, options: FaithfulOptions = {}): FaithfulRedis {
  const m = mock as MockLike;
  const keyPrefix = m.options?.keyPrefix;
  return new FaithfulClient(
    engineFor(m, options),
    m,
    typeof keyPrefix === 'string' ? keyPrefix : '',
  ) as FaithfulRedis;
}

/** Creates a fresh mock with `new RedisMock(mockOptions)` and wraps it. */
export function createFaithfulClient(
  RedisMock: new (options?: object) => object,
  mockOptions: object = {},
  options: FaithfulOptions = {},
): FaithfulRedis {
  return withFidelity(new RedisMock(mockOptions), options);
}
