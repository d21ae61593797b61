/**
 * Entry of the built runner child (dist-cli/runner-child.cjs), which is also the entry of its
 * startup snapshot (`node --build-snapshot`, see child-snapshot-cache.ts). Run either way, it
 * first loads the heavy libraries (ioredis-mock with fengari, sucrase, chai) and the runner
 * modules that need no lockdown (zod schemas, the faithful Redis engine); a snapshot keeps them
 * already loaded, so a child started from it skips compiling and evaluating them.
 *
 * SES is not loaded here: V8 (Node 20) re-installs some built-ins on every context it
 * deserializes, and aborts when one already exists as SES's shims or `lockdown()` left it
 * (measured: a snapshot holding only `import 'ses'` crashes every child at start). So `main`,
 * in every child, loads SES and locks the realm down, then evaluates the runner modules (they
 * harden their classes as they load, which needs lockdown first), binds its own fd 3 and runs
 * the warm-up self-test (child-main.ts). ioredis-mock still loads before lockdown, as it must.
 * In the build, SES comes from its own file beside the bundle, compiled from a V8 code cache that
 * the snapshot build has a separate process make and keeps in the heap (child-ses.ts).
 *
 * While the snapshot is built, the library code a run needs before any learner code exists is
 * run once (child-snapshot-warmup.ts), so the snapshot holds it compiled.
 */
import 'sucrase';
import 'chai';
import RedisMock from 'ioredis-mock';
import { setFlagsFromString, startupSnapshot } from 'node:v8';
// Runner and Redis modules that neither load SES nor harden anything as they evaluate: the
// protocol's zod schemas, the boundary caps, the faithful Redis engine and the sandbox's ioredis
// facade (which hardens its shared classes on first use, after lockdown; defining its ~900
// command methods cost a child about 25 ms of start-up CPU when it evaluated after lockdown).
// A module added here must not touch `harden` or `lockdown` at load: the snapshot build would
// fail (tests/sandbox/runner-pool-snapshot.test.ts builds one).
import '../runner/protocol.ts';
import '../runner/boundary-caps.ts';
import '../runner/transpile.ts';
import '../runner/redis-backend.ts';
import '../runner/sandbox-redis.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { prepareSes, SES_CACHE_ARG, SES_FILE, sesCodeCache } from './child-ses.ts';
import { warmSnapshot } from './child-snapshot-warmup.ts';
import { pretranspile } from './load-checks.ts';

/**
 * V8 flags the child sets once SES is loaded and the realm locked down (not before: SES's code
 * cache is made, and checked, under the default flags, and SES's own start-up is code that runs
 * once, where eager feedback only costs: about 8 ms more to evaluate SES, measured).
 */
function setRuntimeFlags(): void {
  // A snapshot keeps the bytecode of what its build ran, not the feedback (inline caches) V8
  // gathered, and V8 gives a function its feedback vector only after a few calls: so in a new
  // child the first run's library code (sucrase on the submission, the checks, chai) runs cold,
  // without inline caches, for its first calls. Allocating feedback on the first call made a
  // one-file grade's first run about 8 ms of CPU shorter (39 → 32 ms, interleaved, 2026-12-01)
  // and the warm-up self-test before it a few ms longer: about 5 ms less in all.
  // Set here, after deserializing: a flag given on the command line must also be given to the
  // snapshot build, or V8 refuses the blob. It changes when V8 collects type feedback, never
  // what code does; learner code runs after it and cannot reach `node:v8`.
  setFlagsFromString('--no-lazy-feedback-allocation');
}

function main(): void {
  const startedAt = performance.now();
  void (async () => {
    const { hardenRealm } = await import('../runner/harden.ts');
    hardenRealm();
    setRuntimeFlags();
    const { startChild } = await import('./child-main.ts');
    await startChild(RedisMock, process.argv.at(-1) ?? '{}', startedAt);
  })();
}

/**
 * Transpiles and compiles the built-in course's checks (dist-cli/../lessons) into the snapshot
 * (load-checks.ts, pretranspile). Each is still checked against its file's size and mtime when a
 * run loads it, and evaluated fresh then.
 */
function pretranspileBuiltInCourse(lessons: string): void {
  try {
    for (const folder of readdirSync(lessons)) {
      if (!/^\d+-/.test(folder)) continue;
      try {
        pretranspile(path.join(lessons, folder, 'checks.ts'));
      } catch {
        // A lesson without checks, or with a syntax error: its run reports it, as without this.
      }
    }
  } catch {
    // No built-in course next to the bundle.
  }
}

/**
 * Started with SES_CACHE_ARG (by the snapshot build below): loads SES as a child does, locks the
 * realm down and runs the warm-up self-test, then writes V8's code cache of SES to stdout
 * (child-ses.ts). A process of its own, because the snapshot being built must never hold SES.
 * Under the default V8 flags, as a child is when it loads SES (setRuntimeFlags comes after).
 */
async function writeSesCodeCache(): Promise<void> {
  const { hardenRealm } = await import('../runner/harden.ts');
  hardenRealm();
  const [{ runLesson }, { WARMUP_SOURCE, warmupSuite }, { mockBackend }] = await Promise.all([
    import('../runner/run-lesson.ts'),
    import('../runner/warmup.ts'),
    import('../runner/redis-backend.ts'),
  ]);
  const report = await runLesson(
    { lesson: 'warm-up', source: WARMUP_SOURCE, suite: warmupSuite },
    { backend: mockBackend(RedisMock), checkTimeoutMs: 5000 },
  );
  if (!report.passed) process.exit(1);
  const cache = sesCodeCache();
  for (let written = 0; written < cache.length;)
    written += writeSync(1, cache, written, cache.length - written);
  process.exit(0);
}

/**
 * SES's source and its code cache into the snapshot being built (child-ses.ts), when the build
 * ships SES beside the bundle. Best effort: without a cache, children compile SES as before.
 */
function prepareSesForSnapshot(bundle: string): void {
  const ses = path.join(path.dirname(bundle), SES_FILE);
  if (!existsSync(ses)) return;
  try {
    // The child's heap flag (a V8 flag, so part of what V8 checks a code cache against).
    const heap = process.execArgv.filter((arg) => arg.startsWith('--max-old-space-size='));
    const made = spawnSync(process.execPath, [...heap, bundle, SES_CACHE_ARG], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_OPTIONS: '' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    });
    prepareSes(ses, made.status === 0 ? made.stdout : undefined);
  } catch {
    // No cache: each child compiles SES from the file beside the bundle.
  }
}

if (startupSnapshot.isBuildingSnapshot()) {
  const bundle = path.resolve(process.argv[1] ?? '.');
  const lessons = path.resolve(path.dirname(bundle), '../lessons');
  prepareSesForSnapshot(bundle);
  pretranspileBuiltInCourse(lessons);
  // The build runs the event loop dry before it writes the snapshot, so this async warm-up
  // finishes first (child-snapshot-warmup.ts).
  void warmSnapshot(RedisMock, lessons);
  startupSnapshot.setDeserializeMainFunction(main);
} else if (process.argv[2] === SES_CACHE_ARG) {
  void writeSesCodeCache().catch(() => process.exit(1));
} else {
  main();
}
