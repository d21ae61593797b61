import type { Redis } from 'ioredis';
import { defineChecks } from 'cachelab/checks';

interface NewJob {
  type: string;
  payload: Record<string, unknown>;
}

interface Job extends NewJob {
  id: string;
}

interface Exports {
  enqueue(redis: unknown, job: NewJob): Promise<string>;
  setupWorkers(redis: unknown): Promise<void>;
  takeJobs(redis: unknown, consumer: string, count: number): Promise<Job[]>;
  complete(redis: unknown, id: string): Promise<boolean>;
  reclaimFrom(redis: unknown, from: string, to: string): Promise<Job[]>;
}

const mail = (to: string): NewJob => ({ type: 'email', payload: { to, template: 'welcome' } });
const resize = (image: number): NewJob => ({
  type: 'resize',
  payload: { image, sizes: [64, 256] },
});

/** Appends jobs with the check's own client, as another service would; returns their ids. */
async function seedJobs(redis: Redis, jobs: NewJob[]): Promise<string[]> {
  const ids: string[] = [];
  for (const job of jobs) {
    ids.push(
      (await redis.xadd(
        'jobs',
        '*',
        'type',
        job.type,
        'payload',
        JSON.stringify(job.payload),
      )) as string,
    );
  }
  return ids;
}

/** How many jobs the group "workers" has handed out and not had acknowledged. */
async function pendingCount(redis: Redis): Promise<number> {
  const summary = (await redis.xpending('jobs', 'workers')) as [number, ...unknown[]];
  return summary[0];
}

export default defineChecks<Exports>({
  exports: ['enqueue', 'setupWorkers', 'takeJobs', 'complete', 'reclaimFrom'],
  checks: [
    {
      name: 'enqueue appends the job to the stream "jobs" with the fields "type" and "payload" (JSON), and returns the entry id',
      async run({ learner, client, redis, expect }) {
        const id = await learner.enqueue(client, mail('ada@example.com'));
        expect(id, 'enqueue return value')
          .to.be.a('string')
          .and.match(/^\d+-\d+$/);
        const entries = (await redis.xrange('jobs', '-', '+')) as [string, string[]][];
        expect(entries.length, 'entries in "jobs"').to.equal(1);
        expect(entries[0][0], 'id of the entry').to.equal(id);
        const fields: Record<string, string> = {};
        for (let i = 0; i < entries[0][1].length; i += 2)
          fields[entries[0][1][i]] = entries[0][1][i + 1];
        expect(fields.type, 'field "type"').to.equal('email');
        expect(JSON.parse(fields.payload), 'JSON.parse of field "payload"').to.deep.equal(
          mail('ada@example.com').payload,
        );
      },
    },
    {
      name: 'setupWorkers creates the group "workers", which also delivers jobs enqueued before it, and calling it again does no harm',
      async run({ learner, client, redis, expect }) {
        const ids = await seedJobs(redis, [mail('ada@example.com'), resize(7)]);
        await learner.setupWorkers(client);
        await learner.setupWorkers(client);
        const taken = await learner.takeJobs(client, 'w1', 10);
        expect(
          taken.map((job) => job.id),
          'ids of the jobs taken after setupWorkers',
        ).to.deep.equal(ids);
      },
    },
    {
      name: 'setupWorkers works before anything was ever enqueued',
      async run({ learner, client, redis, expect }) {
        await learner.setupWorkers(client);
        expect(await learner.takeJobs(client, 'w1', 5), 'takeJobs on an empty queue').to.deep.equal(
          [],
        );
        const [id] = await seedJobs(redis, [resize(3)]);
        expect(await learner.takeJobs(client, 'w1', 5), 'takeJobs after one enqueue').to.deep.equal(
          [{ id, ...resize(3) }],
        );
      },
    },
    {
      name: 'takeJobs returns at most `count` jobs, oldest first, as { id, type, payload }, and never the same job twice',
      async run({ learner, client, redis, expect }) {
        await learner.setupWorkers(client);
        const jobs = [mail('a@x.io'), resize(1), mail('b@x.io'), resize(2), mail('c@x.io')];
        const ids = await seedJobs(redis, jobs);
        const expected = jobs.map((job, i) => ({ id: ids[i], ...job }));
        expect(await learner.takeJobs(client, 'w1', 2), 'first takeJobs("w1", 2)').to.deep.equal(
          expected.slice(0, 2),
        );
        expect(await learner.takeJobs(client, 'w1', 2), 'second takeJobs("w1", 2)').to.deep.equal(
          expected.slice(2, 4),
        );
        expect(await learner.takeJobs(client, 'w1', 2), 'third takeJobs("w1", 2)').to.deep.equal(
          expected.slice(4),
        );
        expect(
          await learner.takeJobs(client, 'w1', 2),
          'takeJobs when nothing is new',
        ).to.deep.equal([]);
      },
    },
    {
      name: 'three workers on three app servers taking jobs at once share 30 jobs: each job goes to exactly one worker',
      async run({ learner, newServer, client, redis, expect }) {
        await learner.setupWorkers(client);
        const ids = await seedJobs(
          redis,
          Array.from({ length: 30 }, (_, i) => resize(i)),
        );
        const apps = [learner, newServer(), newServer()];
        const got: string[] = [];
        for (let round = 0; round < 6; round++) {
          const batches = await Promise.all(
            apps.map((app, i) => app.takeJobs(client, `w${i + 1}`, 2)),
          );
          for (const batch of batches) got.push(...batch.map((job) => job.id));
        }
        expect([...got].sort(), 'ids of every job taken').to.deep.equal([...ids].sort());
      },
    },
    {
      name: 'complete acknowledges a job, so it is no longer pending, and returns true only the first time',
      async run({ learner, client, redis, expect }) {
        await learner.setupWorkers(client);
        const [first] = await seedJobs(redis, [mail('a@x.io'), mail('b@x.io')]);
        await learner.takeJobs(client, 'w1', 2);
        expect(await pendingCount(redis), 'pending jobs before complete').to.equal(2);
        expect(await learner.complete(client, first), 'complete(first job)').to.equal(true);
        expect(await pendingCount(redis), 'pending jobs after complete').to.equal(1);
        expect(await learner.complete(client, first), 'complete(first job) again').to.equal(false);
      },
    },
    {
      name: "reclaimFrom hands a crashed worker's unfinished jobs to another worker, with their data, and leaves finished ones alone",
      async run({ learner, client, redis, expect }) {
        await learner.setupWorkers(client);
        const jobs = [mail('a@x.io'), resize(5), mail('c@x.io')];
        const ids = await seedJobs(redis, jobs);
        await learner.takeJobs(client, 'w1', 3);
        await learner.complete(client, ids[1]); // w1 finished one job, then crashed
        const moved = await learner.reclaimFrom(client, 'w1', 'w2');
        expect(moved, 'reclaimFrom("w1", "w2")').to.deep.equal([
          { id: ids[0], ...jobs[0] },
          { id: ids[2], ...jobs[2] },
        ]);
        const byConsumer = (await redis.xpending('jobs', 'workers', '-', '+', 10)) as [
          string,
          string,
        ][];
        expect(
          byConsumer.map(([id, consumer]) => `${id}:${consumer}`),
          'pending jobs and their owners',
        ).to.deep.equal([`${ids[0]}:w2`, `${ids[2]}:w2`]);
        expect(
          await learner.reclaimFrom(client, 'w1', 'w2'),
          'reclaimFrom("w1", "w2") again',
        ).to.deep.equal([]);
      },
    },
  ],
});
