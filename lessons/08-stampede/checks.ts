import type { Redis } from 'ioredis';
import { defineChecks, type CheckContext } from 'cachelab/checks';

interface Report {
  id: string;
  rows: number;
}

interface Exports {
  getReport(redis: unknown, db: unknown, id: string): Promise<Report>;
}

const SECOND = 1000;

/** The report the database builds for `id`: computed here, before any learner code runs. */
function reportFor(id: string): Report {
  return { id, rows: 1000 + id.length * 17 };
}

/** Options for the fake report database. */
interface BuildOptions {
  /** Redis round trips a build takes, so that concurrent callers overlap with it. */
  slowness?: number;
  /** Runs inside the first build, before it returns. */
  during?: () => Promise<void>;
  /** The first build throws instead. */
  failFirst?: boolean;
}

/** A fake database whose buildReport is slow in real time and counts its calls. */
function reportDb(ctx: CheckContext<Exports>, options: BuildOptions = {}) {
  const state = { builds: 0 };
  const db = ctx.fakeDb({
    methods: {
      buildReport: async (id: unknown) => {
        state.builds += 1;
        const first = state.builds === 1;
        for (let i = 0; i < (options.slowness ?? 0); i++) await ctx.redis.ping();
        if (first && options.during) await options.during();
        if (first && options.failFirst) throw new Error('the reporting database timed out');
        return reportFor(String(id));
      },
    },
  });
  return { state, api: db.api as unknown };
}

/**
 * Lets the learner's code run until `done()` holds, for at most about a second. Each turn is a
 * Redis round trip and a timer turn, so a learner waiting with setTimeout gets to run too.
 */
