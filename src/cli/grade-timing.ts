/**
 * Where a `cachelab grade` process spends its time, for `npm run bench:cli`: with
 * CACHELAB_TIMING=1 the CLI writes one line to stderr at exit, `cachelab-timing {...}`, with the
 * milliseconds since the process started at which each step was reached (main called, child
 * spawned, child ready, graded, reported, runners closed), and the child's own start-up from
 * its `ready` message (lockdown, runner modules and warm-up self-test, after Node's boot), and the
 * CPU time a runner child had used when it was stopped (`childCpu`; one file has one child). Off by default: a
 * mark then costs one comparison.
 */

const enabled = process.env.CACHELAB_TIMING === '1';
// One record per process under a registered symbol: the installed package loads this module
// twice, once in dist-cli/prestart.cjs (which spawns the child before the CLI loads) and once in
// the CLI's own chunks, and both copies mark steps of the same grade.
const MARKS_KEY = Symbol.for('cachelab.gradeTiming');
const marks: Record<string, number> = ((globalThis as { [MARKS_KEY]?: Record<string, number> })[
  MARKS_KEY
] ??= {});

/** Records that `step` was reached now (the first time only). */
export function markStep(step: string): void {
  if (enabled && !(step in marks)) marks[step] = Math.round(performance.now() * 10) / 10;
}

/** Records a duration measured elsewhere, e.g. the child's own start-up (its `ready` message). */
export function noteDuration(name: string, ms: unknown): void {
  if (enabled && typeof ms === 'number') marks[name] = Math.round(ms * 10) / 10;
}

/** Whether CACHELAB_TIMING=1: lets a caller skip measuring what would not be recorded. */
export function timingEnabled(): boolean {
  return enabled;
}

/** Writes the marks to `stderr`, when CACHELAB_TIMING=1. */
export function writeTimings(stderr: NodeJS.WritableStream): void {
  if (enabled) stderr.write(`cachelab-timing ${JSON.stringify(marks)}\n`);
}
