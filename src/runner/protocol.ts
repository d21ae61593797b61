/**
 * Messages between the page and the runner worker (and between the CLI and its worker thread).
 * Both ends import this module and parse what arrives; nothing is cast. Every run carries an id,
 * and a receiver drops messages whose id it is not waiting for.
 */
import { z } from 'zod/mini';
import { keyspaceSnapshotSchema } from './keyspace-snapshot.ts';

const runErrorSchema = z.object({
  kind: z.enum(['compile', 'load', 'timeout', 'memory', 'violation']),
  message: z.string(),
  line: z.optional(z.int().check(z.positive())),
  column: z.optional(z.int().check(z.positive())),
});

const traceEntrySchema = z.object({
  command: z.string(),
  args: z.array(z.string()),
  reply: z.string(),
  atMs: z.number(),
});

const keyspaceEntrySchema = z.object({
  key: z.string(),
  type: z.string(),
  preview: z.string(),
  ttlMs: z.nullable(z.number()),
});

/** Schema of one check's result as it crosses the worker boundary. */
export const checkResultSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  message: z.optional(z.string()),
  line: z.optional(z.int().check(z.positive())),
  column: z.optional(z.int().check(z.positive())),
  durationMs: z.number(),
  trace: z.optional(z.array(traceEntrySchema)),
  traceOmitted: z.optional(z.int().check(z.nonnegative())),
  keyspace: z.optional(z.array(keyspaceEntrySchema)),
  clockAdvancedMs: z.optional(z.number()),
});

/** Schema of a whole run report as it crosses the worker boundary. */
export const runReportSchema = z.object({
  lesson: z.string(),
  passed: z.boolean(),
  checks: z.array(checkResultSchema),
  error: z.optional(runErrorSchema),
  console: z.string(),
  durationMs: z.number(),
  snapshot: z.optional(keyspaceSnapshotSchema),
});

/** Messages the host sends to the worker. */
export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), runId: z.string(), lesson: z.string(), source: z.string() }),
]);

/** Messages the worker sends to the host. */
export const fromWorkerSchema = z.discriminatedUnion('type', [
  /** The worker has loaded, locked down and (in the browser) proved its network is blocked. */
  z.object({ type: z.literal('ready'), startupMs: z.number() }),
  /** The worker cannot run learner code at all, e.g. its security header is missing. */
  z.object({ type: z.literal('fatal'), message: z.string() }),
  /** One check finished; lets the host keep partial results if the run is later cut short. */
  z.object({
    type: z.literal('check'),
    runId: z.string(),
    index: z.int(),
    result: checkResultSchema,
  }),
  z.object({ type: z.literal('done'), runId: z.string(), report: runReportSchema }),
]);

/** A message to the worker. */
export type ToWorker = z.infer<typeof toWorkerSchema>;
/** A message from the worker. */
export type FromWorker = z.infer<typeof fromWorkerSchema>;

/**
 * `verify --redis`: the worker thread's requests to the host, which owns the sockets to the
 * real server. Arguments are strings or bytes; replies are whatever ioredis resolved to.
 */
const wireArgSchema = z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array)]);

/** Schema of one request from the worker's server backend to the host. */
export const redisRequestSchema = z.object({
  id: z.int(),
  /** Which of the check's two connections: the check's own (`host`) or the learner's. */
  conn: z.enum(['host', 'learner']),
  op: z.discriminatedUnion('type', [
    /** Empties the database and resets the learner's connection, before and after a check. */
    z.object({ type: z.literal('reset') }),
    /** One ioredis method call, e.g. `get`, `hsetBuffer` or `call`. */
    z.object({ type: z.literal('command'), method: z.string(), args: z.array(wireArgSchema) }),
    /** A pipeline or MULTI/EXEC, sent as one batch. */
    z.object({
      type: z.literal('batch'),
      transaction: z.boolean(),
      commands: z.array(z.object({ method: z.string(), args: z.array(wireArgSchema) })),
    }),
    /** The keyspace as the check left it. */
    z.object({ type: z.literal('snapshot') }),
  ]),
});

/** An error as it crosses from the host: Redis's text, and whether Redis replied with it. */
const redisErrorSchema = z.object({
  message: z.string(),
  reply: z.boolean(),
  previousErrors: z.optional(z.array(z.string())),
});

/** Schema of the host's answer to one request. */
export const redisResponseSchema = z.union([
  z.object({ id: z.int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ id: z.int(), ok: z.literal(false), error: redisErrorSchema }),
]);

/** A request to the host's Redis connections. */
export type RedisRequest = z.infer<typeof redisRequestSchema>;
/** The host's answer. */
export type RedisResponse = z.infer<typeof redisResponseSchema>;
/** An error as sent by the host. */
export type RedisWireError = z.infer<typeof redisErrorSchema>;
