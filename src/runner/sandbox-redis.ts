/**
 * The Redis client that learner code sees. It is a hardened facade, never the raw client (the
 * raw one exposes internals and mutable methods). Every command goes through `issue` or a
 * pipeline's `exec`, which stringify the arguments once (wire-args.ts) and hand those same
 * values to the store, the command log and the trace. Method names that reach the raw client
 * are only ever names from the command table: learner text picks a command, never a method.
 *
 * Each evaluation of the learner's module gets its own `ioredis` module (createIoredisModule),
 * whose `Redis` class is bound to that evaluation's check: a client made by code of a check that
 * is over refuses commands, and can never reach a later check's store.
 */
import { list as commandList } from '@ioredis/commands';
import type { CommandRecorder, Settle } from './command-recorder.ts';
import { commandName, plainReply, wireArgs } from './wire-args.ts';
import { formatReply, typedFromClient } from '../redis/cli-format.ts';
import { RedisError, ReplyError } from '../redis/reply-error.ts';
import {
  SCAN_STREAM_METHODS,
  ScanStream,
  type ListenerCall,
  type ScanStreamOptions,
} from '../redis/scan-stream.ts';
import type { Arg } from '../redis/fidelity/types.ts';
import { prefixKeys } from '../redis/key-prefix.ts';
import { hardenFresh, hardenShape } from './harden-fresh.ts';

/** The subset of an ioredis(-mock) client the facade drives. */
export type RawRedis = Record<string, unknown>;

/** EXEC's reply as redis-cli prints it, typing each entry by the command that was queued for it. */
function execReplyText(
  results: [unknown, unknown][],
  sent: { name: string; args: Arg[] }[],
): string {
  try {
    return formatReply(
      results.map((pair, i) => {
        const [error, reply] = Array.isArray(pair) ? pair : [null, pair];
        const ctx = {
          command: sent[i]?.name ?? '',
          args: sent[i]?.args.map((a) => (typeof a === 'string' ? a : new TextDecoder().decode(a))),
          isError: Boolean(error),
        };
        return typedFromClient(error ?? reply, ctx);
      }),
    );
  } catch {
    return '(unprintable reply)';
  }
}

/** Where a facade sends its commands: one check's store, and that check's recorder. */
export interface StoreBinding {
  /** The raw client on the check's store. */
  raw: RawRedis;
  /** The check's recorder. */
  recorder: CommandRecorder;
  /** False once the check is over; a closed binding refuses commands. */
  open: boolean;
  /** Event listeners learner code added (event, learner's function, our wrapper, the connection), removed when the check ends. */
  listeners: [string, unknown, (...args: unknown[]) => void, RawRedis][];
  /**
   * Opens another connection on the same store, when the backend can: then every client
   * (`new Redis()`, `duplicate()`, `ctx.client`) has its own, as with ioredis, so WATCH, MULTI
   * and SUBSCRIBE of one app server never mix with another's. Without it, all share `raw`.
   */
  connect?(): RawRedis;
  /** Called before every command through the binding (run-lesson.ts: `Deadlines.poll`). */
  beforeCommand?(): void;
}

/** A client facade's connection on one binding. */
interface Target {
  binding: StoreBinding;
  raw: RawRedis;
}

const connections = new WeakMap<object, Target>();

/** The facade's own connection on the binding its resolver answers now (made on first use). */
function targetOf(facade: object, binding: StoreBinding): Target {
  binding.beforeCommand?.();
  let target = connections.get(facade);
  if (!target || target.binding !== binding) {
    target = { binding, raw: binding.connect ? binding.connect() : binding.raw };
    connections.set(facade, target);
  }
  return target;
}

/** Ends a binding: later commands through it are refused and its listeners are removed. */
export function closeBinding(binding: StoreBinding): void {
  binding.open = false;
  for (const [event, , wrapped, raw] of binding.listeners.splice(0)) {
    const off = raw.off;
    if (typeof off === 'function') Reflect.apply(off, raw, [event, wrapped]);
  }
}

/** Finds the binding a facade should use right now, or throws a learner-facing error. */
export type BindingResolver = () => StoreBinding;

