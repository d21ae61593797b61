/**
 * The runner core: learner source + a lesson's checks in, a RunReport out. No DOM and no node:*
 * imports, so the browser Worker and the Node worker thread run exactly this.
 *
 * Preconditions (the host's job): ioredis-mock is imported and `hardenRealm()` has run, so the
 * intrinsics are frozen and `Date.now` follows the realm clock. One run at a time per realm.
 * Hard limits (a whole-run timeout, memory) are the host's too: only terminating the worker
 * stops a `while (true) {}`.
 */
import { expect } from 'chai';
import type { CheckContext, CheckSuite } from './checks-api.ts';
import { createCheckClock } from './clock.ts';
import { createConsoleCapture } from './console-capture.ts';
import { createDeadlines, type Deadlines } from './deadlines.ts';
import { createFakeDb } from './fake-db.ts';
import { realmClock } from './harden.ts';
import { CheckFailure, createLearnerProxy } from './learner-proxy.ts';
import type { RedisBackend } from './redis-backend.ts';
import type { KeyspaceSnapshot } from './keyspace-snapshot.ts';
import type { CheckResult, RunError, RunReport } from './report.ts';
import { createSandbox } from './sandbox.ts';
import {
  clientFor,
  closeBinding,
  CommandRecorder,
  createIoredisModule,
  isSandboxClient,
  setLearnerResolver,
  type StoreBinding,
} from './sandbox-redis.ts';
import { isInstance, learnerPosition, thrownMessage } from './thrown.ts';
import { transpileLearner } from './transpile.ts';

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
    setLearnerResolver(undefined);
  }
}

async function runUnguarded(input: RunInput, options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const capture = createConsoleCapture();
  // Raw keys of the final check's store, for the in-page console to start from.
  let snapshot: KeyspaceSnapshot | undefined;
  const finish = (checks: CheckResult[], error?: RunError): RunReport => ({
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
  const { line1Shift } = compiled;

  const clock = realmClock();
  const sandbox = createSandbox(capture, clock);
  let current: StoreBinding | undefined;
  setLearnerResolver(() => {
    if (!current)
      throw new Error(
        'Redis commands can only run inside your functions, not while your module loads',
      );
    return current;
  });

  const ioredis = createIoredisModule();
  const require = harden((specifier: unknown) => {
    if (specifier === 'ioredis') return ioredis;
    throw new Error(
      `Cannot import "${String(specifier)}": only 'ioredis' is available in the cachelab sandbox`,
    );
  });

  // Evaluate, then load: a syntax error V8 finds (that sucrase let through) is a compile error;
  // anything thrown by the module body is a load error.
  let factory: unknown;
  try {
    factory = sandbox.evaluate(compiled.code);
  } catch (error) {
    // SES rejects some source text (direct eval, import(), HTML comments) before V8 parses it;
    // its message names the line as "learner.ts:N".
    const message = thrownMessage(error);
    const sesLine = /learner\.ts:(\d+)/.exec(message);
    const position =
      learnerPosition(error, line1Shift) ?? (sesLine ? { line: Number(sesLine[1]) } : undefined);
    return finish([], positioned('compile', message, position));
  }
  const moduleRecord = { exports: {} as Record<string, unknown> };
  try {
    Reflect.apply(factory as (...args: unknown[]) => unknown, undefined, [
      require,
      moduleRecord.exports,
      moduleRecord,
    ]);
  } catch (error) {
    sandbox.timers.cancelAll();
    const position = learnerPosition(error, line1Shift);
    return finish(
      [],
      positioned('load', `Your code threw while loading: ${thrownMessage(error)}`, position),
    );
  }
  sandbox.timers.cancelAll();
  const exportsMap = readExports(moduleRecord);
  if (!exportsMap)
    return finish([], { kind: 'load', message: "Your module's exports could not be read" });

  const checkTimeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const deadlines = createDeadlines();
  const results: CheckResult[] = [];
  for (const [index, check] of input.suite.checks.entries()) {
    const checkStarted = performance.now();
    const store = await options.backend.openStore();
    const binding: StoreBinding = {
      raw: store.learner,
      recorder: new CommandRecorder(checkStarted),
      open: true,
      listeners: [],
    };
    current = binding;
    const checkClock = createCheckClock(clock, options.backend, store.host);
    const fakeDbApis = new WeakSet<object>();
    const client = clientFor(binding);
    const ctx: CheckContext<Record<string, unknown>> = {
      learner: createLearnerProxy({
        exports: exportsMap,
        timeoutMs: checkTimeoutMs,
        deadlines,
        line1Shift,
        passThrough: (value) =>
          isSandboxClient(value) ||
          (typeof value === 'object' && value !== null && fakeDbApis.has(value)),
      }) as CheckContext<Record<string, unknown>>['learner'],
      client: client as unknown as CheckContext<Record<string, unknown>>['client'],
      redis: store.host as unknown as CheckContext<Record<string, unknown>>['redis'],
      log: binding.recorder.log,
      clock: checkClock,
      fakeDb: (fakeOptions = {}) => {
        const db = createFakeDb(fakeOptions, checkClock);
        fakeDbApis.add(db.api);
        return db;
      },
      expect,
    };

    let verdict: Pick<CheckResult, 'passed' | 'message' | 'line' | 'column'>;
    try {
      await withTimeout(deadlines, check.run(ctx), checkTimeoutMs * 5, check.name);
      verdict = { passed: true };
    } catch (error) {
      verdict = failureOf(error);
    }
    closeBinding(binding);
    current = undefined;
    sandbox.timers.cancelAll();
    const { trace, traceOmitted } = binding.recorder.trace();
    let keyspace: CheckResult['keyspace'];
    try {
      keyspace = await store.snapshot();
    } catch {
      keyspace = undefined;
    }
    if (index === input.suite.checks.length - 1) {
      try {
        snapshot = store.rawSnapshot?.();
      } catch {
        snapshot = undefined;
      }
    }
    await store.close();
    const result: CheckResult = {
      name: check.name,
      ...verdict,
      durationMs: round(performance.now() - checkStarted),
      trace,
      ...(traceOmitted ? { traceOmitted } : {}),
      ...(keyspace ? { keyspace } : {}),
      clockAdvancedMs: checkClock.advancedMs(),
    };
    results.push(result);
    options.onCheck?.(index, result);
  }
  return finish(results);
}

function positioned(
  kind: RunError['kind'],
  message: string,
  position?: { line: number; column?: number },
): RunError {
  return {
    kind,
    message,
    ...(position ? { line: position.line } : {}),
    ...(position?.column ? { column: position.column } : {}),
  };
}

/** Reads the learner's exports once, so later getter tricks cannot change what checks call. */
function readExports(moduleRecord: { exports: unknown }): Map<string, unknown> | undefined {
  try {
    const exportsObject = moduleRecord.exports;
    const map = new Map<string, unknown>();
    if (
      exportsObject === null ||
      (typeof exportsObject !== 'object' && typeof exportsObject !== 'function')
    )
      return map;
    for (const key of Reflect.ownKeys(exportsObject)) {
      if (typeof key !== 'string') continue;
      const desc = Reflect.getOwnPropertyDescriptor(exportsObject, key);
      if (!desc) continue;
      map.set(
        key,
        'value' in desc
          ? desc.value
          : desc.get
            ? Reflect.apply(desc.get, exportsObject, [])
            : undefined,
      );
    }
    return map;
  } catch {
    return undefined;
  }
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
): Promise<void> {
  await deadlines.race(
    Promise.resolve(run),
    ms,
    () => new CheckFailure(`The check "${name}" did not finish within ${ms / 1000} s`),
  );
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
