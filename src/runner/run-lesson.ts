/**
 * The runner core: learner source + a lesson's checks in, a RunReport out. No DOM and no node:*
 * imports, so the browser Worker and the Node worker thread run exactly this.
 *
 * Preconditions (the host's job): ioredis-mock is imported and `hardenRealm()` has run, so the
 * intrinsics are frozen and `Date.now` follows the realm clock. One run at a time per realm.
 * Hard limits (a whole-run timeout, memory) are the host's too: only terminating the worker
 * stops a `while (true) {}`.
 *
 * Nothing outlives a check. Every check gets a fresh evaluation of the learner's module (its body
 * run afresh, with its own timers and `ioredis` module, in the realm's compartment, whose global
 * object is frozen: sandbox.ts), a fresh store, recorder, clock, fake databases and context; when the check
 * ends (passed, failed or timed out) all of them are revoked: the module's timers are cancelled
 * and refused, its Redis clients and the check's `client`, `redis`, `clock`, `learner` and fake
 * databases throw, and a store whose check timed out is never reused. A revoked handle that is
 * used anyway fails the check that is running at the time.
 */
import { config as chaiConfig, expect } from 'chai';
import type { CheckContext, CheckSuite, Clock } from './checks-api.ts';
import { createCheckClock } from './clock.ts';
import { CommandRecorder, LogOverflow, traceBudget } from './command-recorder.ts';
import { createConsoleCapture } from './console-capture.ts';
import { createDeadlines, type Deadlines } from './deadlines.ts';
import { createFakeDb } from './fake-db.ts';
import { asAssertion, formatAssertion } from './failure-format.ts';
import { realmClock, type RealmClock } from './harden.ts';
import { hardenFresh } from './harden-fresh.ts';
import { compileLearnerModule, type LearnerInstance } from './learner-module.ts';
import { CheckFailure, createLearnerProxy } from './learner-proxy.ts';
import { createReportClamp, type ReportClamp } from './boundary-caps.ts';
import type { RedisBackend, Store } from './redis-backend.ts';
import type { KeyspaceSnapshot } from './keyspace-snapshot.ts';
import type { CheckResult, RunError, RunReport } from './report.ts';
import { clientFor, closeBinding, isSandboxClient, type StoreBinding } from './sandbox-redis.ts';
import type { ConsoleCapture } from './console-capture.ts';
import { isInstance, thrownMessage } from './thrown.ts';
import { transpileLearner } from './transpile.ts';

// Failure messages print the whole value: "…(1)" would hide the very field that differs.
chaiConfig.truncateThreshold = 0;

/** What to run. */
export interface RunInput {
  /** The lesson slug, copied into the report. */
  lesson: string;
  /** The learner's TypeScript (or JavaScript) source. */
  source: string;
  /** The lesson's checks (the default export of its checks.ts). */
  suite: CheckSuite<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- suites are typed per lesson
}

/** How to run it. */
export interface RunOptions {
  /** Where stores come from; hosts pass `mockBackend(RedisMock)` with their ioredis-mock build. */
  backend: RedisBackend;
  /** Soft timeout for each call into learner code, in ms (default 1000). */
  checkTimeoutMs?: number;
  /** Called as each check finishes, so a host can stream partial results. */
  onCheck?: (index: number, result: CheckResult) => void;
  /** Called as each check starts, so a hard timeout can name the check that was running. */
  onCheckStart?: (index: number, name: string) => void;
  /** Called as each call into learner code starts, e.g. "saveUser({ id: 1 })". */
  onCall?: (call: string) => void;
  /**
   * Whether results carry what the page's insight tabs show: each check's command trace and
   * keyspace, and the final keyspace snapshot (default true). The CLI shows none of them, so its
   * runner child turns this off; the command log that checks judge (`ctx.log`) is kept either way.
   */
  insight?: boolean;
  /**
   * The run's report clamp (boundary-caps.ts), when the host clamps the report too (the worker
   * loop does), so each check result is clamped once, with the run's trace budget, and the
   * host's clamp of the report finds it done. Default: a clamp of the run's own.
   */
  clamp?: ReportClamp;
  /**
   * Whether chai refuses an assertion it does not know (`expect(x).to.be.ture` throws "Invalid
   * Chai property" instead of asserting nothing; default false). Decision: on where checks are
   * what is being tested, `cachelab verify` (which CI runs over every course), off where
   * learners' code is: chai makes that check with a Proxy per assertion and per chained word,
   * which made each assertion about five times slower and a warm run of lesson 1 about a tenth
   * slower, while a verified course's checks contain no such word to find.
   */
  strictChecks?: boolean;
}