/** Lower-case names of every command a facade has a method for (plus a `…Buffer` twin). */
const COMMANDS: readonly string[] = commandList.filter((name) => /^[a-z_]+$/.test(name));
const COMMAND_SET = new Set(COMMANDS);
/** Commands that only `exec()`/`discard()` may send: queued inside a pipeline they would shift every reply. */
const PIPELINE_CONTROL = new Set(['exec', 'multi', 'discard']);

const facadeState = new WeakMap<object, BindingResolver>();
/** ioredis's `keyPrefix` of each facade that has one (key-prefix.ts). */
const keyPrefixes = new WeakMap<object, string>();

function keyPrefixOf(facade: unknown): string {
  return (typeof facade === 'object' && facade !== null && keyPrefixes.get(facade)) || '';
}

/** The `keyPrefix` of ioredis's constructor arguments (`new Redis(options)`, `(port, host, options)`, ...). */
function keyPrefixOption(options: unknown[]): string {
  let prefix = '';
  for (const option of options)
    if (typeof option === 'object' && option !== null) {
      // Read once: a getter cannot hand out one prefix to check and another to use.
      const value: unknown = (option as { keyPrefix?: unknown }).keyPrefix;
      if (typeof value === 'string') prefix = value;
    }
  return prefix;
}

/** The facade's connection on its current binding (throws a learner-facing error when closed). */
function target(facade: unknown): Target {
  return targetOf(facade as object, resolverOf(facade)());
}

/** A pipeline resolves its client's connection when it runs, not when it is made. */
function targetGetter(facade: unknown): () => Target {
  const resolve = resolverOf(facade);
  return () => targetOf(facade as object, resolve());
}

function resolverOf(facade: unknown): BindingResolver {
  const resolve =
    typeof facade === 'object' && facade !== null ? facadeState.get(facade) : undefined;
  if (!resolve)
    throw new TypeError('Redis methods must be called on a client, e.g. redis.get(key)');
  return resolve;
}

/** Calls a learner's node-style callback, only while its check is still running. */
function callBack(
  binding: StoreBinding,
  callback: ((err: unknown, res?: unknown) => void) | undefined,
  error: unknown,
  reply?: unknown,
): void {
  if (!callback || !binding.open) return;
  try {
    if (error) Reflect.apply(callback, undefined, [error]);
    else Reflect.apply(callback, undefined, [null, reply]);
  } catch {
    // A throwing callback must not turn into an unhandled rejection in the host.
  }
}

/** `getBuffer` → `get`: the command a `…Buffer` method sends. */
function withoutBuffer(method: string): string {
  return method.endsWith('Buffer') ? method.slice(0, -6) : method;
}

/**
 * Sends one command through a binding: arguments stringified once, recorded, callback-style
 * supported. `method` is a facade method name (a command, its `…Buffer` twin, `call` or
 * `callBuffer`); for `call`/`callBuffer` the learner's first argument names the command.
 */
function issue(
  { binding, raw }: Target,
  method: string,
  rawArgs: unknown[],
  keyPrefix = '',
): Promise<unknown> {
  let callback: ((err: unknown, res?: unknown) => void) | undefined;
  let name: string;
  let argv: Arg[];
  try {
    // slice, not spread: after lockdown an array spread takes V8's slow path.
    const args = rawArgs.slice();
    if (typeof args[args.length - 1] === 'function')
      callback = args.pop() as (err: unknown, res?: unknown) => void;
    const viaCall = method === 'call' || method === 'callBuffer';
    name = viaCall ? commandName(args.shift()) : withoutBuffer(method);
    argv = prefixKeys(name, wireArgs(name, args), keyPrefix);
  } catch (error) {
    return Promise.reject(error);
  }
  const settle = binding.recorder.begin(name, argv);
  let promise: Promise<unknown>;
  try {
    const target = raw[method];
    if (typeof target !== 'function') throw new ReplyError(`ERR unknown command '${name}'`);
    const viaCall = method === 'call' || method === 'callBuffer';
    promise = Promise.resolve(Reflect.apply(target, raw, viaCall ? [name, ...argv] : argv));
  } catch (error) {
    promise = Promise.reject(error);
  }
  const settled = promise.then(
    (reply) => {
      settle(reply, false);
      const plain = plainReply(reply);
      callBack(binding, callback, null, plain);
      return plain;
    },
    (error: unknown) => {
      settle(error, true);
      callBack(binding, callback, error);
      throw error;
    },
  );
  // With a callback, ioredis callers often ignore the promise; its rejection went to the callback.
  if (callback) settled.catch(() => {});
  return settled;
}

