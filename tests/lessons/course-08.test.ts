import suite from '../../lessons/08-stampede/checks.ts';
import SOLUTION from '../../lessons/08-stampede/solution.ts?raw';
import { checkNamed, describeVariants } from './grade-lesson-source.ts';

const SLUG = 'stampede';
const check = (start: string) => checkNamed(suite, start);

const HEADER = `import type { Redis } from 'ioredis';
interface Report { id: string; rows: number }
interface ReportDb { buildReport(id: string): Promise<Report> }
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const jitteredTtl = () => 60 + Math.floor(Math.random() * 11);`;

/** A getReport with the given lock, build and release steps. */
function getReport(parts: { lock?: string; ttl?: string; release?: string; build?: string }) {
  const lock = parts.lock ?? `await redis.set(lockKey, token, 'PX', 5000, 'NX')`;
  const ttl = parts.ttl ?? `jitteredTtl()`;
  const release =
    parts.release ?? `if ((await redis.get(lockKey)) === token) await redis.del(lockKey);`;
  const build =
    parts.build ??
    `try {
        const report = await db.buildReport(id);
        await redis.set(key, JSON.stringify(report), 'EX', ${ttl});
        return report;
      } finally {
        ${release}
      }`;
  return `${HEADER}
export async function getReport(redis: Redis, db: ReportDb, id: string): Promise<Report> {
  const key = 'report:' + id;
  const lockKey = 'lock:report:' + id;
  const token = Math.random().toString(36).slice(2);
  for (;;) {
    const hit = await redis.get(key);
    if (hit !== null) return JSON.parse(hit);
    if ((${lock}) === 'OK') {
      ${build}
    }
    await sleep(20);
  }
}`;
}

const wrong = [
  {
    name: 'has no lock, so every caller that misses builds the report',
    fails: check('20 requests for a missing report at once'),
    source: `${HEADER}
export async function getReport(redis: Redis, db: ReportDb, id: string) {
  const hit = await redis.get('report:' + id);
  if (hit !== null) return JSON.parse(hit);
  const report = await db.buildReport(id);
  await redis.set('report:' + id, JSON.stringify(report), 'EX', jitteredTtl());
  return report;
}`,
  },
  {
    name: 'takes the lock but builds anyway when it is taken',
    fails: check('20 requests for a missing report at once'),
    source: `${HEADER}
export async function getReport(redis: Redis, db: ReportDb, id: string) {
  const hit = await redis.get('report:' + id);
  if (hit !== null) return JSON.parse(hit);
  const token = String(Math.random());
  await redis.set('lock:report:' + id, token, 'PX', 5000, 'NX');
  try {
    const report = await db.buildReport(id);
    await redis.set('report:' + id, JSON.stringify(report), 'EX', jitteredTtl());
    return report;
  } finally {
    if ((await redis.get('lock:report:' + id)) === token) await redis.del('lock:report:' + id);
  }
}`,
  },
  {
    name: 'takes a lock that never expires',
    fails: check('while one caller builds, it holds "lock:report:<id>"'),
    source: getReport({ lock: `await redis.set(lockKey, token, 'NX')` }),
  },
  {
    name: 'takes the lock with SETNX and sets no expiry in milliseconds but in seconds ×1000',
    fails: check('while one caller builds, it holds "lock:report:<id>"'),
    source: getReport({ lock: `await redis.set(lockKey, token, 'EX', 5000, 'NX')` }),
  },
  {
    name: 'releases the lock with a plain DEL, even when it belongs to someone else',
    fails: check('a caller whose lock expired during a slow build'),
    source: getReport({ release: `await redis.del(lockKey);` }),
  },
  {
    name: 'never releases the lock, leaving it to expire',
    fails: check('the lock is released when the report is cached'),
    source: getReport({ release: `void token;` }),
  },
  {
    name: 'releases the lock only after a successful build, not in finally',
    fails: check('if building fails, getReport rejects and releases the lock'),
    source: getReport({
      build: `const report = await db.buildReport(id);
      await redis.set(key, JSON.stringify(report), 'EX', jitteredTtl());
      if ((await redis.get(lockKey)) === token) await redis.del(lockKey);
      return report;`,
    }),
  },
  {
    name: 'caches every report for exactly 60 seconds, without jitter',
    fails: check('expiry times are spread with jitter'),
    source: getReport({ ttl: '60' }),
  },
  {
    name: 'jitters in both directions, so some reports live less than 60 seconds',
    fails: check('expiry times are spread with jitter'),
    source: getReport({ ttl: '50 + Math.floor(Math.random() * 21)' }),
  },
  {
    name: 'gives up and builds itself when the lock is taken',
    fails: check('a caller that finds the lock taken waits'),
    source: `${HEADER}
export async function getReport(redis: Redis, db: ReportDb, id: string) {
  const hit = await redis.get('report:' + id);
  if (hit !== null) return JSON.parse(hit);
  const token = String(Math.random());
  const got = await redis.set('lock:report:' + id, token, 'PX', 5000, 'NX');
  if (got !== 'OK') {
    await sleep(5);
    const again = await redis.get('report:' + id);
    if (again !== null) return JSON.parse(again);
  }
  try {
    const report = await db.buildReport(id);
    await redis.set('report:' + id, JSON.stringify(report), 'EX', jitteredTtl());
    return report;
  } finally {
    if ((await redis.get('lock:report:' + id)) === token) await redis.del('lock:report:' + id);
  }
}`,
  },
];

