/**
 * The Redis client that learner code sees. It is a hardened facade, never the raw ioredis-mock
 * instance (hardening the instance breaks `multi()`, and the raw one exposes `data`, `expires`
 * and mutable methods). Every command goes through here, so it is recorded for `ctx.log` and
 * the trace, and Lua scripts get a sandboxed environment before ioredis-mock runs them.
 */
import { list as commandList } from '@ioredis/commands';
import type { CommandLog, LoggedCommand } from './checks-api.ts';
import type { TraceEntry } from './report.ts';
import { formatClientReply, formatReply, typedFromClient } from '../redis/cli-format.ts';
import { RedisError, ReplyError } from '../redis/reply-error.ts';

/** The subset of an ioredis(-mock) client the facade drives. */
export type RawRedis = Record<string, unknown>;

/** Most trace entries kept per check; the rest are counted in `traceOmitted`. */
export const TRACE_LIMIT = 200;
/** Most commands kept in a check's log, so a runaway loop cannot exhaust memory through it. */
export const LOG_LIMIT = 20_000;

/** Records what the learner's code sent during one check. */
export class CommandRecorder {
  private readonly entries: LoggedCommand[] = [];
  private readonly traceEntries: TraceEntry[] = [];
  private omitted = 0;
  private readonly startedAt: number;

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  /** Notes a command as sent; the returned function fills in its reply once it settles. */
  begin(name: string, args: string[]): (reply: unknown, isError: boolean, text?: string) => void {
    const lower = name.toLowerCase();
    if (this.entries.length < LOG_LIMIT) this.entries.push({ name: lower, args });
    if (this.traceEntries.length >= TRACE_LIMIT) {
      this.omitted++;
      return () => {};
    }
    const entry: TraceEntry = {
      command: lower.toUpperCase(),
      args,
      reply: '',
      atMs: round(now() - this.startedAt),
    };
    this.traceEntries.push(entry);
    return (reply, isError, text) => {
      entry.reply = text ?? safeReplyText(lower, args, reply, isError);
    };
  }

  /** The check-facing, read-only view of the log. */
  readonly log: CommandLog = {
    all: () => this.entries.map((e) => ({ name: e.name, args: [...e.args] })),
    names: () => this.entries.map((e) => e.name),
    only: (name) =>
      this.entries
        .filter((e) => e.name === name.toLowerCase())
        .map((e) => ({ name: e.name, args: [...e.args] })),
  };

  /** The trace for the report, with how many entries the cap left out. */
  trace(): { trace: TraceEntry[]; traceOmitted: number } {
    return {
      trace: this.traceEntries.map((e) => ({ ...e, args: [...e.args] })),
      traceOmitted: this.omitted,
    };
  }
}