/** One queued pipeline command: the facade method (a table name or `call`) and its wire arguments. */
interface Queued {
  method: string;
  name: string;
  argv: Arg[];
  callback?: (err: unknown, res?: unknown) => void;
}

const pipelineState = new WeakMap<
  object,
  { target: () => Target; queue: Queued[]; transaction: boolean; keyPrefix: string }
>();

function pipelineOf(facade: unknown) {
  const state =
    typeof facade === 'object' && facade !== null ? pipelineState.get(facade) : undefined;
  if (!state)
    throw new TypeError(
      'Pipeline methods must be called on a pipeline, e.g. redis.multi().set(k, v)',
    );
  return state;
}

/** Stringifies one queued command now, so the values cannot change before `exec()`. */
function queued(method: string, rawArgs: readonly unknown[], keyPrefix: string): Queued {
  const args = [...rawArgs];
  const callback =
    typeof args[args.length - 1] === 'function'
      ? (args.pop() as (err: unknown, res?: unknown) => void)
      : undefined;
  const name = method === 'call' ? commandName(args.shift()) : withoutBuffer(method);
  if (PIPELINE_CONTROL.has(name.toLowerCase()))
    throw new TypeError(
      `${name.toUpperCase()} cannot be queued inside a pipeline or transaction: call .exec() or .discard() on it instead`,
    );
  return { method, name, argv: prefixKeys(name, wireArgs(name, args), keyPrefix), callback };
}

/** `redis.multi()` and `redis.pipeline()`: queues commands, records them when `exec` runs. */
class SandboxPipeline {
  constructor(target: () => Target, transaction: boolean, commands: unknown, keyPrefix = '') {
    const queue: Queued[] = [];
    if (commands !== undefined && commands !== null && !Array.isArray(commands)) commands = [];
    for (const command of (commands as unknown[] | undefined) ?? []) {
      if (!Array.isArray(command) || command.length === 0)
        throw new TypeError('Each queued command must be an array like ["set", "key", "value"]');
      const [rawName, ...args] = command as unknown[];
      const method = commandName(rawName).toLowerCase();
      // Only names from the command table pick a method; anything else is not a command.
      const base = method.replace(/buffer$/, '');
      if (!COMMAND_SET.has(base) || PIPELINE_CONTROL.has(base))
        throw new TypeError(`"${method}" is not a Redis command that can be queued`);
      queue.push(queued(method.endsWith('buffer') ? `${base}Buffer` : base, args, keyPrefix));
    }
    pipelineState.set(this, { target, queue, transaction, keyPrefix });
    hardenFresh(this);
  }

  /** Runs the queued commands; resolves to ioredis's `[error, reply][]`. */
  async exec(callback?: (err: unknown, res?: unknown) => void): Promise<unknown> {
    const state = pipelineOf(this);
    const { binding, raw } = state.target();
    const queue = state.queue.splice(0);
    const rawFactory = raw[state.transaction ? 'multi' : 'pipeline'];
    if (typeof rawFactory !== 'function') throw new Error('ERR pipelines are not available');
    const rawPipe = Reflect.apply(rawFactory, raw, []) as RawRedis;
    // Every method is checked before anything is logged or sent, so a refused queue runs nothing.
    for (const { method, name } of queue)
      if (typeof rawPipe[method] !== 'function')
        throw new ReplyError(`ERR unknown command '${name}'`);
    const settles: Settle[] = [];
    const settleMulti = state.transaction ? binding.recorder.begin('multi', []) : undefined;
    for (const { method, name, argv } of queue) {
      const target = rawPipe[method] as (...args: unknown[]) => unknown;
      settles.push(binding.recorder.begin(name, argv));
      Reflect.apply(target, rawPipe, method === 'call' ? [name, ...argv] : argv);
    }
    const settleExec = state.transaction ? binding.recorder.begin('exec', []) : undefined;
    settleMulti?.('OK', false);
    try {
      const results = (await Reflect.apply(rawPipe.exec as () => Promise<unknown>, rawPipe, [])) as
        [unknown, unknown][] | null;
      const plain = results === null ? null : (plainReply(results) as [unknown, unknown][]);
      // One result per queued command, in order; a transaction WATCH aborted ran none of them.
      (plain ?? []).forEach((pair, i) => {
        const [error, reply] = Array.isArray(pair) ? pair : [null, pair];
        settles[i]?.(error ?? reply, Boolean(error));
        callBack(binding, queue[i]?.callback, error, reply);
      });
      settleExec?.(
        results,
        false,
        results
          ? execReplyText(
              results,
              queue.map((q) => ({ name: q.name.toLowerCase(), args: q.argv })),
            )
          : undefined,
      );
      callBack(binding, callback, null, plain);
      return plain;
    } catch (error) {
      settleExec?.(error, true);
      callBack(binding, callback, error);
      throw error;
    }
  }

