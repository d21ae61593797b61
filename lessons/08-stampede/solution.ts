import type { Redis } from 'ioredis';

/** A finished report, as the database builds it. */
export interface Report {
  id: string;
  rows: number;
}

/** The slow part: building a report takes seconds and a lot of database work. */
export interface ReportDb {
  buildReport(id: string): Promise<Report>;
}

/** How long a report is cached before jitter, and the most jitter added. */
const TTL_SECONDS = 60;
const JITTER_SECONDS = 10;
/** The lock's lifetime: longer than a build takes, short enough to recover from a crash. */
const LOCK_MS = 5000;
/** How long a caller waits between looks while another caller builds. */
const WAIT_MS = 20;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Deletes the lock only if it still holds our token: it may have expired and been taken. */
async function release(redis: Redis, lockKey: string, token: string): Promise<void> {
  // WATCH makes the MULTI fail if anyone changes the lock between our GET and the DEL. It is
  // per connection, so it runs on a connection of its own, not one shared by other requests.
  const own = redis.duplicate();
  try {
    await own.watch(lockKey);
    if ((await own.get(lockKey)) === token) await own.multi().del(lockKey).exec();
    else await own.unwatch();
  } finally {
    own.disconnect();
  }
}

/** Cache-aside for reports, where only one caller at a time rebuilds a missing report. */
export async function getReport(redis: Redis, db: ReportDb, id: string): Promise<Report> {
  const key = `report:${id}`;
  const lockKey = `lock:report:${id}`;
  const token = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  for (;;) {
    const hit = await redis.get(key);
    if (hit !== null) return JSON.parse(hit) as Report;
    // Only the caller whose SET NX succeeds builds; everyone else waits for its result.
    if ((await redis.set(lockKey, token, 'PX', LOCK_MS, 'NX')) === 'OK') {
      try {
        const report = await db.buildReport(id);
        // Jitter spreads the expiries, so reports built together do not all expire together.
        const ttl = TTL_SECONDS + Math.floor(Math.random() * (JITTER_SECONDS + 1));
        await redis.set(key, JSON.stringify(report), 'EX', ttl);
        return report;
      } finally {
        await release(redis, lockKey, token);
      }
    }
    await sleep(WAIT_MS);
  }
}
