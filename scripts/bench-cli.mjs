// npm run bench:cli (also run by npm run bench): how fast the *installed* CLI grades, against the
// targets of the CI-scale issue. It builds dist-cli/ (as `npm pack` does) and runs the bin with
// CACHELAB_BUILD=1, which is what an installed package runs.
//
//   one file: `cachelab grade <downloaded file> --json`, a fresh process each time, median of N,
//             against `node -e 0` on the same machine (target ≤ 0.3 s). Measured once the
//             runner child's startup snapshot exists, as it does in an installed package (npm's
//             postinstall builds it; without install scripts, the first run builds it in the
//             background, and that first run's time is shown too).
//             With CACHELAB_TIMING=1 the CLI reports when each step was reached, so the table
//             also breaks the median run down (host ready, child spawned, child ready, graded,
//             reported, exit) and shows the CPU time of the child and of the CLI process;
//   batch:    1,000 mixed submissions (solutions, starters and syntax errors, across
//             every lesson) in one `cachelab grade <folder> --json` (target ≤ 30 s), every
//             verdict checked.
//
// Prints a table and writes bench-results/bench-cli.json. A benchmark, not a test: it never
// fails on a target (it exits 1 only if a verdict is wrong).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { downloadedFile, readLessonSources } from './course-submissions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// What `npx cachelab` runs (package.json "bin"), run as npm's bin link runs it: as a command,
// through its shell preamble (see bin/cachelab.cjs), not as `node <file>`.
const bin = path.join(root, 'bin/cachelab.cjs');
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string' },
    submissions: { type: 'string' },
    'no-build': { type: 'boolean' },
  },
});
const RUNS = Math.max(3, Number(flags.runs ?? 11));
const SUBMISSIONS = Math.max(10, Number(flags.submissions ?? 1000));
const TARGETS = { oneFileMs: 300, batchMs: 30_000 };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function timed(command, args, options = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...options,
  });
  return { ...result, ms: performance.now() - started };
}

/**
 * Waits (up to 60 s) for the background build of the child's startup snapshot; true once it
 * exists. A package whose postinstall built one into dist-cli/snapshot/ has it already.
 */
async function waitForSnapshot(cache) {
  const hasBlob = (dir) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.blob'));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (hasBlob(cache) || hasBlob(path.join(root, 'dist-cli/snapshot'))) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/** Median of each step of `cachelab-timing` lines (src/cli/grade-timing.ts), plus the wall time. */
function stepMedians(runs) {
  const steps = {};
  for (const run of runs) {
    const line = run.stderr.split('\n').find((l) => l.startsWith('cachelab-timing '));
    if (!line) continue;
    const marks = { ...JSON.parse(line.slice('cachelab-timing '.length)), exit: run.ms };
    const cpu = /^cachelab-cpu ([\d.]+) ([\d.]+)$/m.exec(run.stderr);
    if (cpu) marks.hostCpu = (Number(cpu[1]) + Number(cpu[2])) * 1000;
    for (const [step, ms] of Object.entries(marks)) (steps[step] ??= []).push(ms);
  }
  return Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Math.round(median(v))]));
}

const loadAtStart = loadavg().map((n) => Math.round(n * 100) / 100);