  /** Queues any command by name, as ioredis's `pipeline.call('SET', 'k', 'v')`. */
  call(...args: unknown[]): this {
    const state = pipelineOf(this);
    state.queue.push(queued('call', args, state.keyPrefix));
    return this;
  }

  /** Drops the queued commands. */
  discard(): void {
    pipelineOf(this).queue.length = 0;
  }

  /** How many commands are queued. */
  get length(): number {
    return pipelineOf(this).queue.length;
  }
}

for (const name of COMMANDS) {
  for (const method of [name, `${name}Buffer`]) {
    if (PIPELINE_CONTROL.has(name)) continue;
    Object.defineProperty(SandboxPipeline.prototype, method, {
      value: {
        [method](this: unknown, ...args: unknown[]) {
          const state = pipelineOf(this);
          state.queue.push(queued(method, args, state.keyPrefix));
          return this;
        },
      }[method],
      writable: true,
      configurable: true,
    });
  }
}

function listen(
  { binding, raw }: Target,
  how: 'on' | 'once',
  event: unknown,
  listener: unknown,
): void {
  const add = raw[how];
  if (
    typeof event !== 'string' ||
    !EVENTS.has(event) ||
    typeof listener !== 'function' ||
    typeof add !== 'function'
  )
    return;
  const wrapped = (...args: unknown[]): void => {
    // A store event after the check is over never reaches learner code.
    if (!binding.open) return;
    try {
      Reflect.apply(listener, undefined, plainReply(args) as unknown[]);
    } catch {
      // A throwing listener must not break the emit loop.
    }
  };
  binding.listeners.push([event, listener, wrapped, raw]);
  Reflect.apply(add, raw, [event, wrapped]);
}

const EVENTS = new Set([
  'message',
  'messageBuffer',
  'pmessage',
  'pmessageBuffer',
  'smessage',
  'smessageBuffer',
  'connect',
  'ready',
  'error',
  'end',
  'close',
]);

let pendingResolver: BindingResolver | undefined;

/**
 * The client class behind every facade. Learner code never gets this class itself, only a
 * per-module subclass (createIoredisModule); constructing it directly, without a resolver,
 * throws.
 */
export class SandboxRedis {
  /** Always "ready": there is no connection to wait for. */
  declare readonly status: string;

  constructor(...options: unknown[]) {
    // Host, port and db are ignored: they can only ever lead to the current check's store.
    // `keyPrefix` is kept: ioredis adds it to every key the client sends.
    const resolve = pendingResolver;
    pendingResolver = undefined;
    if (!resolve) throw new Error('Redis clients can only be created while your code runs');
    const keyPrefix = keyPrefixOption(options);
    facadeState.set(this, resolve);
    if (keyPrefix) keyPrefixes.set(this, keyPrefix);
    Object.defineProperty(this, 'status', { value: 'ready', enumerable: true });
    // A frozen object over the shared, hardened prototype; a learner's subclass gets `harden`.
    hardenFresh(this);
  }

  /** Sends any command by name, as ioredis's `redis.call('SET', 'k', 'v')`. */
  call(...args: unknown[]): Promise<unknown> {
    return issue(target(this), 'call', args, keyPrefixOf(this));
  }

