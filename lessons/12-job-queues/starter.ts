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

/** Appends a job to the stream and returns its entry id. */
export async function enqueue(redis: Redis, job: NewJob): Promise<string> {
  // TODO: append the job to the stream "jobs" (fields "type" and "payload") and return the id.
  void redis;
  void job;
  return '';
}

/** Creates the consumer group, reading the stream from its start. Safe to call again. */
export async function setupWorkers(redis: Redis): Promise<void> {
  // TODO: create the group "workers" on "jobs", so that it also sees jobs already enqueued.
  void redis;
}

/** Up to `count` jobs no consumer has been given yet, now pending for `consumer`. */
export async function takeJobs(redis: Redis, consumer: string, count: number): Promise<Job[]> {
  // TODO: read new jobs as `consumer`, through the group.
  void redis;
  void consumer;
  void count;
  return [];
}

/** Acknowledges a finished job. True if it was pending. */
export async function complete(redis: Redis, id: string): Promise<boolean> {
  // TODO: tell the group the job is done.
  void redis;
  void id;
  return false;
}

/** Moves every job pending for `from` (a crashed worker) to `to`, and returns them. */
export async function reclaimFrom(redis: Redis, from: string, to: string): Promise<Job[]> {
  // TODO: find what `from` was given and never finished, and hand it to `to`.
  void redis;
  void from;
  void to;
  return [];
}
