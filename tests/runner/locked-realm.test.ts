/**
 * The suites that run the runner core in a realm locked down with SES, as ONE test file: one
 * worker, one lockdown, one load of ioredis-mock, SES, fengari and the runner, as a runner child
 * or the browser worker has them for every run it grades.
 *
 * Why one file: a worker cannot run a second test file once its realm is locked. A first run
 * hardens objects that reach the realm's original `Error` (measured: it is frozen after the first
 * test of each of these files), so lockdown's `Error.stackTraceLimit` setter throws from then on,
 * and vitest sets that limit for every test it collects. Within one file, every test is collected
 * before the first run, so it works. Each of
 * these suites used to start a worker of its own: about 1.7 s of CPU each to start it and load the
 * same modules again (measured: the 14 files took 41 s of CPU as 14 workers, 17 s as this one).
 *
 * The suites stay in their own files, named `*.test.ts`, and read as before; vite.config.ts takes
 * every file imported here out of the projects, so each runs once, here, in this order. Run one
 * suite with `npx vitest run tests/runner/locked-realm.test.ts -t '<describe name>'`.
 * Decision: the suites now share one realm and harness backend, as runs share them in a runner
 * child; every run still gets a fresh store and Compartment from the runner itself, which is
 * what they test. A new suite that locks the realm down can be added here, or left as a file of
 * its own (vite.config.ts then gives it a worker of its own).
 */
import './harness.ts';
import './sandbox.test.ts';
import './sandbox-fidelity.test.ts';
import './errors.test.ts';
import './console.test.ts';
import './checks-api.test.ts';
import './lesson-key-value-basics.test.ts';
import './adversarial-host.test.ts';
import './adversarial-lifetime.test.ts';
import './adversarial-log.test.ts';
import './shared-facade-isolation.test.ts';
import './plain-copy-keys.test.ts';
import './worker-loop-messages.test.ts';
import './worker-loop-batch.test.ts';
import './run-insight.test.ts';
import './clamp-once.test.ts';
import './strict-checks.test.ts';
import '../redis/dump.test.ts';
import '../redis/functions.test.ts';
import '../redis/sandbox-surface.test.ts';
import '../insight/trace-tamper.test.ts';