  /** `call`, with Uint8Array replies. */
  callBuffer(...args: unknown[]): Promise<unknown> {
    return issue(target(this), 'callBuffer', args, keyPrefixOf(this));
  }

  /** Starts a MULTI/EXEC transaction. */
  multi(commands?: unknown): SandboxPipeline {
    return new SandboxPipeline(targetGetter(this), true, commands, keyPrefixOf(this));
  }

  /** Starts a pipeline. */
  pipeline(commands?: unknown): SandboxPipeline {
    return new SandboxPipeline(targetGetter(this), false, commands, keyPrefixOf(this));
  }

  /** A second client on the same store. */
  duplicate(): SandboxRedis {
    const copy = clientWithResolver(resolverOf(this));
    const keyPrefix = keyPrefixOf(this);
    if (keyPrefix) keyPrefixes.set(copy, keyPrefix);
    return copy;
  }

  /** Resolves at once: there is no connection to open. */
  async connect(): Promise<void> {
    resolverOf(this);
  }

  /** Resolves "OK" without closing anything, since the store belongs to the check. */
  async quit(): Promise<string> {
    resolverOf(this);
    return 'OK';
  }

  /** Does nothing, like disconnecting a client that has nothing to close. */
  disconnect(): void {
    resolverOf(this);
  }

  /** ioredis's defineCommand would register a script outside the command log; refuse it with a pointer to EVAL. */
  defineCommand(): never {
    throw new Error(
      'defineCommand is not available in the cachelab sandbox; use redis.eval(script, numberOfKeys, ...args) instead',
    );
  }

  /** Subscribes to client events (pub/sub messages; connection events never fire). */
  on(event: string, listener: (...args: unknown[]) => void): this {
    listen(target(this), 'on', event, listener);
    return this;
  }

  /** Same as `on`, for one event. */
  once(event: string, listener: (...args: unknown[]) => void): this {
    listen(target(this), 'once', event, listener);
    return this;
  }

  /** Removes a listener added with `on`. */
  off(event: string, listener: (...args: unknown[]) => void): this {
    const { binding, raw } = target(this);
    const off = raw.off;
    const index = binding.listeners.findIndex(
      ([e, original, , on]) => e === event && original === listener && on === raw,
    );
    if (index >= 0 && typeof off === 'function') {
      const [[, , wrapped]] = binding.listeners.splice(index, 1);
      Reflect.apply(off, raw, [event, wrapped]);
    }
    return this;
  }
}

for (const name of COMMANDS) {
  for (const method of [name, `${name}Buffer`]) {
    if (Object.prototype.hasOwnProperty.call(SandboxRedis.prototype, method)) continue;
    Object.defineProperty(SandboxRedis.prototype, method, {
      value: {
        [method](this: unknown, ...args: unknown[]) {
          return issue(target(this), method, args, keyPrefixOf(this));
        },
      }[method],
      writable: true,
      configurable: true,
    });
  }
}

for (const [method, command, keyed, buffers] of SCAN_STREAM_METHODS) {
  Object.defineProperty(SandboxRedis.prototype, method, {
    value: {
      [method](this: unknown, ...input: unknown[]) {
        const resolve = targetGetter(this);
        const { binding } = resolve();
        const key = keyed ? wireArgs(command, [input[0]])[0] : null;
        const raw = (keyed ? input[1] : input[0]) ?? {};
        // Options read once, as plain values: a getter cannot change them page by page.
        const options: ScanStreamOptions = {};
        if (typeof raw === 'object' && raw !== null) {
          const { match, count, type } = raw as Record<string, unknown>;
          if (match !== undefined) options.match = commandName(match);
          if (count !== undefined) options.count = Number(count);
          if (type !== undefined) options.type = commandName(type);
        }
        // Every page is an ordinary command through the facade: logged, traced, refused once
        // the check is over; listeners only run while it lasts.
        const keyPrefix = keyPrefixOf(this);
        const page = (args: Arg[]) =>
          issue(resolve(), buffers ? `${command}Buffer` : command, args, keyPrefix);
        const call: ListenerCall = (listener, args) => {
          if (!binding.open) return false;
          try {
            Reflect.apply(listener, undefined, args);
          } catch {
            // A throwing listener must not stop the stream's host-side loop with an unhandled error.
          }
          return true;
        };
        return harden(new ScanStream(page, key, options, call));
      },
    }[method],
    writable: true,
    configurable: true,
  });
}

