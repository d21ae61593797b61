/**
 * Per-file CPU of a test run, for finding where `npm test`'s CPU goes and why it varies between
 * runs: with CACHELAB_TEST_CPU_LOG=<file> set, tests/setup.ts calls {@link logFileCpu} in every
 * test file, which appends one JSON line per file (the worker's pid, the file, wall times and the
 * worker's own and reaped children's CPU at the file's start and end, from /proc/self/stat).
 * `node scripts/test-cpu-report.mjs <file>` sums it up.
 *
 * Why not vitest's durations: they are wall times, which grow with whatever else the machine runs,
 * and `isolate: false` workers charge a module load to whichever file imports it first. CPU per
 * file, beside the worker totals, shows both. Children's CPU is counted when they are reaped, so a
 * child shared by several files (a pool kept for the worker) lands in the file that closed it.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';

/** CPU of this process and of its reaped children, in clock ticks (1/100 s on Linux). */
interface Ticks {
  /** User time of this process. */
  u: number;
  /** System time of this process. */
  s: number;
  /** User time of reaped children. */
  cu: number;
  /** System time of reaped children. */
  cs: number;
}

function ticks(): Ticks {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may contain spaces), from field 3 (state) on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { u: +fields[11], s: +fields[12], cu: +fields[13], cs: +fields[14] };
}

/** Logs this file's CPU to `logFile` when the file ends. */
export function logFileCpu(logFile: string): void {
  const start = ticks();
  const startedAt = Date.now();
  afterAll(() => {
    const line = {
      pid: process.pid,
      file: expect.getState().testPath,
      startedAt,
      endedAt: Date.now(),
      start,
      end: ticks(),
    };
    appendFileSync(logFile, `${JSON.stringify(line)}\n`);
  });
}
