// Measures what recording the command trace costs, relative to a warm run (issue 7 budget: at
// most 10%). Runs lesson 1's solution in this process with the runner core, two ways:
// - end to end: alternating runs with the real recorder and runs whose recorder keeps only the
//   check-facing command log, comparing medians (honest, but noisy on a busy machine);
// - isolated: the very commands and replies of one run, replayed through both recorders in a
//   tight loop, so the trace's own cost per run is measured without the run's noise.
// Usage: node scripts/bench-trace.mjs [--runs 400] [--json]
import './../bin/register-ts.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 400;
const json = args.includes('--json');

const { default: RedisMock } = await import('ioredis-mock');
const { hardenRealm } = await import('../src/runner/harden.ts');
const { runLesson } = await import('../src/runner/run-lesson.ts');
const { mockBackend } = await import('../src/runner/redis-backend.ts');
const { CommandRecorder, LOG_LIMIT } = await import('../src/runner/command-recorder.ts');
const { loadLessonsFromDisk, lessonFilePath } = await import('../src/cli/load-lessons.ts');
const { readFile } = await import('node:fs/promises');
const { pathToFileURL, fileURLToPath } = await import('node:url');

const root = fileURLToPath(new URL('..', import.meta.url));
const lesson = (await loadLessonsFromDisk(root))[0];
const suite = (await import(pathToFileURL(lessonFilePath(root, lesson, 'checks.ts')).href)).default;
const source = await readFile(lessonFilePath(root, lesson, 'solution.ts'), 'utf8');

// The recorder's prototype is ordinary module state (lockdown freezes intrinsics, not it), so
// the variant can be switched between runs. Switch before hardenRealm all the same.
const proto = CommandRecorder.prototype;
const tracing = proto.begin;
const noop = () => {};
function logOnly(name, argv) {
  if (this.entries.length < LOG_LIMIT) this.entries.push({ name: name.toLowerCase(), args: argv });
  return noop;
}
hardenRealm();
const backend = mockBackend(RedisMock);

async function once(withTrace, begin = withTrace ? tracing : logOnly) {
  proto.begin = begin;
  const started = performance.now();
  const report = await runLesson({ lesson: lesson.slug, source, suite }, { backend });
  const ms = performance.now() - started;
  if (!report.passed)
    throw new Error(
      `lesson 1's solution failed: ${JSON.stringify(report.checks.filter((c) => !c.passed))}`,
    );
  return { ms, commands: report.checks.reduce((n, c) => n + (c.trace?.length ?? 0), 0) };
}

for (let i = 0; i < 50; i++) await once(i % 2 === 0);
const timings = { trace: [], noTrace: [] };
let commands = 0;
for (let i = 0; i < runs; i++) {
  // Alternate, so drift (GC, JIT, thermal) hits both variants alike.
  const withTrace = i % 2 === 0;
  const { ms, commands: n } = await once(withTrace);
  timings[withTrace ? 'trace' : 'noTrace'].push(ms);
  if (withTrace) commands = n;
}
proto.begin = tracing;

// Capture one run's commands and raw replies, then replay them through each recorder.
const captured = [];
await once(true, function capture(name, argv) {
  const mark = tracing.call(this, name, argv);
  const entry = { name, args: [...argv], settled: [] };
  captured.push(entry);
  // Whatever the facade hands the recorder (reply, isError, maybe pre-formatted text) is replayed.
  return (...settled) => {
    entry.settled = settled;
    mark(...settled);
  };
});
proto.begin = tracing;
const checksPerRun = suite.checks.length;
function replay(begin, iterations) {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    // One recorder per check, as the runner makes them; commands spread over the checks.
    let recorder = new CommandRecorder(performance.now());
    captured.forEach((c, n) => {
      if (n > 0 && n % Math.ceil(captured.length / checksPerRun) === 0) {
        recorder.trace();
        recorder = new CommandRecorder(performance.now());
      }
      begin.call(recorder, c.name, c.args)(...c.settled);
    });
    recorder.trace();
  }
  return (performance.now() - started) / iterations;
}
for (let i = 0; i < 3; i++) {
  replay(tracing, 2000);
  replay(logOnly, 2000);
}
// Alternating rounds; the median round keeps one noisy burst from deciding the figure.
const rounds = [];
for (let i = 0; i < 15; i++)
  rounds.push({ trace: replay(tracing, 3000), log: replay(logOnly, 3000) });
const medianOf = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const isolatedTrace = medianOf(rounds.map((r) => r.trace));
const isolatedLog = medianOf(rounds.map((r) => r.log));

const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const result = {
  lesson: lesson.slug,
  runsPerVariant: runs / 2,
  commandsPerRun: commands,
  warmRunP50Ms: round(pct(timings.trace, 50)),
  warmRunP50WithoutTraceMs: round(pct(timings.noTrace, 50)),
  traceCostMs: round(pct(timings.trace, 50) - pct(timings.noTrace, 50)),
  traceCostPercent: round(
    (100 * (pct(timings.trace, 50) - pct(timings.noTrace, 50))) / pct(timings.noTrace, 50),
  ),
  isolatedTraceCostMs: round(isolatedTrace - isolatedLog),
  isolatedTraceCostPercent: round((100 * (isolatedTrace - isolatedLog)) / pct(timings.noTrace, 50)),
  budgetPercent: 10,
};
function round(n) {
  return Math.round(n * 10000) / 10000;
}
if (json) console.log(JSON.stringify(result));
else {
  console.log(
    `Trace recording cost, ${result.lesson} solution, ${result.runsPerVariant} warm runs per variant (Node ${process.version})`,
  );
  console.log(`  commands traced per run     ${result.commandsPerRun}`);
  console.log(`  warm run p50, with trace    ${result.warmRunP50Ms} ms`);
  console.log(`  warm run p50, log only      ${result.warmRunP50WithoutTraceMs} ms`);
  console.log(
    `  trace cost, end to end      ${result.traceCostMs} ms (${result.traceCostPercent}%; noisy)`,
  );
  console.log(
    `  trace cost, isolated        ${result.isolatedTraceCostMs} ms per run (${result.isolatedTraceCostPercent}% of a warm run; budget ≤ ${result.budgetPercent}%)`,
  );
}