/** Default soft timeout per learner call. */
export const DEFAULT_CHECK_TIMEOUT_MS = 1000;

let running = false;

/** Runs learner code against a lesson's checks and reports check by check. */
export async function runLesson(input: RunInput, options: RunOptions): Promise<RunReport> {
  if (typeof harden !== 'function')
    throw new Error('runLesson needs hardenRealm() to have run in this realm');
  if (running) throw new Error('runLesson is already running in this realm; runs must not overlap');
  running = true;
  try {
    return await runUnguarded(input, options);
  } finally {
    running = false;
  }
}

/** What a check's handles share: whether the check is still running, and what misused them. */
interface CheckLife {
  live: boolean;
  /** Learner-facing notes of revoked handles used while this check ran. */
  stale: string[];
}

async function runUnguarded(input: RunInput, options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  // chai's own switch: runs never overlap in a realm, so each run sets it for itself.
  chaiConfig.useProxy = options.strictChecks === true;
  const capture = createConsoleCapture();
  // Raw keys of the final check's store, for the in-page console to start from.
  let snapshot: KeyspaceSnapshot | undefined;
  // Ends the run's loan of the realm's compartment (its console stops writing into `capture`).
  const loan: { close?: () => void } = {};
  const finish = (checks: CheckResult[], error?: RunError): RunReport => {
    loan.close?.();
    return report(checks, error);
  };
  const report = (checks: CheckResult[], error?: RunError): RunReport => ({
    lesson: input.lesson,
    passed: !error && checks.length > 0 && checks.every((c) => c.passed),
    checks,
    ...(error ? { error } : {}),
    console: capture.text(),
    durationMs: round(performance.now() - started),
    ...(snapshot ? { snapshot } : {}),
  });

  const compiled = transpileLearner(input.source);
  if (!compiled.ok) return finish([], compiled.error);
  const clock = realmClock();
  // The check running now: a revoked handle of an earlier check reports its misuse here.
  let current: CheckLife | undefined;
  const onStale = (note: string) => void current?.stale.push(note);
  const module = compileLearnerModule({
    code: compiled.code,
    line1Shift: compiled.line1Shift,
    capture,
    clock,
    onStale,
  });
  if (!module.ok) return finish([], module.error);
  loan.close = module.close;
  const load = module.load;

  // The first evaluation finds load errors before any check runs; it then serves the first
  // check, and every later check gets its own.
  const first = load();
  if (!first.ok) return finish([], first.error);
  let nextInstance: LearnerInstance | undefined = first.instance;

  const checkTimeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const insight = options.insight !== false;
  const deadlines = createDeadlines();
  const budget = traceBudget();
  const clamp = options.clamp ?? createReportClamp();
  const results: CheckResult[] = [];
  // Learner code that uses a revoked handle fails the check running at the time; check code
  // (the clock, ctx.redis, ctx.learner of an abandoned check) only gets the error.
  const revoked =
    (what: string, learnerHandle = true) =>
    () => {
      const note = `Your code used ${what} from an earlier check; every check gets fresh ones`;
      if (learnerHandle) current?.stale.push(note);
      throw new Error(learnerHandle ? note : `${what} belongs to an earlier check that is over`);
    };

  for (const [index, check] of input.suite.checks.entries()) {
    options.onCheckStart?.(index, check.name);
    const checkStarted = performance.now();
    const life: CheckLife = { live: true, stale: [] };
    current = life;
    const store = await options.backend.openStore();
    const binding: StoreBinding = {
      raw: store.learner,
      recorder: new CommandRecorder(checkStarted, budget, insight),
      open: true,
      listeners: [],
      ...(store.connect ? { connect: () => store.connect!() } : {}),
      // An async loop over Redis commands never lets the deadline timer fire: it still ends.
      beforeCommand: deadlines.poll,
    };
    // Commands run inside Lua scripts are logged and traced like any other.
    store.observe?.((argv, reply, isError) => binding.recorder.observe(argv, reply, isError));
    const instances: LearnerInstance[] = [];
    const instanceFor = (): LearnerInstance => {
      const loaded = nextInstance ? { ok: true as const, instance: nextInstance } : load();
      nextInstance = undefined;
      if (!loaded.ok) {
        const { message, line, column } = loaded.error;
        throw new CheckFailure(message, line ? { line, ...(column ? { column } : {}) } : undefined);
      }
      loaded.instance.attach(binding);
      instances.push(loaded.instance);
      return loaded.instance;
    };

    let verdict: Pick<CheckResult, 'passed' | 'message' | 'line' | 'column'>;
    let timedOut = false;
    const fakeDbApis = new WeakSet<object>();
    try {
      const context = createContext({
        life,
        revoked,
        binding,
        store,
        backend: options.backend,
        clock,
        capture,
        instanceFor,
        fakeDbApis,
        onStale,
        proxy: (instance) =>
          createLearnerProxy({
            exports: instance.exports,
            timeoutMs: checkTimeoutMs,
            deadlines,
            line1Shift: compiled.line1Shift,
            passThrough: (value) => isSandboxClient(value) || fakeDbApis.has(value as object),
            assertLive: () => {
              if (!life.live) revoked('ctx.learner', false)();
            },
            onCall: options.onCall,
          }),
      });
      try {
        await withTimeout(deadlines, check.run(context), checkTimeoutMs * 5, check.name, () => {
          timedOut = true;
        });
        verdict = { passed: true };
      } catch (error) {
        verdict = failureOf(error);
      }
    } catch (error) {
      verdict = failureOf(error);
    }
    // Revoke everything the check and its module evaluations hold, before any await.
    life.live = false;
    store.observe?.(undefined);
    closeBinding(binding);
    for (const instance of instances) instance.close();
    if (life.stale.length > 0 && verdict.passed)
      verdict = { passed: false, message: life.stale[0] };

    const { trace, traceOmitted } = binding.recorder.trace();
    let keyspace: CheckResult['keyspace'];
    try {
      // Without insight nobody reads the keyspace; the await stays, so that code still pending
      // from the check (a learner's promise chain) gets the same turns before the store closes.
      keyspace = insight ? await store.snapshot() : await undefined;
    } catch {
      keyspace = undefined;
    }
    if (insight && index === input.suite.checks.length - 1) {
      try {
        snapshot = store.rawSnapshot?.();
      } catch {
        snapshot = undefined;
      }
    }
    // A timed-out check's own code may still be running: its store is never handed out again.
    await (timedOut && store.discard ? store.discard() : store.close());
    for (const instance of instances) instance.timers.cancelAll();
    if (current === life) current = undefined;
    const result = validResult(clamp, index, {
      name: check.name,
      ...verdict,
      durationMs: round(performance.now() - checkStarted),
      ...(insight ? { trace } : {}),
      ...(traceOmitted ? { traceOmitted } : {}),
      ...(keyspace ? { keyspace } : {}),
      clockAdvancedMs: checkClockAdvanced.get(binding) ?? 0,
    });
    results.push(result);
    options.onCheck?.(index, result);
  }
  for (const instance of nextInstance ? [nextInstance] : []) instance.close();
  return finish(results);
}

