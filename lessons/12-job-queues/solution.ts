import type { Redis } from 'ioredis';

/** A job as the app enqueues it. */
export interface NewJob {
  type: string;
  payload: Record<string, unknown>;
}

/** A job as a worker receives it: the stream entry's id plus the job. */
export interface Job extends NewJob {
  id: string;
}

const STREAM = 'jobs';
const GROUP = 'workers';

/** A stream entry as ioredis returns it: [id, [field, value, field, value, ...]]. */
type Entry = [string, string[]];

function toJob([id, fields]: Entry): Job {
  const data: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) data[fields[i]] = fields[i + 1];
  return { id, type: data.type, payload: JSON.parse(data.payload) as Record<string, unknown> };
}

/** Appends a job to the stream and returns its entry id. */
export async function enqueue(redis: Redis, job: NewJob): Promise<string> {
  const id = await redis.xadd(
    STREAM,
    '*',
    'type',
    job.type,
    'payload',
    JSON.stringify(job.payload),
  );
  return id as string;
}

/** Creates the consumer group, reading the stream from its start. Safe to call again. */
export async function setupWorkers(redis: Redis): Promise<void> {
  try {
    // "0": the group also delivers jobs enqueued before it existed; MKSTREAM: works on no stream.
    await redis.xgroup('CREATE', STREAM, GROUP, '0', 'MKSTREAM');
  } catch (error) {
    if (!String(error).includes('BUSYGROUP')) throw error; // it already exists: fine
  }
}

/** Up to `count` jobs no consumer has been given yet, now pending for `consumer`. */
export async function takeJobs(redis: Redis, consumer: string, count: number): Promise<Job[]> {
  // ">" asks for entries never delivered to anyone in the group.
  const reply = (await redis.xreadgroup(
    'GROUP',
    GROUP,
    consumer,
    'COUNT',
    count,
    'STREAMS',
    STREAM,
    '>',
  )) as [string, Entry[]][] | null;
  return reply === null ? [] : reply[0][1].map(toJob);
}

/** Acknowledges a finished job. True if it was pending. */
export async function complete(redis: Redis, id: string): Promise<boolean> {
  return (await redis.xack(STREAM, GROUP, id)) === 1;
}

/** Moves every job pending for `from` (a crashed worker) to `to`, and returns them. */
export async function reclaimFrom(redis: Redis, from: string, to: string): Promise<Job[]> {
  const pending = (await redis.xpending(STREAM, GROUP, '-', '+', 1000, from)) as [
    string,
    string,
    number,
    number,
  ][];
  if (pending.length === 0) return [];
  const claimed = (await redis.xclaim(
    STREAM,
    GROUP,
    to,
    0,
    ...pending.map(([id]) => id),
  )) as Entry[];
  return claimed.map(toJob);
}