function now(): number {
  return globalThis.performance ? performance.now() : Date.now();
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function safeReplyText(command: string, args: string[], reply: unknown, isError: boolean): string {
  try {
    return formatClientReply(reply, { command, args, isError });
  } catch {
    return isError ? '(error)' : '(unprintable reply)';
  }
}

/** EXEC's reply as redis-cli prints it, typing each entry by the command that was queued for it. */
function execReplyText(
  results: [unknown, unknown][],
  sent: { name: string; args: string[] }[],
): string {
  try {
    return formatReply(
      results.map((pair, i) => {
        const [error, reply] = Array.isArray(pair) ? pair : [null, pair];
        const ctx = { command: sent[i]?.name ?? '', args: sent[i]?.args, isError: Boolean(error) };
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
  /** Event listeners learner code added to `raw` (event, learner's function, our wrapper), removed when the check ends. */
  listeners: [string, unknown, (...args: unknown[]) => void][];
}

/** Ends a binding: later commands through it are refused and its listeners are removed. */
export function closeBinding(binding: StoreBinding): void {
  binding.open = false;
  const off = binding.raw.off;
  if (typeof off === 'function') {
    for (const [event, , wrapped] of binding.listeners.splice(0))
      Reflect.apply(off, binding.raw, [event, wrapped]);
  }
}

/** Finds the binding a facade should use right now, or throws a learner-facing error. */
export type BindingResolver = () => StoreBinding;

/** Commands that run Lua; a script may not call them (no nested scripts). */
export const LUA_COMMANDS = [
  'eval',
  'evalsha',
  'eval_ro',
  'evalsha_ro',
  'script',
  'function',
  'fcall',
  'fcall_ro',
];

/**
 * One line prepended to every Lua script. ioredis-mock's fengari state opens `os`, `io`,
 * `package`, `debug`, `load` and the JS bridge `js`, which reach the host. The script runs
 * with an allowlisted `_ENV` instead, and `redis.call` refuses commands that would run
 * another, unguarded script. It stays on line 1 so Lua's line numbers do not move.
 */
export const LUA_PROLOGUE =
  `local __r, __b = redis, {${LUA_COMMANDS.map((c) => `["${c}"]=true`).join(',')}}; ` +
  `local function __g(c) if type(c) == "string" and __b[string.lower(c)] then error("ERR " .. c .. " is not allowed from a script in the cachelab sandbox", 3) end end; ` +
  `local _ENV = { KEYS = KEYS, ARGV = ARGV, assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, ` +
  `pcall = pcall, xpcall = xpcall, select = select, tonumber = tonumber, tostring = tostring, type = type, unpack = table.unpack, ` +
  `rawequal = rawequal, rawget = rawget, rawset = rawset, rawlen = rawlen, setmetatable = setmetatable, getmetatable = getmetatable, ` +
  `string = string, table = table, math = math, cjson = cjson, cmsgpack = cmsgpack, bit = bit, struct = struct, ` +
  `redis = { call = function(c, ...) __g(c) return __r.call(c, ...) end, pcall = function(c, ...) __g(c) return __r.pcall(c, ...) end, ` +
  `status_reply = __r.status_reply, error_reply = __r.error_reply, sha1hex = __r.sha1hex, log = __r.log } }; `;

/** Applies the Lua guard to the script argument of EVAL and SCRIPT LOAD. */
function guardLua(name: string, args: unknown[]): unknown[] {
  const base = name.replace(/Buffer$/, '').toLowerCase();
  if ((base === 'eval' || base === 'eval_ro') && args.length > 0) {
    return [LUA_PROLOGUE + String(args[0]), ...args.slice(1)];
  }
  if (base === 'script' && args.length > 1 && String(args[0]).toLowerCase() === 'load') {
    return [args[0], LUA_PROLOGUE + String(args[1]), ...args.slice(2)];
  }
  return args;
}

/** Stringifies arguments the way they go over the wire: arrays flattened, objects as field/value pairs. */
export function wireArgs(args: readonly unknown[]): string[] {
  const out: string[] = [];
  const push = (value: unknown, depth: number): void => {
    try {
      if (Array.isArray(value) && depth === 0) {
        for (const item of value) push(item, 1);
      } else if (value instanceof Map && depth === 0) {
        for (const [k, v] of value) out.push(wireValue(k), wireValue(v));
      } else if (
        value !== null &&
        typeof value === 'object' &&
        !(value instanceof Uint8Array) &&
        depth === 0
      ) {
        for (const [k, v] of Object.entries(value)) out.push(k, wireValue(v));
      } else {
        out.push(wireValue(value));
      }
    } catch {
      out.push('[unreadable]');
    }
  };
  for (const arg of args) push(arg, 0);
  return out;
}

function wireValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === 'symbol') return value.toString();
  try {
    return String(value);
  } catch {
    return '[unreadable]';
  }
}

/** Command method names every facade has: the ioredis command list plus their *Buffer variants. */
const COMMANDS: readonly string[] = commandList.filter((name) => /^[a-z_]+$/.test(name));

const facadeState = new WeakMap<object, BindingResolver>();

function resolverOf(facade: unknown): BindingResolver {
  const resolve =
    typeof facade === 'object' && facade !== null ? facadeState.get(facade) : undefined;
  if (!resolve)
    throw new TypeError('Redis methods must be called on a client, e.g. redis.get(key)');
  return resolve;
}

/**
 * Sends one command through a binding: recorded, Lua-guarded, callback-style supported.
 * `call`/`callBuffer` put the command name first in `rawArgs`; it is recorded and Lua-guarded
 * as that command, so `redis.call('EVAL', ...)` cannot skip the guard.
 */
function issue(binding: StoreBinding, name: string, rawArgs: unknown[]): Promise<unknown> {
  const args = [...rawArgs];
  const callback =
    typeof args[args.length - 1] === 'function'
      ? (args.pop() as (err: unknown, res?: unknown) => void)
      : undefined;
  const viaCall = name === 'call' || name === 'callBuffer';
  const commandName = viaCall ? wireValue(args.shift()).toLowerCase() : name;
  const guarded = viaCall
    ? [commandName, ...guardLua(commandName, args)]
    : guardLua(commandName, args);
  const done = binding.recorder.begin(commandName.replace(/Buffer$/, ''), wireArgs(args));
  const method = binding.raw[name];
  let promise: Promise<unknown>;
  try {
    if (typeof method !== 'function') throw new ReplyError(`ERR unknown command '${name}'`);
    promise = Promise.resolve(Reflect.apply(method, binding.raw, guarded));
  } catch (error) {
    promise = Promise.reject(error);
  }
  const settled = promise.then(
    (reply) => {
      done(reply, false);
      return reply;
    },
    (error: unknown) => {
      done(error, true);
      throw error;
    },
  );
  if (callback) {
    settled.then(
      (reply) => callback(null, reply),
      (error: unknown) => callback(error),
    );
  }
  return settled;
}

interface Queued {
  name: string;
  args: unknown[];
}

const pipelineState = new WeakMap<
  object,
  { resolve: BindingResolver; queue: Queued[]; transaction: boolean }
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

/** `redis.multi()` and `redis.pipeline()`: queues commands, records them when `exec` runs. */
class SandboxPipeline {
  constructor(resolve: BindingResolver, transaction: boolean, commands: unknown) {
    const queue: Queued[] = [];
    if (Array.isArray(commands)) {
      for (const command of commands) {
        if (Array.isArray(command) && command.length > 0)
          queue.push({ name: String(command[0]).toLowerCase(), args: command.slice(1) });
      }
    }
    pipelineState.set(this, { resolve, queue, transaction });
    harden(this);
  }

  /** Runs the queued commands; resolves to ioredis's `[error, reply][]`. */
  async exec(callback?: (err: unknown, res?: unknown) => void): Promise<unknown> {
    const state = pipelineOf(this);
    const binding = state.resolve();
    const queue = state.queue.splice(0);
    const rawFactory = binding.raw[state.transaction ? 'multi' : 'pipeline'];
    if (typeof rawFactory !== 'function') throw new Error('ERR pipelines are not available');
    const rawPipe = Reflect.apply(rawFactory, binding.raw, []) as RawRedis;
    const marks: ((reply: unknown, isError: boolean) => void)[] = [];
    const sent: { name: string; args: string[] }[] = [];
    const markMulti = state.transaction ? binding.recorder.begin('multi', []) : undefined;
    for (const { name, args } of queue) {
      let cleanArgs = typeof args[args.length - 1] === 'function' ? args.slice(0, -1) : args;
      // `pipeline.call('SET', ...)` is recorded and Lua-guarded as the command it names.
      const viaCall = name === 'call';
      const commandName = viaCall ? wireValue(cleanArgs[0]).toLowerCase() : name;
      if (viaCall) cleanArgs = cleanArgs.slice(1);
      const wire = wireArgs(cleanArgs);
      sent.push({ name: commandName.replace(/Buffer$/, '').toLowerCase(), args: wire });
      marks.push(binding.recorder.begin(commandName.replace(/Buffer$/, ''), wire));
      const method = rawPipe[name];
      if (typeof method !== 'function') throw new ReplyError(`ERR unknown command '${name}'`);
      const guarded = guardLua(commandName, cleanArgs);
      Reflect.apply(method, rawPipe, viaCall ? [commandName, ...guarded] : guarded);
    }
    const markExec = state.transaction ? binding.recorder.begin('exec', []) : undefined;
    markMulti?.('OK', false);
    try {
      const results = (await Reflect.apply(rawPipe.exec as () => Promise<unknown>, rawPipe, [])) as
        [unknown, unknown][] | null;
      (results ?? []).forEach((pair, i) => {
        const [error, reply] = Array.isArray(pair) ? pair : [null, pair];
        marks[i]?.(error ?? reply, Boolean(error));
      });
      markExec?.(results, false, results ? execReplyText(results, sent) : undefined);
      callback?.(null, results);
      return results;
    } catch (error) {
      markExec?.(error, true);
      callback?.(error);
      throw error;
    }
  }

  /** Queues any command by name, as ioredis's `pipeline.call('SET', 'k', 'v')`. */
  call(...args: unknown[]): this {
    pipelineOf(this).queue.push({ name: 'call', args });
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
    if (method === 'exec' || method === 'discard' || method === 'multi') continue;
    Object.defineProperty(SandboxPipeline.prototype, method, {
      value: {
        [method](this: unknown, ...args: unknown[]) {
          pipelineOf(this).queue.push({ name: method, args });
          return this;
        },
      }[method],
      writable: true,
      configurable: true,
    });
  }
}

function listen(
  binding: StoreBinding,
  how: 'on' | 'once',
  event: unknown,
  listener: unknown,
): void {
  const add = binding.raw[how];
  if (
    typeof event !== 'string' ||
    !EVENTS.has(event) ||
    typeof listener !== 'function' ||
    typeof add !== 'function'
  )
    return;
  const wrapped = (...args: unknown[]): void => {
    try {
      Reflect.apply(listener, undefined, args);
    } catch {
      // A throwing listener must not break ioredis-mock's emit loop.
    }
  };
  binding.listeners.push([event, listener, wrapped]);
  Reflect.apply(add, binding.raw, [event, wrapped]);
}

const EVENTS = new Set([
  'message',
  'messageBuffer',
  'pmessage',
  'pmessageBuffer',
  'connect',
  'ready',
  'error',
  'end',
  'close',
]);

/**
 * The client class learner code gets as `Redis` from 'ioredis'. `new Redis(anything)` ignores
 * its options and talks to the store of whichever check is running when a command is sent.
 */
export class SandboxRedis {
  /** Always "ready": there is no connection to wait for. */
  declare readonly status: string;

  constructor(...options: unknown[]) {
    // Options are ignored: host, port and db can only ever lead to the current check's store.
    void options;
    const resolve = pendingResolver ?? currentResolver;
    pendingResolver = undefined;
    if (!resolve) throw new Error('Redis clients can only be created while your code runs');
    facadeState.set(this, resolve);
    Object.defineProperty(this, 'status', { value: 'ready', enumerable: true });
    harden(this);
  }

  /** Sends any command by name, as ioredis's `redis.call('SET', 'k', 'v')`. */
  call(...args: unknown[]): Promise<unknown> {
    return issue(resolverOf(this)(), 'call', args);
  }

  /** `call`, with Buffer replies. */
  callBuffer(...args: unknown[]): Promise<unknown> {
    return issue(resolverOf(this)(), 'callBuffer', args);
  }

  /** Starts a MULTI/EXEC transaction. */
  multi(commands?: unknown): SandboxPipeline {
    return new SandboxPipeline(resolverOf(this), true, commands);
  }

  /** Starts a pipeline. */
  pipeline(commands?: unknown): SandboxPipeline {
    return new SandboxPipeline(resolverOf(this), false, commands);
  }

  /** A second client on the same store. */
  duplicate(): SandboxRedis {
    return clientWithResolver(resolverOf(this));
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

  /** ioredis's defineCommand runs Lua outside the guard; refuse it with a pointer to EVAL. */
  defineCommand(): never {
    throw new Error(
      'defineCommand is not available in the cachelab sandbox; use redis.eval(script, numberOfKeys, ...args) instead',
    );
  }

  /** Subscribes to client events (pub/sub messages; connection events never fire). */
  on(event: string, listener: (...args: unknown[]) => void): this {
    listen(resolverOf(this)(), 'on', event, listener);
    return this;
  }

  /** Same as `on`, for one event. */
  once(event: string, listener: (...args: unknown[]) => void): this {
    listen(resolverOf(this)(), 'once', event, listener);
    return this;
  }

  /** Removes a listener added with `on`. */
  off(event: string, listener: (...args: unknown[]) => void): this {
    const binding = resolverOf(this)();
    const off = binding.raw.off;
    const index = binding.listeners.findIndex(
      ([e, original]) => e === event && original === listener,
    );
    if (index >= 0 && typeof off === 'function') {
      const [[, , wrapped]] = binding.listeners.splice(index, 1);
      Reflect.apply(off, binding.raw, [event, wrapped]);
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
          return issue(resolverOf(this)(), method, args);
        },
      }[method],
      writable: true,
      configurable: true,
    });
  }
}
for (const alias of ['addListener', 'removeListener'] as const) {
  Object.defineProperty(SandboxRedis.prototype, alias, {
    value: alias === 'addListener' ? SandboxRedis.prototype.on : SandboxRedis.prototype.off,
    writable: true,
    configurable: true,
  });
}

let currentResolver: BindingResolver | undefined;
let pendingResolver: BindingResolver | undefined;

/** Sets where `new Redis()` in learner code connects: the running check's store, lazily resolved. */
export function setLearnerResolver(resolve: BindingResolver | undefined): void {
  currentResolver = resolve;
}

/** A facade bound to one resolver (used for `ctx.client` and `duplicate()`). */
export function clientWithResolver(resolve: BindingResolver): SandboxRedis {
  pendingResolver = resolve;
  try {
    return new SandboxRedis();
  } finally {
    pendingResolver = undefined;
  }
}

/** A facade bound to exactly one check's store; it refuses commands once the check is over. */
export function clientFor(binding: StoreBinding): SandboxRedis {
  return clientWithResolver(() => {
    if (!binding.open)
      throw new Error('This Redis client belonged to an earlier check and is closed');
    return binding;
  });
}

/** Whether a value is one of the sandbox's client facades. */
export function isSandboxClient(value: unknown): boolean {
  return typeof value === 'object' && value !== null && facadeState.has(value);
}

let ioredisModule: object | undefined;

/** The module learner code gets for `import ... from 'ioredis'`: default and named `Redis`, `ReplyError`, `RedisError`. Hardened, so one per realm. */
export function createIoredisModule(): object {
  // ReplyError is the class the fidelity layer rejects with, so `err instanceof ReplyError` holds.
  ioredisModule ??= harden({
    __esModule: true,
    default: SandboxRedis,
    Redis: SandboxRedis,
    ReplyError,
    RedisError,
  });
  return ioredisModule;
}
