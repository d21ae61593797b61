/**
 * Messages between a runner host (the page, the CLI) and its worker (a module Web Worker, a Node
 * child process). Both ends import this module and parse what arrives; nothing is cast. Every run
 * carries an id, and a receiver drops messages whose id it is not waiting for. The report types
 * in report.ts are inferred from these schemas, so there is one definition of each shape.
 *
 * Every string and list here has a maximum (limits.ts): the worker clamps before posting
 * (boundary-caps.ts), so a message over a cap can only come from a worker that is no longer
 * under the runner's control, and the host refuses it.
 */
import { z } from 'zod/mini';
import { keyspaceSnapshotSchema } from './keyspace-snapshot.ts';
import { BOUNDARY_LIMITS as L } from './limits.ts';

const text = (max: number) => z.string().check(z.maxLength(max));
const position = z.optional(z.int().check(z.positive()));

/** Why a whole run stopped before its checks could give a verdict. */
export const runErrorKindSchema = z.enum([
  'compile',
  'load',
  'timeout',
  'memory',
  'violation',
  /** The worker died without saying why (a crash, a signal, a fatal error of the engine). */
  'crashed',
]);

/** What a report may say was cut to fit the boundary caps. */
export const truncatedPartSchema = z.enum(['trace', 'console', 'keyspace', 'message', 'checks']);

const runErrorSchema = z.object({
  kind: runErrorKindSchema,
  message: text(L.messageChars),
  line: position,
  column: position,
  /** Timeout: the hard limit that was hit, in ms (structured, so nobody parses the message). */
  limitMs: z.optional(z.int().check(z.positive())),
  /** Timeout: the check that was running when the run was cut short. */
  check: z.optional(text(L.messageChars)),
  /** Timeout: the learner call in flight, e.g. "saveUser({ id: 1 })", when the worker said. */
  call: z.optional(text(L.messageChars)),
  /** Timeout: the checks that never started, in order. */
  notRun: z.optional(z.array(text(L.messageChars)).check(z.maxLength(L.checks))),
});

const traceEntrySchema = z.object({
  command: text(L.traceArgChars),
  args: z.array(text(L.traceArgChars)).check(z.maxLength(L.traceArgs)),
  reply: text(L.traceArgChars),
  atMs: z.number(),
});

const keyspaceEntrySchema = z.object({
  key: text(L.keyChars),
  type: text(L.keyChars),
  preview: text(L.keyChars),
  ttlMs: z.nullable(z.number()),
});

/** Schema of one check's result as it crosses the worker boundary. */
export const checkResultSchema = z.object({
  name: text(L.messageChars),
  passed: z.boolean(),
  message: z.optional(text(L.messageChars)),
  line: position,
  column: position,
  durationMs: z.number(),
  trace: z.optional(z.array(traceEntrySchema).check(z.maxLength(L.traceEntries))),
  traceOmitted: z.optional(z.int().check(z.nonnegative())),
  keyspace: z.optional(z.array(keyspaceEntrySchema).check(z.maxLength(L.keyspaceEntries))),
  clockAdvancedMs: z.optional(z.number()),
  /** What of this check's result was cut to fit the caps. */
  truncated: z.optional(z.array(truncatedPartSchema)),
});

/** Schema of a whole run report as it crosses the worker boundary. */
export const runReportSchema = z.object({
  lesson: text(L.messageChars),
  passed: z.boolean(),
  checks: z.array(checkResultSchema).check(z.maxLength(L.checks)),
  error: z.optional(runErrorSchema),
  console: text(L.consoleChars),
  durationMs: z.number(),
  snapshot: z.optional(keyspaceSnapshotSchema),
  /** What of this report was cut to fit the caps (any check's cuts included). */
  truncated: z.optional(z.array(truncatedPartSchema)),
});

const runId = text(200);

/** Messages the host sends to the worker. */
/**
 * How a check-start note's JSON text begins (the worker loop writes `type` first), so the hosts
 * that keep the latest notes as text (the browser's frame, the Node child's notes file) can tell
 * a new check, which forgets the last call, without parsing.
 */
export const CHECK_START_PREFIX = '{"type":"checkStart"';

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run'),
    runId,
    lesson: text(200),
    source: text(L.sourceChars),
    /** RunOptions.strictChecks: `cachelab verify` runs the checks with chai's typo guard. */
    strict: z.optional(z.literal(true)),
  }),
  /** Asks an idle worker to answer `pong`: proof that nothing of the last run is still running. */
  z.object({ type: z.literal('ping'), id: z.int() }),
]);

/** Messages the worker sends to the host. */
export const fromWorkerSchema = z.discriminatedUnion('type', [
  /** The worker has loaded, locked down, passed its self-test and (in the browser) its CSP check. */
  z.object({ type: z.literal('ready'), startupMs: z.number() }),
  /** The worker cannot run learner code at all, e.g. its security header is missing. */
  z.object({ type: z.literal('fatal'), message: text(L.messageChars) }),
  /**
   * The worker received the run (posted before it loads anything): it is not stuck. An idle
   * worker that has the lesson's checks loaded leaves it out: its `started` follows at once.
   */
  z.object({ type: z.literal('accepted'), runId }),
  /** The worker took the run: the hard timeout counts from here, not from start-up. */
  z.object({
    type: z.literal('started'),
    runId,
    /** The lesson's check names in order, so a run cut short can list the checks not run. */
    checks: z.optional(z.array(text(L.messageChars)).check(z.maxLength(L.checks))),
  }),
  /**
   * A check began; lets a timeout report name it. This and `call` are progress notes: a framed
   * browser worker gives them to its frame, and the Node child writes them to its notes file;
   * either hands the latest over after a timeout.
   */
  z.object({
    type: z.literal('checkStart'),
    runId,
    index: z.int().check(z.nonnegative(), z.lt(L.checks)),
    name: text(L.messageChars),
  }),
  /** A learner call began inside the running check, e.g. "saveUser({ id: 1 })". */
  z.object({ type: z.literal('call'), runId, call: text(L.messageChars) }),
  /** One check finished; lets the host keep partial results if the run is later cut short. */
  z.object({
    type: z.literal('check'),
    runId,
    index: z.int().check(z.nonnegative(), z.lt(L.checks)),
    result: checkResultSchema,
  }),
  z.object({ type: z.literal('done'), runId, report: runReportSchema }),
  /** The answer to `ping`. */
  z.object({ type: z.literal('pong'), id: z.int() }),
]);

/** A message to the worker. */
export type ToWorker = z.infer<typeof toWorkerSchema>;
/** A message from the worker. */
export type FromWorker = z.infer<typeof fromWorkerSchema>;

/**
 * `verify --redis`: the worker's requests to the host, which owns the sockets to the real
 * server. Arguments are strings or bytes; replies are whatever ioredis resolved to.
 */
const wireArgSchema = z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array)]);

/** Schema of one request from the worker's server backend to the host. */
export const redisRequestSchema = z.object({
  id: z.int(),
  /**
   * Which connection: the check's own (`host`), the learner's first (`learner`), or one of the
   * learner's extra clients (`learner-1` … `learner-64`, from `duplicate()` or `new Redis()`).
   */
  conn: z.union([
    z.enum(['host', 'learner']),
    z.string().check(z.regex(/^learner-([1-9]|[1-5][0-9]|6[0-4])$/)),
  ]),
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

/** The channel between a `verify --redis` worker and its host: a MessagePort, or a child's frames. */
export interface RedisPort {
  /** Subscribes to the other side's messages. */
  on(event: 'message', listener: (value: unknown) => void): unknown;
  /** Sends one message. */
  postMessage(value: unknown): void;
}
