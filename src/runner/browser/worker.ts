/**
 * The browser host of the runner: a module Web Worker that grades learner code with the runner
 * core. It loads ioredis-mock (after its shim), locks the realm down, proves that its network is
 * blocked, runs a warm-up exercise, and only then says `ready`. Learner code runs inside the
 * core's Compartment and never sees this module's scope, `self` or `postMessage`.
 */
import './ioredis-mock-shim.ts';
import RedisMock from 'ioredis-mock';
import { hardenRealm } from '../harden.ts';
import { fromWorkerSchema, toWorkerSchema, type FromWorker } from '../protocol.ts';
import { mockBackend } from '../redis-backend.ts';
import { heldChecks } from '../held-checks.ts';
import type { RunReport } from '../report.ts';
import { runLesson, type RunInput } from '../run-lesson.ts';
import { WARMUP_SOURCE, warmupSuite } from '../warmup.ts';

/** Per-check soft timeout; the page enforces the whole-run hard timeout by terminating us. */
const CHECK_TIMEOUT_MS = 1000;

/** Checks finished this early in a run ride in its `done` report (see held-checks.ts). */
const HOLD_CHECKS_MS = 20;

/** The parts of DedicatedWorkerGlobalScope this host uses (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (event: SecurityPolicyViolationEvent) => void,
  ): void;
  removeEventListener(
    type: 'securitypolicyviolation',
    listener: (event: SecurityPolicyViolationEvent) => void,
  ): void;
  location: { origin: string };
}

const scope = self as unknown as WorkerScope;
// Bound now, before any learner code exists; nothing that learner code can reach refers to it.
const postToPage = scope.postMessage.bind(scope);

/** Every outgoing message is parsed too: that copies it into plain data with only known fields. */
function post(message: FromWorker): void {
  postToPage(fromWorkerSchema.parse(message));
}

hardenRealm();
const backend = mockBackend(RedisMock);

/** Checks of every lesson, loaded on first use. Keys look like "/lessons/01-slug/checks.ts". */
const checkModules = import.meta.glob<{ default: RunInput['suite'] }>('/lessons/*/checks.ts');
const checksBySlug = new Map<string, () => Promise<{ default: RunInput['suite'] }>>();
for (const [file, load] of Object.entries(checkModules)) {
  const slug = /^\/lessons\/\d+-([^/]+)\/checks\.ts$/.exec(file)?.[1];
  if (slug) checksBySlug.set(slug, load);
}

async function loadSuite(slug: string): Promise<RunInput['suite'] | undefined> {
  const load = checksBySlug.get(slug);
  return load ? (await load()).default : undefined;
}

/**
 * Proves that this worker's Content-Security-Policy is in force: a request to our own origin must
 * be refused *and* reported as a connect-src violation. A failed request alone could just be a
 * server that went away, so it is not proof.
 */
async function networkIsBlocked(): Promise<boolean> {
  let violation = false;
  const onViolation = (event: SecurityPolicyViolationEvent) => {
    if (event.effectiveDirective === 'connect-src') violation = true;
  };
  scope.addEventListener('securitypolicyviolation', onViolation);
  try {
    const outcome = await Promise.race([
      fetch(`${scope.location.origin}/`, { cache: 'no-store' }).then(
        () => 'reached' as const,
        () => 'refused' as const,
      ),
      new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), 5000)),
    ]);
    if (outcome !== 'refused') return false;
    // The violation event is queued as a task; give it a moment to arrive.
    for (let waited = 0; !violation && waited < 500; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return violation;
  } finally {
    scope.removeEventListener('securitypolicyviolation', onViolation);
  }
}

function failedReport(lesson: string, message: string): RunReport {
  return {
    lesson,
    passed: false,
    checks: [],
    error: { kind: 'load', message },
    console: '',
    durationMs: 0,
  };
}

async function grade(runId: string, lesson: string, source: string, suite: RunInput['suite']) {
  const report = await runLesson(
    { lesson, source, suite },
    {
      backend,
      checkTimeoutMs: CHECK_TIMEOUT_MS,
      onCheck: heldChecks(
        (index, result) => post({ type: 'check', runId, index, result }),
        HOLD_CHECKS_MS,
      ),
    },
  );
  post({ type: 'done', runId, report });
}

async function handle(data: unknown): Promise<void> {
  const parsed = toWorkerSchema.safeParse(data);
  if (!parsed.success) return;
  const message = parsed.data;
  const suite = await loadSuite(message.lesson);
  if (!suite) {
    post({
      type: 'done',
      runId: message.runId,
      report: failedReport(message.lesson, `There is no lesson called "${message.lesson}".`),
    });
    return;
  }
  await grade(message.runId, message.lesson, message.source, suite);
}

async function start(): Promise<boolean> {
  try {
    return await proveAndWarmUp();
  } catch (error) {
    post({ type: 'fatal', message: `The runner could not start: ${String(error)}` });
    return false;
  }
}

async function proveAndWarmUp(): Promise<boolean> {
  if (!(await networkIsBlocked())) {
    post({
      type: 'fatal',
      message:
        "The runner is switched off because the site's Content-Security-Policy header for the " +
        'runner worker is missing, so learner code could reach the network. Serve the worker ' +
        "script with \"Content-Security-Policy: default-src 'none'; script-src 'self' 'unsafe-eval'\" " +
        '(see docs/deploy.md).',
    });
    return false;
  }
  // The first run in a realm is several times slower than the rest (JIT, lazy init), so pay for
  // it now, on a built-in exercise; it doubles as a self-test of the sandbox.
  const warmUp = await runLesson(
    { lesson: 'warm-up', source: WARMUP_SOURCE, suite: warmupSuite },
    { backend, checkTimeoutMs: CHECK_TIMEOUT_MS },
  );
  if (!warmUp.passed) {
    const reason = warmUp.error?.message ?? warmUp.checks.find((c) => !c.passed)?.message;
    post({ type: 'fatal', message: `The runner failed its self-test: ${reason ?? 'unknown'}` });
    return false;
  }
  // performance.now() counts from the worker's creation: download, parse, imports, lockdown,
  // the network probe and the warm-up run.
  post({ type: 'ready', startupMs: performance.now() });
  return true;
}

// Runs go one at a time, in the order they arrive, and only once start-up has proved the sandbox.
let queue: Promise<boolean> = start();
scope.addEventListener('message', (event: MessageEvent) => {
  queue = queue.then(async (usable) => {
    if (!usable) return false;
    try {
      await handle(event.data);
    } catch (error) {
      post({ type: 'fatal', message: `The runner failed: ${String(error)}` });
    }
    return true;
  });
});