const correct = [
  { name: 'the reference solution (WATCH on a duplicate connection)', source: SOLUTION },
  {
    name: 'a Lua script for the release, and EX 5 for the lock',
    source: getReport({
      lock: `await redis.set(lockKey, token, 'EX', 5, 'NX')`,
      release: `await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, lockKey, token);`,
    }),
  },
  {
    name: 'PX jitter in milliseconds and a lock set in MULTI with SETNX + PEXPIRE',
    source: `${HEADER}
export async function getReport(redis: Redis, db: ReportDb, id: string): Promise<Report> {
  const token = \`\${Date.now()}:\${Math.random()}\`;
  while (true) {
    const cached = await redis.get(\`report:\${id}\`);
    if (cached) return JSON.parse(cached) as Report;
    const replies = await redis.multi().setnx(\`lock:report:\${id}\`, token).pexpire(\`lock:report:\${id}\`, 3000, 'NX').exec();
    if (replies?.[0]?.[1] === 1) {
      try {
        const report = await db.buildReport(id);
        await redis.set(\`report:\${id}\`, JSON.stringify(report), 'PX', 60_000 + Math.floor(Math.random() * 10_000));
        return report;
      } finally {
        const own = redis.duplicate();
        await own.watch(\`lock:report:\${id}\`);
        if ((await own.get(\`lock:report:\${id}\`)) === token) await own.multi().unlink(\`lock:report:\${id}\`).exec();
        else await own.unwatch();
        own.disconnect();
      }
    }
    await sleep(10 + Math.random() * 10);
  }
}`,
  },
  {
    name: 'plain JavaScript with recursion and .then chains',
    source: `
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export function getReport(redis, db, id, token = Math.random().toString(16)) {
  const key = 'report:' + id;
  const lock = 'lock:report:' + id;
  return redis.get(key).then((hit) => {
    if (hit) return JSON.parse(hit);
    return redis.set(lock, token, 'PX', 4000, 'NX').then((ok) => {
      if (!ok) return wait(25).then(() => getReport(redis, db, id, token));
      const release = () =>
        redis.get(lock).then((value) => (value === token ? redis.del(lock) : 0));
      return db.buildReport(id).then(
        (report) =>
          redis.setex(key, 61 + Math.floor(Math.random() * 9), JSON.stringify(report)).then(release).then(() => report),
        (error) => release().then(() => Promise.reject(error)),
      );
    });
  });
}`,
  },
];

describeVariants('lesson 08-stampede', SLUG, suite, { wrong, correct });
