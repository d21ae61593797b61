/**
 * The worker thread's side of `verify --redis`: a RedisBackend whose clients have no socket.
 * Every command is a message to the host thread (redis-server-host.ts), which owns the two
 * ioredis connections to the real server and answers with what ioredis resolved to.
 *
 * Why the socket lives with the host and not here: learner code must still run in this
 * locked-down worker (SES Compartment, memory cap, terminated on a hard timeout), exactly as
 * on the sandbox, so the grading path under test is the real one. A socket in this thread
 * would sit in the same realm as learner code, and ioredis would have to load before
 * lockdown and keep working under frozen intrinsics. Over the port, the worker can only ask
 * for commands the host allows, on the one database the user named, and a worker killed
 * mid-check leaves no half-open connection behind: the host resets the database before the
 * next check.
 */
import { list as ioredisCommands } from '@ioredis/commands';
import { normalizeArgs } from '../redis/faithful-client.ts';
import { ReplyError } from '../redis/reply-error.ts';
import type { RedisBackend, Store } from '../runner/redis-backend.ts';
import type { KeyspaceEntry } from '../runner/report.ts';
import type { RawRedis } from '../runner/sandbox-redis.ts';
import {
  redisResponseSchema,
  type RedisPort,
  type RedisRequest,
  type RedisWireError,
} from '../runner/protocol.ts';

type Conn = RedisRequest['conn'];
type Op = RedisRequest['op'];
type Send = (conn: Conn, op: Op) => Promise<unknown>;
type Callback = (err: unknown, result?: unknown) => void;

const COMMANDS = new Set(ioredisCommands);

/** Extra learner connections a check may open on the server (matches the protocol's names). */
const MAX_EXTRA_CONNECTIONS = 64;

/** Whether `method` is an ioredis command method (`get`, `getBuffer`, `call`, ...). */
function isCommandMethod(method: string): boolean {
  return (
    method === 'call' || method === 'callBuffer' || COMMANDS.has(method.replace(/Buffer$/, ''))
  );
}

/** ioredis's argument handling, done here so only strings and bytes cross the port. */
function encodeArgs(method: string, args: unknown[]): (string | Uint8Array)[] {
  if (method === 'call' || method === 'callBuffer') {
    const [name, ...rest] = args;
    return [String(name), ...normalizeArgs(String(name).toLowerCase(), rest)];
  }
  return normalizeArgs(method.replace(/Buffer$/, ''), args);
}

/** Bytes come back as Uint8Array from the structured clone; ioredis gives Buffers. */
function decodeValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.length);
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v);
    return out;
  }
  return value;
}

/** An error from the host as ioredis would have raised it. */
export function decodeError(error: RedisWireError): Error {
  if (!error.reply) return new Error(error.message);
  const reply = new ReplyError(error.message);
  if (error.previousErrors)
    reply.previousErrors = error.previousErrors.map((m) => new ReplyError(m));
  return reply;
}

function splitCallback(args: unknown[]): [unknown[], Callback | undefined] {
  return typeof args[args.length - 1] === 'function'
    ? [args.slice(0, -1), args[args.length - 1] as Callback]
    : [args, undefined];
}

function withCallback(promise: Promise<unknown>, callback: Callback | undefined): Promise<unknown> {
  if (callback)
    promise.then(
      (r) => callback(null, r),
      (e: unknown) => callback(e),
    );
  return promise;
}

/** A pipeline or transaction: queues method calls, sends them as one batch on `exec`. */
function batchBuilder(conn: Conn, send: Send, transaction: boolean, initial?: unknown): RawRedis {
  const queue: { method: string; args: (string | Uint8Array)[] }[] = [];
  if (Array.isArray(initial)) {
    for (const command of initial) {
      if (Array.isArray(command) && command.length > 0)
        queue.push({
          method: String(command[0]).toLowerCase(),
          args: encodeArgs(String(command[0]).toLowerCase(), command.slice(1)),
        });
    }
  }
  const builder: RawRedis = new Proxy(
    {},
    {
      get(_target, prop) {
        if (typeof prop !== 'string') return undefined;
        if (prop === 'length') return queue.length;
        if (prop === 'exec') {
          return (callback?: Callback) => {
            const commands = queue.splice(0);
            const result = send(conn, { type: 'batch', transaction, commands }).then((value) =>
              value === null
                ? null
                : (value as [RedisWireError | null, unknown][]).map(([error, reply]) =>
                    error ? [decodeError(error)] : [null, decodeValue(reply)],
                  ),
            );
            return withCallback(result, callback);
          };
        }
        if (!isCommandMethod(prop)) return undefined;
        return (...raw: unknown[]) => {
          const [args] = splitCallback(raw);
          queue.push({ method: prop, args: encodeArgs(prop, args) });
          return builder;
        };
      },
    },
  ) as RawRedis;
  return builder;
}

/** A client (RawRedis) whose commands run on the host's connection `conn`. */
function serverClient(conn: Conn, send: Send): RawRedis {
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  const client: RawRedis = new Proxy(
    {},
    {
      get(_target, prop) {
        if (typeof prop !== 'string') return undefined;
        if (prop === 'status') return 'ready';
        if (prop === 'multi' || prop === 'pipeline')
          return (commands?: unknown) => batchBuilder(conn, send, prop === 'multi', commands);
        // Connection events and pub/sub messages never fire here.
        if (prop === 'on' || prop === 'once' || prop === 'off') return () => client;
        if (!isCommandMethod(prop)) return undefined;
        let method = methods.get(prop);
        if (!method) {
          method = (...raw: unknown[]) => {
            const [args, callback] = splitCallback(raw);
            let result: Promise<unknown>;
            try {
              result = send(conn, {
                type: 'command',
                method: prop,
                args: encodeArgs(prop, args),
              }).then(decodeValue);
            } catch (error) {
              result = Promise.reject(error);
            }
            return withCallback(result, callback);
          };
          methods.set(prop, method);
        }
        return method;
      },
    },
  ) as RawRedis;
  return client;
}

/**
 * A backend on a real server, reached through the host over `port`. Every check starts and
 * ends with the database emptied; the fake clock ages keys by re-setting TTLs (PEXPIRE).
 */
export function serverBackend(port: RedisPort): RedisBackend {
  let nextId = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  port.on('message', (raw: unknown) => {
    const parsed = redisResponseSchema.safeParse(raw);
    if (!parsed.success) return;
    const response = parsed.data;
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (response.ok) waiter.resolve(response.value);
    else waiter.reject(decodeError(response.error));
  });
  const send: Send = (conn, op) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      port.postMessage({ id, conn, op } satisfies RedisRequest);
    });
  const host = serverClient('host', send);
  const learner = serverClient('learner', send);
  return {
    ttlAging: 'pexpire',
    async openStore(): Promise<Store> {
      await send('learner', { type: 'reset' });
      // Extra learner clients are real connections on the host, so WATCH and MULTI on one never
      // leak into another. The host closes them all when the learner's connection is reset.
      let extra = 0;
      return {
        host,
        learner,
        connect() {
          if (extra >= MAX_EXTRA_CONNECTIONS)
            throw new ReplyError(
              `ERR cachelab verify --redis allows at most ${MAX_EXTRA_CONNECTIONS} extra connections per check`,
            );
          extra++;
          return serverClient(`learner-${extra}`, send);
        },
        snapshot: async () => (await send('host', { type: 'snapshot' })) as KeyspaceEntry[],
        async close() {
          await send('learner', { type: 'reset' });
        },
      };
    },
  };
}
