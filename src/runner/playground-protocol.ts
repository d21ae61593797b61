/**
 * Messages between the page and the playground worker, the store behind the in-page redis-cli
 * console. Both ends import this module and parse what arrives. Every request carries an id and
 * the page drops replies it is not waiting for.
 */
import { z } from 'zod/mini';
import { keyspaceSnapshotSchema } from './keyspace-snapshot.ts';

/** Messages the page sends to the playground worker. */
export const toPlaygroundSchema = z.discriminatedUnion('type', [
  /** Run one line of redis-cli input (a command, or HELP). */
  z.object({
    type: z.literal('exec'),
    id: z.int(),
    line: z.string().check(z.maxLength(1_000_000)),
  }),
  /** Replace the store with a snapshot, or empty it when the snapshot is null. */
  z.object({
    type: z.literal('load'),
    id: z.int(),
    snapshot: z.nullable(keyspaceSnapshotSchema),
  }),
]);

/** Messages the playground worker sends to the page. */
export const fromPlaygroundSchema = z.discriminatedUnion('type', [
  /** The store is up; request timeouts start counting from here, not from the worker's start. */
  z.object({ type: z.literal('ready'), startupMs: z.number() }),
  /** What redis-cli would print for the line; `error` marks an `(error) ...` reply. */
  z.object({
    type: z.literal('output'),
    id: z.int(),
    text: z.string(),
    error: z.boolean(),
    /** True while a MULTI is open, so the prompt can show `(TX)` like redis-cli. */
    transaction: z.boolean(),
  }),
  /** The store was replaced; `keys` counts the keys it now holds. */
  z.object({
    type: z.literal('loaded'),
    id: z.int(),
    keys: z.int().check(z.nonnegative()),
  }),
  /** The worker could not start its store at all. */
  z.object({ type: z.literal('fatal'), message: z.string() }),
]);

/** A message to the playground worker. */
export type ToPlayground = z.infer<typeof toPlaygroundSchema>;
/** A message from the playground worker. */
export type FromPlayground = z.infer<typeof fromPlaygroundSchema>;