async function benchCli() {
  if (!flags['no-build']) {
    console.error('bench:cli: building dist-cli/…');
    execFileSync(process.execPath, [path.join(root, 'scripts/build-cli.mjs')], {
      stdio: 'inherit',
    });
  }
  const work = mkdtempSync(path.join(tmpdir(), 'cachelab-bench-cli-'));
  // Its own snapshot cache, as a fresh install has: nothing left over from another build.
  const env = { ...process.env, CACHELAB_BUILD: '1', CACHELAB_CACHE_DIR: path.join(work, 'cache') };
  try {
    const lessons = readLessonSources(root);

    // One file, a fresh process each time.
    const first = lessons[0];
    const file = path.join(work, `${first.slug}.ts`);
    writeFileSync(file, downloadedFile(first.slug, first.solution));
    // With /usr/bin/time (Debian's `time` package), the breakdown runs also record this
    // process's CPU (user + sys); the child's own CPU comes from CACHELAB_TIMING (childCpu).
    const gnuTime = existsSync('/usr/bin/time');
    const gradeOnce = (extraEnv = {}, cpu = false) => {
      const [command, args] =
        cpu && gnuTime ? ['/usr/bin/time', ['-f', 'cachelab-cpu %U %S', bin]] : [bin, []];
      const run = timed(command, [...args, 'grade', file, '--json'], {
        env: { ...env, ...extraEnv },
        cwd: work,
      });
      if (run.status !== 0) throw new Error(`grade of one file failed: ${run.stdout}${run.stderr}`);
      return run;
    };
    // The first run of an install: no snapshot yet; it starts building one in the background.
    const firstRunMs = gradeOnce().ms;
    const snapshotReady = await waitForSnapshot(path.join(work, 'cache'));
    const node0 = [];
    const grades = [];
    for (let i = 0; i < RUNS; i++) {
      node0.push(timed(process.execPath, ['-e', '0']).ms);
      grades.push(gradeOnce().ms);
    }
    const breakdown = stepMedians(
      Array.from({ length: Math.min(RUNS, 5) }, () => gradeOnce({ CACHELAB_TIMING: '1' }, true)),
    );
    const withoutSnapshot = [];
    for (let i = 0; i < Math.min(RUNS, 5); i++) {
      withoutSnapshot.push(gradeOnce({ CACHELAB_SNAPSHOT: '0' }).ms);
    }

    // A batch of mixed submissions.
    const subs = path.join(work, 'submissions');
    const expected = new Map();
    const kinds = ['solution', 'starter', 'solution', 'broken'];
    for (let i = 0; i < SUBMISSIONS; i++) {
      const lesson = lessons[i % lessons.length];
      const kind = kinds[Math.floor(i / lessons.length) % kinds.length];
      const code = {
        solution: lesson.solution,
        starter: lesson.starter,
        broken: 'export function oops( {\n',
      }[kind];
      const name = path.join(`learner-${String(i).padStart(4, '0')}`, `${lesson.slug}.ts`);
      mkdirSync(path.join(subs, path.dirname(name)), { recursive: true });
      writeFileSync(path.join(subs, name), downloadedFile(lesson.slug, code));
      expected.set(path.join('submissions', name), kind === 'solution');
    }
    const batch = timed(bin, ['grade', 'submissions', '--json'], {
      env,
      cwd: work,
    });
    const json = JSON.parse(batch.stdout || '{"submissions": []}');
    const wrongVerdicts = json.submissions.filter((s) => expected.get(s.file) !== s.passed);

    const result = {
      date: new Date().toISOString(),
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: availableParallelism(),
        node: process.versions.node,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100),
      },
      targets: TARGETS,
      oneFile: {
        runs: RUNS,
        medianMs: Math.round(median(grades)),
        nodeE0MedianMs: Math.round(median(node0)),
        ratio: Math.round((median(grades) / median(node0)) * 10) / 10,
        snapshot: snapshotReady,
        firstRunMs: Math.round(firstRunMs),
        withoutSnapshotMedianMs: Math.round(median(withoutSnapshot)),
        breakdownMs: breakdown,
      },
      batch: {
        submissions: SUBMISSIONS,
        wallMs: Math.round(batch.ms),
        exitCode: batch.status,
        graded: json.submissions.length,
        wrongVerdicts: wrongVerdicts.length,
        perSubmissionMs: Math.round((batch.ms / SUBMISSIONS) * 10) / 10,
      },
    };
    return { result, wrongVerdicts };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const { result, wrongVerdicts } = await benchCli();
const ok = (value, target) => (value <= target ? 'ok' : 'over');
const rows = [
  ['Figure', 'Value', 'Target', ''],
  [
    `\`cachelab grade\` one file, fresh process, median of ${result.oneFile.runs}`,
    `${result.oneFile.medianMs} ms (${result.oneFile.ratio}× \`node -e 0\` = ${result.oneFile.nodeE0MedianMs} ms)`,
    `≤ ${TARGETS.oneFileMs} ms`,
    ok(result.oneFile.medianMs, TARGETS.oneFileMs),
  ],
  [
    '  the same, first run with no snapshot yet (an install with --ignore-scripts)',
    `${result.oneFile.firstRunMs} ms`,
    '',
    '',
  ],
  [
    '  the same, without the startup snapshot (CACHELAB_SNAPSHOT=0), median',
    `${result.oneFile.withoutSnapshotMedianMs} ms`,
    '',
    '',
  ],
  [
    '  where the median run goes (ms since start; childOwnStartup = lockdown + warm-up; childCpu, hostCpu = CPU ms)',
    Object.entries(result.oneFile.breakdownMs)
      .map(([step, ms]) => `${step} ${ms}`)
      .join(', '),
    '',
    '',
  ],
  [
    `\`cachelab grade\` ${result.batch.submissions} mixed submissions, one process`,
    `${(result.batch.wallMs / 1000).toFixed(1)} s (${result.batch.perSubmissionMs} ms each; ${result.batch.wrongVerdicts} wrong verdicts)`,
    `≤ ${TARGETS.batchMs / 1000} s`,
    ok(result.batch.wallMs, TARGETS.batchMs),
  ],
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const [i, row] of rows.entries()) {
  console.log(
    row
      .map((cell, j) => cell.padEnd(widths[j]))
      .join('  ')
      .trimEnd(),
  );
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
console.log(
  `Machine: ${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}, load average at start ${result.machine.loadAverageAtStart.join(' / ')}, at end ${result.machine.loadAverageAtEnd.join(' / ')}${result.oneFile.snapshot ? '' : '; the startup snapshot was not built in time, so the one-file runs started without it'}`,
);
mkdirSync(path.join(root, 'bench-results'), { recursive: true });
writeFileSync(
  path.join(root, 'bench-results/bench-cli.json'),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.log('Wrote bench-results/bench-cli.json');
if (wrongVerdicts.length > 0) {
  console.error(`bench:cli: ${wrongVerdicts.length} wrong verdicts, e.g. ${wrongVerdicts[0].file}`);
  process.exitCode = 1;
}