const checkClockAdvanced = new WeakMap<StoreBinding, number>();

interface ContextOptions {
  life: CheckLife;
  revoked: (what: string, learnerHandle?: boolean) => () => never;
  binding: StoreBinding;
  store: Store;
  backend: RedisBackend;
  clock: RealmClock;
  capture: ConsoleCapture;
  instanceFor(): LearnerInstance;
  fakeDbApis: WeakSet<object>;
  onStale(note: string): void;
  proxy(instance: LearnerInstance): ReturnType<typeof createLearnerProxy>;
}

type AnyContext = CheckContext<Record<string, unknown>>;

/** A fresh context for one check; every handle in it dies with the check. */
function createContext(o: ContextOptions): AnyContext {
  const { life, revoked, fakeDbApis } = o;
  const checkClock = createCheckClock(o.clock, o.backend, o.store.host);
  const clock: Clock = hardenFresh({
    now: () => {
      if (!life.live) revoked('ctx.clock', false)();
      return checkClock.now();
    },
    advance: async (ms: number) => {
      // A check that timed out must not move time for the next one.
      if (!life.live) revoked('ctx.clock', false)();
      await checkClock.advance(ms);
      checkClockAdvanced.set(o.binding, checkClock.advancedMs());
      // Blocking commands whose timeout the jump passed answer now.
      o.store.afterAdvance?.();
    },
  });
  const learner = o.proxy(o.instanceFor()) as AnyContext['learner'];
  return {
    learner,
    newServer: () => o.proxy(o.instanceFor()) as AnyContext['learner'],
    client: clientFor(o.binding, o.onStale) as unknown as AnyContext['client'],
    redis: revocable(o.store.host, life) as unknown as AnyContext['redis'],
    // Read when a check asks for it: making the log's view is wasted on the checks that never do.
    get log() {
      return o.binding.recorder.log;
    },
    clock,
    fakeDb: (fakeOptions = {}) => {
      const db = createFakeDb(fakeOptions, clock, () => {
        if (!life.live) revoked('a fake database')();
      });
      fakeDbApis.add(db.api);
      return db;
    },
    expect,
  };
}

