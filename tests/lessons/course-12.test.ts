import suite from '../../lessons/12-job-queues/checks.ts';
import SOLUTION from '../../lessons/12-job-queues/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'job-queues';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `import type { Redis } from 'ioredis';
interface NewJob { type: string; payload: Record<string, unknown> }
type Entry = [string, string[]];
const toJob = ([id, f]: Entry) => {
  const data: Record<string, string> = {};
  for (let i = 0; i < f.length; i += 2) data[f[i]] = f[i + 1];
  return { id, type: data.type, payload: JSON.parse(data.payload) };
};`;

const GOOD = {
  enqueue: `
export async function enqueue(redis: Redis, job: NewJob) {
  return (await redis.xadd('jobs', '*', 'type', job.type, 'payload', JSON.stringify(job.payload))) as string;
}`,
  setup: `
export async function setupWorkers(redis: Redis) {
  await redis.xgroup('CREATE', 'jobs', 'workers', '0', 'MKSTREAM').catch((e) => {
    if (!/BUSYGROUP/.test(String(e))) throw e;
  });
}`,
  take: `
export async function takeJobs(redis: Redis, consumer: string, count: number) {
  const reply = (await redis.xreadgroup('GROUP', 'workers', consumer, 'COUNT', count, 'STREAMS', 'jobs', '>')) as [string, Entry[]][] | null;
  return reply ? reply[0][1].map(toJob) : [];
}`,
  complete: `
export async function complete(redis: Redis, id: string) {
  return (await redis.xack('jobs', 'workers', id)) > 0;
}`,
  reclaim: `
export async function reclaimFrom(redis: Redis, from: string, to: string) {
  const rows = (await redis.xpending('jobs', 'workers', '-', '+', 100, from)) as [string][];
  if (!rows.length) return [];
  return ((await redis.xclaim('jobs', 'workers', to, 0, ...rows.map((r) => r[0]))) as Entry[]).map(toJob);
}`,
};
type Part = keyof typeof GOOD;
const PARTS: Part[] = ['enqueue', 'setup', 'take', 'complete', 'reclaim'];
const withParts = (replace: Partial<Record<Part, string>>) =>
  HEADER + PARTS.map((p) => replace[p] ?? GOOD[p]).join('\n');

const wrong = [
  {
    name: 'hands the payload object to XADD without JSON.stringify',
    fails: check('enqueue appends the job'),
    source: withParts({
      enqueue: `
export async function enqueue(redis: Redis, job: NewJob) {
  return (await redis.xadd('jobs', '*', 'type', job.type, 'payload', String(job.payload))) as string;
}`,
    }),
  },
  {
    name: 'enqueues into a list with RPUSH',
    fails: check('enqueue appends the job'),
    source: withParts({
      enqueue: `
export async function enqueue(redis: Redis, job: NewJob) {
  return String(await redis.rpush('jobs:list', JSON.stringify(job)));
}`,
    }),
  },
  {
    name: 'creates the group at $, so jobs enqueued earlier are never delivered',
    fails: check('setupWorkers creates the group "workers"'),
    source: withParts({
      setup: `
export async function setupWorkers(redis: Redis) {
  await redis.xgroup('CREATE', 'jobs', 'workers', '$', 'MKSTREAM').catch(() => undefined);
}`,
    }),
  },
  {
    name: 'creates the group without MKSTREAM, which fails when nothing was enqueued yet',
    fails: check('setupWorkers works before anything was ever enqueued'),
    source: withParts({
      setup: `
export async function setupWorkers(redis: Redis) {
  await redis.xgroup('CREATE', 'jobs', 'workers', '0').catch((e) => {
    if (!/BUSYGROUP/.test(String(e))) throw e;
  });
}`,
    }),
  },
  {
    name: 'lets the BUSYGROUP error of a second setupWorkers escape',
    fails: check('setupWorkers creates the group "workers"'),
    source: withParts({
      setup: `
export async function setupWorkers(redis: Redis) {
  await redis.xgroup('CREATE', 'jobs', 'workers', '0', 'MKSTREAM');
}`,
    }),
  },
  {
    name: "reads with ID 0, which returns the worker's own pending jobs again",
    fails: check('takeJobs returns at most `count` jobs'),
    source: withParts({
      take: `
export async function takeJobs(redis: Redis, consumer: string, count: number) {
  const reply = (await redis.xreadgroup('GROUP', 'workers', consumer, 'COUNT', count, 'STREAMS', 'jobs', '0')) as [string, Entry[]][] | null;
  const own = reply ? reply[0][1] : [];
  if (own.length) return own.map(toJob);
  const fresh = (await redis.xreadgroup('GROUP', 'workers', consumer, 'COUNT', count, 'STREAMS', 'jobs', '>')) as [string, Entry[]][] | null;
  return fresh ? fresh[0][1].map(toJob) : [];
}`,
    }),
  },
  {
    name: 'reads with plain XREAD and remembers the last id in module state',
    fails: check('three workers on three app servers'),
    source: withParts({
      take: `
