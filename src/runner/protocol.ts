/**
 * Messages between the page and the runner worker (and between the CLI and its worker thread).
 * Both ends import this module and parse what arrives; nothing is cast. Every run carries an id,
 * and a receiver drops messages whose id it is not waiting for.
 */
import { z } from 'zod';
import { keyspaceSnapshotSchema } from './keyspace-snapshot.ts';

const runErrorSchema = z.object({
  kind: z.enum(['compile', 'load', 'timeout', 'memory', 'violation']),
  message: z.string(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
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
  ttlMs: z.number().nullable(),
});

/** Schema of one check's result as it crosses the worker boundary. */
export const checkResultSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  message: z.string().optional(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  durationMs: z.number(),
  trace: z.array(traceEntrySchema).optional(),
  traceOmitted: z.number().int().nonnegative().optional(),
  keyspace: z.array(keyspaceEntrySchema).optional(),
  clockAdvancedMs: z.number().optional(),
});

/** Schema of a whole run report as it crosses the worker boundary. */
export const runReportSchema = z.object({
  lesson: z.string(),
  passed: z.boolean(),
  checks: z.array(checkResultSchema),
  error: runErrorSchema.optional(),
  console: z.string(),
  durationMs: z.number(),
  snapshot: keyspaceSnapshotSchema.optional(),
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
    index: z.number().int(),
    result: checkResultSchema,
  }),
  z.object({ type: z.literal('done'), runId: z.string(), report: runReportSchema }),
]);

/** A message to the worker. */
export type ToWorker = z.infer<typeof toWorkerSchema>;
/** A message from the worker. */
export type FromWorker = z.infer<typeof fromWorkerSchema>;
