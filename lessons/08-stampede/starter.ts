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

/** Cache-aside for reports, where only one caller at a time rebuilds a missing report. */
export async function getReport(redis: Redis, db: ReportDb, id: string): Promise<Report> {
  const key = `report:${id}`;
  const hit = await redis.get(key);
  if (hit !== null) return JSON.parse(hit) as Report;
  // TODO: every caller that misses builds the report, all at once. Let one build while the
  // others wait for its result, and keep reports built together from expiring together.
  const report = await db.buildReport(id);
  await redis.set(key, JSON.stringify(report), 'EX', 60);
  return report;
}
