// Sums up a CPU log of `npm test` (tests/helpers/cpu-log.ts):
//   CACHELAB_TEST_CPU_LOG=/tmp/cpu.log npx vitest run && node scripts/test-cpu-report.mjs /tmp/cpu.log [top]
// Prints each worker's files and CPU, then the files by CPU (their own, and reaped children's).
// Compare two runs' reports to see which files, or which worker's module loads, made one slower.
import { readFileSync } from 'node:fs';

const [logFile, top = '25'] = process.argv.slice(2);
if (!logFile) {
  console.error('usage: node scripts/test-cpu-report.mjs <log file> [how many files]');
  process.exit(2);
}
// Linux clock ticks are 1/100 s.
const TICK_MS = 10;
const lines = readFileSync(logFile, 'utf8')
  .trim()
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
const files = lines.map((line) => ({
  file: String(line.file).replace(/^.*?\/tests\//, 'tests/'),
  pid: line.pid,
  own: (line.end.u + line.end.s - line.start.u - line.start.s) * TICK_MS,
  children: (line.end.cu + line.end.cs - line.start.cu - line.start.cs) * TICK_MS,
  // A file that leaves Date.now faked (or tamed by SES) has no wall time: shown as -.
  wall:
    typeof line.startedAt === 'number' && typeof line.endedAt === 'number'
      ? line.endedAt - line.startedAt
      : NaN,
}));
const workers = new Map();
for (const [i, line] of lines.entries()) {
  const worker = workers.get(line.pid) ?? { files: 0, beforeFirst: Infinity, total: 0 };
  worker.files++;
  // The worker's CPU before its first file: start-up, environment and the first module loads.
  worker.beforeFirst = Math.min(worker.beforeFirst, (line.start.u + line.start.s) * TICK_MS);
  worker.total = Math.max(worker.total, (line.end.u + line.end.s) * TICK_MS);
  worker.first ??= files[i].file;
  workers.set(line.pid, worker);
}
const sum = (values) => values.reduce((a, b) => a + b, 0);
const seconds = (ms) => (ms / 1000).toFixed(1).padStart(6);
console.log(
  `${files.length} files in ${workers.size} workers: workers ${seconds(sum([...workers.values()].map((w) => w.total)))} s ` +
    `(before their first file ${seconds(sum([...workers.values()].map((w) => w.beforeFirst)))} s), ` +
    `reaped children ${seconds(sum(files.map((f) => f.children)))} s`,
);
console.log('\nworker   files  CPU s  first file');
for (const [pid, worker] of workers)
  console.log(
    `${String(pid).padEnd(8)} ${String(worker.files).padStart(5)} ${seconds(worker.total)}  ${worker.first}`,
  );
console.log('\n own s  children s  wall s  file');
for (const file of files
  .sort((a, b) => b.own + b.children - a.own - a.children)
  .slice(0, Number(top)))
  console.log(
    `${seconds(file.own)}  ${seconds(file.children).padStart(10)}  ${file.wall >= 0 && file.wall < 3.6e6 ? seconds(file.wall) : '     -'}  ${file.file}`,
  );
