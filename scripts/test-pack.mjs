// npm run test:pack: the package as a course author or CI gets it. Packs the repository (which
// builds dist-cli/ through `prepack`), installs the tarball in an empty folder, and drives the
// installed `npx cachelab` there: grade a downloaded file without --lesson, batch-grade a folder
// of mixed submissions with --json and --reporter junit (every verdict checked), verify, new, cli.
// Exits 1 on the first thing that is wrong. Slower than the unit suite, so it runs on its own.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadedFile, readLessonSources } from './course-submissions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(path.join(tmpdir(), 'cachelab-pack-'));
const keep = process.argv.includes('--keep');
let failures = 0;

function check(ok, what, detail = '') {
  console.log(`${ok ? '✓' : '✗'} ${what}${!ok && detail ? `\n    ${detail}` : ''}`);
  if (!ok) failures++;
}

// The runner child's startup snapshot goes to a cache of this test's own, as on a fresh machine.
const cacheDir = path.join(work, 'cache');

function run(cwd, args, env = {}) {
  const started = performance.now();
  const result = spawnSync('npx', ['--no-install', 'cachelab', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CACHELAB_CACHE_DIR: cacheDir, ...env },
  });
  return { ...result, ms: performance.now() - started };
}

/** The header "Download my code" writes (src/progress/download-header.ts). */
try {
  console.log(`packing into ${work}`);
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  )[0];
  const tarball = path.join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  check(files.includes('dist-cli/cachelab.mjs'), 'the tarball holds the built CLI');
  check(
    files.includes('bin/cachelab.cjs') && files.includes('dist-cli/prestart.cjs'),
    'the tarball holds the CommonJS bin and the prestart that spawns the runner child first',
  );
  check(
    !files.some((f) => f.startsWith('src/cli/') || f.startsWith('tests/')),
    'the tarball holds no CLI sources or tests',
  );
  console.log(`  ${packed.filename}: ${files.length} files, ${(packed.size / 1e6).toFixed(1)} MB`);

  const app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{ "name": "grading", "private": true }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--save-dev', tarball], {
    cwd: app,
    stdio: 'inherit',
  });

  const lessons = readLessonSources(root);

  // 1. One downloaded file, no --lesson.
  const first = lessons[0];
  writeFileSync(path.join(app, `${first.slug}.ts`), downloadedFile(first.slug, first.solution));
  const one = run(app, ['grade', `${first.slug}.ts`, '--json']);
  const oneJson = JSON.parse(one.stdout || '{}');
  check(
    one.status === 0 && oneJson.passed === true,
    `grade ${first.slug}.ts without --lesson passes (${Math.round(one.ms)} ms)`,
    one.stderr,
  );

  // 1b. npm's postinstall built the runner child's startup snapshot into the package, so even
  // that first run started its child from it, and no per-user cache was needed.
  const packagedDir = path.join(app, 'node_modules/cachelab/dist-cli/snapshot');
  const packaged = existsSync(packagedDir) ? readdirSync(packagedDir) : [];
  check(
    packaged.length === 1 && packaged[0].endsWith('.blob') && !existsSync(cacheDir),
    `npm install built the child's startup snapshot into the package (${packaged.join(', ')})`,
  );

  // 1b'. The installed bin itself, without npx's own start-up (a few hundred ms of npm), as a
  // CI script calling node_modules/.bin/cachelab runs it: median of 7, beside `node -e 0`.
  const direct = [];
  const nodeE0 = [];
  for (let i = 0; i < 7; i++) {
    let started = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    nodeE0.push(performance.now() - started);
    started = performance.now();
    const r = spawnSync(
      path.join(app, 'node_modules/.bin/cachelab'),
      ['grade', `${first.slug}.ts`, '--json'],
      { cwd: app, encoding: 'utf8', env: { ...process.env, CACHELAB_CACHE_DIR: cacheDir } },
    );
    direct.push(r.status === 0 ? performance.now() - started : Infinity);
  }
  const median = (v) => Math.round([...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]);
  check(
    direct.every(Number.isFinite),
    `node_modules/.bin/cachelab grade of one file: median ${median(direct)} ms (node -e 0: ${median(nodeE0)} ms)`,
  );

  // 1c. Without it (npm install --ignore-scripts), the first run builds one in the per-user
  // cache in the background, and the next runs start from that.
  rmSync(packagedDir, { recursive: true, force: true });
  const cold = run(app, ['grade', `${first.slug}.ts`, '--json']);
  check(cold.status === 0, `grade without any snapshot passes (${Math.round(cold.ms)} ms)`);
  const blobs = () =>
    existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.blob')) : [];
  const deadline = Date.now() + 90_000;
  while (blobs().length === 0 && Date.now() < deadline) await sleep(250);
  check(blobs().length === 1, `that run built the snapshot in the per-user cache`);
  const again = run(app, ['grade', `${first.slug}.ts`, '--json']);
  check(
    again.status === 0 && JSON.parse(again.stdout || '{}').passed === true && blobs().length === 1,
    `grade from the cached snapshot passes and keeps it (${Math.round(again.ms)} ms)`,
    again.stderr,
  );
  writeFileSync(path.join(app, 'starter.ts'), downloadedFile(first.slug, first.starter));
  const starterRun = run(app, ['grade', 'starter.ts', '--json']);
  check(
    starterRun.status === 1 && JSON.parse(starterRun.stdout || '{}').passed === false,
    'the starter, graded from the snapshot, fails (exit 1)',
    starterRun.stdout + starterRun.stderr,
  );

  // 2. A batch: solutions, starters and syntax errors for every lesson, round-robin.
  const count = Number(process.env.PACK_SUBMISSIONS ?? 200);
  const subs = path.join(app, 'submissions');
  const expected = new Map();
  for (let i = 0; i < count; i++) {
    const lesson = lessons[i % lessons.length];
    const kind = ['solution', 'starter', 'solution', 'broken'][Math.floor(i / lessons.length) % 4];
    const code =
      kind === 'broken'
        ? 'export function oops( {\n'
        : kind === 'solution'
          ? lesson.solution
          : lesson.starter;
    const file = path.join(`learner-${String(i).padStart(4, '0')}`, `${lesson.slug}.ts`);
    mkdirSync(path.join(subs, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(subs, file), downloadedFile(lesson.slug, code));
    expected.set(path.join('submissions', file), kind === 'solution');
  }
  const batch = run(app, [
    'grade',
    'submissions',
    '--json',
    '--reporter',
    'junit',
    '--output',
    'report.xml',
  ]);
  const json = JSON.parse(batch.stdout || '{"submissions": []}');
  check(
    batch.status === 1,
    `batch exits 1 when some submissions fail (got ${batch.status})`,
    batch.stderr,
  );
  check(
    json.submissions.length === count,
    `batch JSON has an entry per file (${json.submissions.length}/${count})`,
  );
  const wrong = json.submissions.filter((s) => expected.get(s.file) !== s.passed);
  check(
    wrong.length === 0,
    `every verdict is right`,
    wrong
      .slice(0, 3)
      .map((s) => `${s.file}: ${JSON.stringify(s.error ?? s.checks.find((c) => !c.passed))}`)
      .join('\n    '),
  );
  console.log(`  ${count} submissions in ${(batch.ms / 1000).toFixed(1)} s`);
  const xml = readFileSync(path.join(app, 'report.xml'), 'utf8');
  const suites = xml.split('<testsuite ').slice(1);
  check(suites.length === count, `JUnit: a testsuite per submission (${suites.length})`);
  const checkCounts = new Map();
  for (const s of json.submissions) if (!s.error) checkCounts.set(s.lesson, s.checks.length);
  const badSuite = suites.find((suite) => {
    const lesson = /<property name="lesson" value="([^"]*)"/.exec(suite)?.[1];
    return (suite.match(/<testcase /g) ?? []).length !== checkCounts.get(lesson);
  });
  check(
    !badSuite,
    'JUnit: a testcase per check, also for submissions that did not compile',
    badSuite?.slice(0, 300),
  );

  // 3. The rest of the commands.
  const verify = run(app, ['verify', '--json']);
  check(
    verify.status === 0 && JSON.parse(verify.stdout).ok === true,
    'verify passes on the built-in course',
    verify.stderr,
  );
  const version = run(app, ['--version']);
  check(
    version.status === 0 && version.stdout === `${packed.version}\n`,
    `--version prints ${packed.version}`,
    version.stdout + version.stderr,
  );

  const cli = run(app, ['cli', 'echo', '-h']);
  check(cli.stdout === '"-h"\n', 'cli echo -h prints "-h"', cli.stdout + cli.stderr);
  mkdirSync(path.join(app, 'course', 'lessons'), { recursive: true });
  const created = run(path.join(app, 'course'), ['new', 'pub-sub']);
  check(created.status === 0, "new scaffolds a lesson in an author's folder", created.stderr);
  const own = run(app, ['verify', '--course', 'course/lessons', '--json']);
  check(own.status === 0, 'verify --course accepts the scaffolded lesson', own.stdout + own.stderr);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(failures === 0 ? 'test:pack passed' : `test:pack: ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