async function until(redis: Redis, done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 500 && !done(); turn++) {
    await redis.ping();
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

export default defineChecks<Exports>({
  exports: ['getReport'],
  checks: [
    {
      name: 'getReport builds a missing report once, returns it, and caches it under "report:<id>" for 60 to 70 seconds',
      async run(ctx) {
        const { learner, client, redis, expect } = ctx;
        const { state, api } = reportDb(ctx);
        expect(await learner.getReport(client, api, 'q3'), 'getReport("q3")').to.deep.equal(
          reportFor('q3'),
        );
        expect(state.builds, 'calls to db.buildReport').to.equal(1);
        const cached = await redis.get('report:q3');
        expect(cached, 'value of "report:q3"').to.be.a('string');
        expect(JSON.parse(cached!), 'JSON.parse of "report:q3"').to.deep.equal(reportFor('q3'));
        expect(
          await redis.ttl('report:q3'),
          'TTL of "report:q3" in seconds (-1: no expiry)',
        ).to.be.within(59, 70);
      },
    },
    {
      name: 'getReport serves a cached report without building it',
      async run(ctx) {
        const { learner, client, redis, expect } = ctx;
        const cached = { id: 'q3', rows: 7 };
        await redis.set('report:q3', JSON.stringify(cached), 'EX', 60);
        const { state, api } = reportDb(ctx);
        expect(await learner.getReport(client, api, 'q3'), 'getReport("q3")').to.deep.equal(cached);
        expect(state.builds, 'calls to db.buildReport').to.equal(0);
      },
    },
    {
      name: 'expiry times are spread with jitter: 20 reports built together do not all expire in the same second',
      async run(ctx) {
        const { learner, client, redis, expect } = ctx;
        const { api } = reportDb(ctx);
        const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
        const ttls: number[] = [];
        for (const id of ids) {
          await learner.getReport(client, api, id);
          ttls.push(await redis.ttl(`report:${id}`)); // right away: a real server's clock runs on
        }
        for (const ttl of ttls) expect(ttl, `TTLs of the 20 reports: ${ttls}`).to.be.within(59, 70);
        expect(
          Math.max(...ttls) - Math.min(...ttls),
          `spread between the longest and shortest TTL (TTLs: ${ttls})`,
        ).to.be.at.least(2);
      },
    },
    {
      name: '20 requests for a missing report at once, on three app servers: the report is built once and everyone gets it',
      async run(ctx) {
        const { learner, newServer, client, expect } = ctx;
        const { state, api } = reportDb(ctx, { slowness: 30 });
        const servers = [learner, newServer(), newServer()];
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) => servers[i % 3].getReport(client, api, 'q4')),
        );
        expect(state.builds, 'calls to db.buildReport').to.equal(1);
        for (const answer of answers) expect(answer, 'each answer').to.deep.equal(reportFor('q4'));
      },
    },
    {
      name: 'while one caller builds, it holds "lock:report:<id>", which expires on its own within 5 seconds',
      async run(ctx) {
        const { learner, client, redis, expect } = ctx;
        const seen: { value: string | null; pttl: number } = { value: null, pttl: -3 };
        const { api } = reportDb(ctx, {
          during: async () => {
            seen.value = await redis.get('lock:report:q5');
            seen.pttl = await redis.pttl('lock:report:q5');
          },
        });
        await learner.getReport(client, api, 'q5');
        expect(seen.value, 'value of "lock:report:q5" during the build').to.be.a('string');
        expect(
          seen.pttl,
          'PTTL of "lock:report:q5" during the build, in ms (-1: no expiry)',
        ).to.be.within(1, 5000);
      },
    },
    {
      name: 'the lock is released when the report is cached, so it does not outlive the build',
      async run(ctx) {
        const { learner, client, redis, expect } = ctx;
        const { api } = reportDb(ctx);
        await learner.getReport(client, api, 'q6');
        expect(
          await redis.exists('lock:report:q6'),
          'EXISTS lock:report:q6 after getReport returned',
        ).to.equal(0);
      },
    },
    {
      name: 'a caller whose lock expired during a slow build does not delete the lock another server took meanwhile',
      async run(ctx) {
        const { learner, client, redis, clock, expect } = ctx;
        const { api } = reportDb(ctx, {
          during: async () => {
            // The build ran past the lock's lifetime; another server then took the lock.
            await clock.advance(6 * SECOND);
            await redis.set('lock:report:q7', 'another-server', 'PX', 5000, 'NX');
          },
        });
        await learner.getReport(client, api, 'q7');
        expect(
          await redis.get('lock:report:q7'),
          'value of "lock:report:q7" after the first caller finished',
        ).to.equal('another-server');
      },
    },
    {
      name: 'a caller that finds the lock taken waits for the report the lock holder caches, instead of building it too',
      async run(ctx) {
        const { learner, client, redis, log, expect } = ctx;
        const { state, api } = reportDb(ctx);
        await redis.set('lock:report:q8', 'another-server', 'PX', 5000);
        const built = { id: 'q8', rows: 99 };
        let settled = false;
        const waiting = learner.getReport(client, api, 'q8').finally(() => {
          settled = true;
        });
        // Wait until it has looked twice (cache, lock, cache, lock, ...) or gave up and built.
        await until(redis, () => settled || state.builds > 0 || log.all().length >= 6);
        // The other server finishes: it caches its report and releases its lock.
        await redis.set('report:q8', JSON.stringify(built), 'EX', 60);
        await redis.del('lock:report:q8');
        expect(await waiting, 'getReport("q8")').to.deep.equal(built);
        expect(state.builds, 'calls to db.buildReport').to.equal(0);
      },
    },
    {
      name: 'if building fails, getReport rejects and releases the lock, so the next call can build at once',
      async run(ctx) {
        const { learner, client, redis, expect } = ctx;
        const { state, api } = reportDb(ctx, { failFirst: true });
        let rejected = false;
        try {
          await learner.getReport(client, api, 'q9');
        } catch {
          rejected = true;
        }
        expect(rejected, 'getReport rejected when buildReport failed').to.equal(true);
        expect(
          await redis.exists('lock:report:q9'),
          'EXISTS lock:report:q9 after the failed build',
        ).to.equal(0);
        expect(await learner.getReport(client, api, 'q9'), 'the next getReport').to.deep.equal(
          reportFor('q9'),
        );
        expect(state.builds, 'calls to db.buildReport').to.equal(2);
      },
    },
  ],
});