/**
 * `ctx.redis` for one check: the check's own client, refusing every call once the check is
 * over, so a check abandoned by its timeout cannot write into a later check's store.
 */
function revocable(
  client: object,
  life: CheckLife,
  proxies: WeakMap<object, object> = new WeakMap(),
): object {
  // One proxy per object and one wrapper per method, for the check's lifetime: a check that
  // seeds 1,200 keys through a pipeline (`batch.set(...)` returns the pipeline) made a proxy and
  // a closure per call, a fifth of a cold run of lesson 3.
  const known = proxies.get(client);
  if (known) return known;
  const closed = () => {
    throw new Error('ctx.redis belongs to a check that is over');
  };
  const wrappers = new Map<PropertyKey, { value: object; wrapper: unknown }>();
  const proxy = new Proxy(client, {
    get(target, key) {
      if (!life.live) closed();
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const cached = wrappers.get(key);
      if (cached?.value === value) return cached.wrapper;
      const wrapper = (...args: unknown[]) => {
        if (!life.live) closed();
        const out: unknown = Reflect.apply(value, target, args);
        return typeof out === 'object' &&
          out !== null &&
          typeof (out as { then?: unknown }).then !== 'function'
          ? revocable(out, life, proxies)
          : out;
      };
      wrappers.set(key, { value, wrapper });
      return wrapper;
    },
  });
  proxies.set(client, proxy);
  return proxy;
}

/**
 * A result the report can carry: long keys, arguments and previews cut to the boundary caps (and
 * marked), never refused. Decision: no zod parse here. The run's clamp builds every field afresh
 * from a clipped string, a finite number or a positive integer, so its output meets
 * `checkResultSchema` by construction (tests/runner/check-post-schema.test.ts tries hostile
 * values); parsing it again cost about 8 % of a warm run. Decision: the clamp is the host's when
 * it has one (`RunOptions.clamp`), so a check is clamped once, not here and again in the worker
 * loop. The schema is still enforced where the result crosses a boundary: the host parses every
 * message it receives.
 */
function validResult(clamp: ReportClamp, index: number, unclamped: CheckResult): CheckResult {
  return clamp.check(index, unclamped);
}

function failureOf(error: unknown): Pick<CheckResult, 'passed' | 'message' | 'line' | 'column'> {
  if (isInstance(error, CheckFailure)) {
    const failure = error as CheckFailure;
    return {
      passed: false,
      message: failure.message,
      ...(failure.position ? { line: failure.position.line } : {}),
      ...(failure.position?.column ? { column: failure.position.column } : {}),
    };
  }
  if (isInstance(error, LogOverflow)) return { passed: false, message: (error as Error).message };
  const assertion = asAssertion(error);
  if (assertion && isInstance(error, Error) && (error as Error).name === 'AssertionError')
    return { passed: false, message: formatAssertion(assertion) };
  // chai's AssertionError already reads "expected ... to ..."; its class name adds nothing.
  const message = thrownMessage(error);
  return { passed: false, message: message.replace(/^AssertionError: /, '') };
}

/** A check's own time limit: five learner calls' worth. */
async function withTimeout(
  deadlines: Deadlines,
  run: unknown,
  ms: number,
  name: string,
  onTimeout: () => void,
): Promise<void> {
  await deadlines.race(Promise.resolve(run), ms, () => {
    onTimeout();
    return new CheckFailure(`The check "${name}" did not finish within ${ms / 1000} s`);
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
