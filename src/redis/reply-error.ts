/**
 * Redis error replies, shaped like ioredis's.
 *
 * ioredis re-exports `ReplyError` from `redis-errors`, but that package's entry point reads
 * `process.version` and requires node's `assert`, so it cannot load in the browser worker.
 * This is an equivalent class: same name, same `RedisError` base, message = Redis's text.
 * The sandbox's `ioredis` module exports this class as `ReplyError`, so learner code doing
 * `err instanceof ReplyError` sees the same class the client throws.
 */

/** Base class of every error Redis sends back, as in `redis-errors`. */
export class RedisError extends Error {
  get name(): string {
    return this.constructor.name;
  }
}

/** An error reply from Redis; `message` is the exact text Redis sent, e.g. `ERR syntax error`. */
export class ReplyError extends RedisError {
  /** The command that failed, set on errors inside pipelines and transactions (as ioredis does). */
  command?: { name: string; args: string[] };
  /** For an EXECABORT, the errors of the commands that were rejected while queueing. */
  previousErrors?: ReplyError[];
}

/** Redis's exact messages for errors shared by several command families. */
export const ERR = {
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  noSuchKey: 'ERR no such key',
  overflow: 'ERR increment or decrement would overflow',
  nanOrInf: 'ERR increment would produce NaN or Infinity',
  arity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
} as const;

/** Throwable error reply; command handlers throw these and the engine turns them into replies. */
export function replyError(message: string): ReplyError {
  return new ReplyError(message);
}