let last = '0';
export async function takeJobs(redis: Redis, consumer: string, count: number) {
  void consumer;
  const reply = (await redis.xread('COUNT', count, 'STREAMS', 'jobs', last)) as [string, Entry[]][] | null;
  const entries = reply ? reply[0][1] : [];
  if (entries.length) last = entries[entries.length - 1][0];
  return entries.map(toJob);
}`,
    }),
  },
  {
    name: 'returns the payload as the JSON string',
    fails: check('takeJobs returns at most `count` jobs'),
    source: withParts({
      take: `
export async function takeJobs(redis: Redis, consumer: string, count: number) {
  const reply = (await redis.xreadgroup('GROUP', 'workers', consumer, 'COUNT', count, 'STREAMS', 'jobs', '>')) as [string, Entry[]][] | null;
  return reply ? reply[0][1].map(([id, f]) => ({ id, type: f[1], payload: f[3] })) : [];
}`,
    }),
  },
  {
    name: 'deletes the entry with XDEL instead of acknowledging it',
    fails: check('complete acknowledges a job'),
    source: withParts({
      complete: `
export async function complete(redis: Redis, id: string) {
  return (await redis.xdel('jobs', id)) > 0;
}`,
    }),
  },
  {
    name: 'claims only jobs idle for five minutes, so a fresh crash is never rescued',
    fails: check('reclaimFrom hands a crashed worker'),
    source: withParts({
      reclaim: `
export async function reclaimFrom(redis: Redis, from: string, to: string) {
  const rows = (await redis.xpending('jobs', 'workers', '-', '+', 100, from)) as [string][];
  if (!rows.length) return [];
  return ((await redis.xclaim('jobs', 'workers', to, 300000, ...rows.map((r) => r[0]))) as Entry[]).map(toJob);
}`,
    }),
  },
];

const correct = [
  { name: 'the reference solution', source: SOLUTION },
  {
    name: 'XPENDING per consumer, XCLAIM with JUSTID, then XRANGE for the data, and redis.call for XACK',
    source: withParts({
      complete: `
export async function complete(redis: Redis, id: string): Promise<boolean> {
  return ((await redis.call('XACK', 'jobs', 'workers', id)) as number) === 1;
}`,
      reclaim: `
export async function reclaimFrom(redis: Redis, from: string, to: string) {
  const rows = (await redis.xpending('jobs', 'workers', '-', '+', 1000, from)) as [string][];
  const out = [];
  for (const [id] of rows) {
    await redis.xclaim('jobs', 'workers', to, 0, id, 'JUSTID');
    const [entry] = (await redis.xrange('jobs', id, id)) as Entry[];
    if (entry) out.push(toJob(entry));
  }
  return out;
}`,
    }),
  },
  {
    name: 'checks XINFO GROUPS before creating the group, and reads in a pipeline',
    source: withParts({
      setup: `
export async function setupWorkers(redis: Redis) {
  const exists = (await redis.exists('jobs')) === 1;
  if (exists) {
    const groups = (await redis.xinfo('GROUPS', 'jobs')) as unknown[][];
    if (groups.some((g) => g.includes('workers'))) return;
  }
  await redis.xgroup('CREATE', 'jobs', 'workers', 0, 'MKSTREAM');
}`,
      take: `
export async function takeJobs(redis: Redis, consumer: string, count: number) {
  const [[err, reply]] = (await redis.pipeline().xreadgroup('GROUP', 'workers', consumer, 'COUNT', count, 'STREAMS', 'jobs', '>').exec()) as [[Error | null, [string, Entry[]][] | null]];
  if (err) throw err;
  return (reply?.[0]?.[1] ?? []).map(toJob);
}`,
    }),
  },
  {
    name: 'plain JavaScript with .then chains',
    source: `
const parse = ([id, f]) => ({ id, type: f[f.indexOf('type') + 1], payload: JSON.parse(f[f.indexOf('payload') + 1]) });
export const enqueue = (redis, job) => redis.xadd('jobs', '*', 'payload', JSON.stringify(job.payload), 'type', job.type);
export const setupWorkers = (redis) =>
  redis.xgroup('CREATE', 'jobs', 'workers', '0', 'MKSTREAM').then(() => undefined, (e) => (e.message.startsWith('BUSYGROUP') ? undefined : Promise.reject(e)));
export const takeJobs = (redis, consumer, count) =>
  redis.xreadgroup('GROUP', 'workers', consumer, 'COUNT', count, 'STREAMS', 'jobs', '>').then((r) => (r ? r[0][1].map(parse) : []));
export const complete = (redis, id) => redis.xack('jobs', 'workers', id).then((n) => n === 1);
export const reclaimFrom = (redis, from, to) =>
  redis.xpending('jobs', 'workers', '-', '+', 500, from).then((rows) =>
    rows.length ? redis.xclaim('jobs', 'workers', to, 0, ...rows.map((r) => r[0])).then((e) => e.map(parse)) : [],
  );
`,
  },
];

describeVariants('lesson 12-job-queues', SLUG, suite, { wrong, correct });
