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
 *
 * While the snapshot is built, the library code a run needs before any learner code exists is
 * run once (child-snapshot-warmup.ts), so the snapshot holds it compiled.
 */
import 'sucrase';
import 'chai';
import RedisMock from 'ioredis-mock';
import { startupSnapshot } from 'node:v8';
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
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { warmSnapshot } from './child-snapshot-warmup.ts';
import { pretranspile } from './load-checks.ts';

function main(): void {
  const startedAt = performance.now();
  void (async () => {
    const { hardenRealm } = await import('../runner/harden.ts');
    hardenRealm();
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

if (startupSnapshot.isBuildingSnapshot()) {
  const lessons = path.resolve(path.dirname(path.resolve(process.argv[1] ?? '.')), '../lessons');
  pretranspileBuiltInCourse(lessons);
  // The build runs the event loop dry before it writes the snapshot, so this async warm-up
  // finishes first (child-snapshot-warmup.ts).
  void warmSnapshot(RedisMock, lessons);
  startupSnapshot.setDeserializeMainFunction(main);
} else {
  main();
}