for (const alias of ['addListener', 'removeListener'] as const) {
  Object.defineProperty(SandboxRedis.prototype, alias, {
    value: alias === 'addListener' ? SandboxRedis.prototype.on : SandboxRedis.prototype.off,
    writable: true,
    configurable: true,
  });
}

/** A facade bound to one resolver (used for `ctx.client` and `duplicate()`). */
export function clientWithResolver(resolve: BindingResolver): SandboxRedis {
  hardenSharedOnce();
  pendingResolver = resolve;
  try {
    return new SandboxRedis();
  } finally {
    pendingResolver = undefined;
  }
}

/** A facade bound to exactly one check's store; it refuses commands once the check is over. */
export function clientFor(binding: StoreBinding, onStale?: (note: string) => void): SandboxRedis {
  return clientWithResolver(() => {
    if (!binding.open) {
      const note = 'This Redis client belonged to an earlier check and is closed';
      onStale?.(note);
      throw new Error(note);
    }
    return binding;
  });
}

/** Whether a value is one of the sandbox's client facades. */
export function isSandboxClient(value: unknown): boolean {
  return typeof value === 'object' && value !== null && facadeState.has(value);
}

/**
 * The module one evaluation of the learner's code gets for `import ... from 'ioredis'`: default
 * and named `Redis`, `ReplyError`, `RedisError`. Its `Redis` connects to whatever `resolve`
 * answers, so every evaluation (one per check, one per `newServer()`) has its own, and
 * `instanceof Redis` holds for every sandbox client.
 */
export function createIoredisModule(resolve: BindingResolver): object {
  hardenSharedOnce();
  // Decision: per evaluation only a constructor function and the module record are new; the
  // prototype every facade uses is SandboxRedis's, hardened once per realm. A class per
  // evaluation (what this was) cost about 9 µs to define and freeze, per check. Nothing per-check
  // lives in the shared parts: a facade's binding is in `facadeState`, keyed by the facade, and
  // the resolver is closed over here, so the shared prototype cannot carry a client, a store or a
  // binding from one check to the next (tests/runner/shared-facade-isolation.test.ts).
  const Redis = function Redis(...options: unknown[]): SandboxRedis {
    if (new.target === undefined)
      throw new TypeError("Class constructor Redis cannot be invoked without 'new'");
    pendingResolver = resolve;
    try {
      // `new.target` keeps a learner's `class Cache extends Redis` working as with a class.
      return Reflect.construct(SandboxRedis, options, new.target) as SandboxRedis;
    } finally {
      pendingResolver = undefined;
    }
  };
  Redis.prototype = SandboxRedis.prototype;
  Object.defineProperty(Redis, Symbol.hasInstance, { value: hasInstance });
  // Redis's own parts are all new here (its prototype is the shared, hardened one), so freezing
  // it is what harden would do, at a fraction of the cost.
  Object.freeze(Redis);
  // ReplyError is the class the fidelity layer rejects with, so `err instanceof ReplyError` holds.
  return Object.freeze({
    __esModule: true,
    default: Redis,
    Redis,
    ReplyError,
    RedisError,
  });
}

// Learners know the client as ioredis's `Redis`, and a timeout report shows it in the call that
// was running (`saveUser(Redis { status: 'ready' }, …)`). Without this it read `SandboxRedis`,
// and in the minified browser bundle a name such as `V5`. Set before the class is hardened.
Object.defineProperty(SandboxRedis, 'name', { value: 'Redis' });

let sharedHardened = false;

/** Hardens what every evaluation and facade shares, once per realm. */
function hardenSharedOnce(): void {
  if (sharedHardened) return;
  harden([ReplyError, RedisError, hasInstance]);
  hardenShape(SandboxRedis);
  hardenShape(SandboxPipeline);
  sharedHardened = true;
}

/** `client instanceof Redis` holds for every sandbox client, whichever evaluation made it. */
const hasInstance = { [Symbol.hasInstance]: (value: unknown) => isSandboxClient(value) }[
  Symbol.hasInstance
];
