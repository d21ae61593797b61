/**
 * The page side of the browser runner: module workers under the shared supervisor
 * (../supervisor.ts), a warmed spare, and the page's proof of the worker's security header.
 *
 * The supervisor holds the rules both hosts share (start-up deadline, hard timeout counted from
 * the worker's acknowledgement, error kinds, size caps, late messages ignored, a ping after each
 * run). This module only adapts a `Worker` to its endpoint and keeps two of them: when one is
 * recycled the spare takes over at once, so the learner never waits for a start-up twice.
 */
import workerUrl from './worker.ts?worker&url';
import type { ToWorker } from '../protocol.ts';
import type { CheckResult, RunReport } from '../report.ts';
import {
  RunnerUnavailableError,
  Supervisor,
  type EndpointFailure,
  type WorkerEndpoint,
} from '../supervisor.ts';
import { checkWorkerCsp } from './csp-check.ts';

export { RunnerUnavailableError };

/** The part of `Worker` the client uses, so tests can inject a fake. */
export interface WorkerLike {
  /** Sends a message to the worker. */
  postMessage(message: ToWorker): void;
  /** Stops the worker at once, even in the middle of `while (true) {}`. */
  terminate(): void;
  /** Subscribes to worker events. */
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  /** Subscribes to uncaught errors and load failures of the worker script. */
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  /** Subscribes to messages that could not be deserialized. */
  addEventListener(type: 'messageerror', listener: (event: MessageEvent) => void): void;
}

/** Options for `createRunnerClient`. */
export interface RunnerClientOptions {
  /** Makes a worker; defaults to the real module worker. Tests inject a fake here. */
  createWorker?: () => WorkerLike;
  /** Whole-run hard timeout in ms, counted from the worker's acknowledgement (default 3000). */
  runTimeoutMs?: number;
  /** How long a worker may take to report `ready` (default 20000). */
  startupTimeoutMs?: number;
  /** Keep a second, warmed worker to swap in after a timeout or crash (default true). */
  spare?: boolean;
  /**
   * Proves the worker's security header before any learner code runs; resolves to a reason to
   * refuse. Defaults to the HEAD check of the real worker script (none for an injected worker).
   */
  checkCsp?: () => Promise<string | undefined>;
}

/** Runs learner code in the browser runner. */
export interface RunnerClient {
  /** Starts the worker (and a spare) while the learner reads; each warms itself up before ready. */
  warm(): void;
  /** Grades `source` against the lesson's checks; `onCheck` sees each check as it finishes. */
  run(
    lesson: string,
    source: string,
    onCheck?: (index: number, result: CheckResult) => void,
  ): Promise<RunReport>;
  /** Milliseconds the current worker took to start, once it is ready. */
  readonly startupMs: number | undefined;
  /** Terminates every worker; later calls to `run` start fresh ones. */
  dispose(): void;
}

const DEFAULT_RUN_TIMEOUT_MS = 3000;
const DEFAULT_STARTUP_TIMEOUT_MS = 20_000;

function defaultCreateWorker(): WorkerLike {
  return new Worker(workerUrl, { type: 'module' });
}

/** A Worker as the supervisor's endpoint. */
export function workerEndpoint(worker: WorkerLike): WorkerEndpoint {
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onError: (listener) => {
      worker.addEventListener('error', (event) => listener(classifyCrash(errorMessage(event))));
      worker.addEventListener('messageerror', () =>
        listener({
          kind: 'violation',
          message: 'The runner sent a message that could not be read.',
        }),
      );
    },
    terminate: () => worker.terminate(),
  };
}

function errorMessage(event: Event): string {
  const message = (event as ErrorEvent).message;
  return typeof message === 'string' && message !== ''
    ? message
    : 'the worker stopped unexpectedly';
}

/** A worker that dies mid-run either ran out of memory or crashed. */
function classifyCrash(message: string): EndpointFailure {
  if (/out of memory|allocation failed|invalid (array|string) length/i.test(message)) {
    return { kind: 'memory', message: 'Your code ran out of memory, so it was stopped.' };
  }
  return { kind: 'crashed', message: `The runner stopped unexpectedly: ${message}` };
}

/** Creates the page's runner client. Nothing starts until `warm` or `run` is called. */
export function createRunnerClient(options: RunnerClientOptions = {}): RunnerClient {
  const createWorker = options.createWorker ?? defaultCreateWorker;
  const checkCsp =
    options.checkCsp ??
    (options.createWorker ? undefined : () => checkWorkerCsp(new URL(workerUrl, location.href)));
  const runTimeoutMs = options.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const startupTimeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  const keepSpare = options.spare ?? true;

  let active: Supervisor | undefined;
  let spare: Supervisor | undefined;
  let startupMs: number | undefined;
  let disposed = false;
  /** The header only has to be proved once per page; every worker waits for the same answer. */
  let csp: Promise<string | undefined> | undefined;
  /** Runs go one at a time. */
  let queue: Promise<unknown> = Promise.resolve();

  const start = (): Supervisor => {
    if (checkCsp) csp ??= checkCsp();
    const supervisor = new Supervisor(workerEndpoint(createWorker()), {
      startupTimeoutMs,
      hardTimeoutMs: runTimeoutMs,
      ...(csp ? { gate: csp } : {}),
    });
    supervisor.onDeath(() => {
      if (supervisor === active) {
        active = spare;
        spare = undefined;
      } else if (supervisor === spare) {
        spare = undefined;
      }
    });
    return supervisor;
  };

  const ensureSpare = () => {
    if (keepSpare && !disposed && (!spare || spare.isDead)) spare = start();
  };

  const ensureActive = (): Supervisor => {
    if (!active || active.isDead) {
      const supervisor = start();
      active = supervisor;
      // The spare starts once the active worker is ready, so the two never compete for the CPU
      // while the learner waits for the first one.
      supervisor.ready.then(ensureSpare, () => undefined);
    } else {
      ensureSpare();
    }
    return active;
  };

  const runNow = async (
    first: Supervisor,
    lesson: string,
    source: string,
    onCheck?: (index: number, result: CheckResult) => void,
  ): Promise<RunReport> => {
    const listener = onCheck ? { onCheck } : undefined;
    let supervisor = first.isDead && first.readyMs !== undefined ? ensureActive() : first;
    let report: RunReport;
    try {
      startupMs = supervisor.readyMs ?? (await supervisor.ready);
      report = await supervisor.run(lesson, source, listener);
    } catch (error) {
      // The worker was ready but could not take this run (it died while idle, or was still busy
      // with the last run's leftovers): use the spare. No learner time was counted.
      if (
        !(error instanceof RunnerUnavailableError) ||
        disposed ||
        supervisor.readyMs === undefined
      )
        throw error;
      supervisor = ensureActive();
      startupMs = await supervisor.ready;
      report = await supervisor.run(lesson, source, listener);
    }
    // A recycled worker was replaced by the spare; start the next spare now, not at next run.
    if (supervisor.isDead && !disposed) ensureActive();
    return report;
  };

  return {
    warm() {
      disposed = false;
      ensureActive();
    },

    run(lesson, source, onCheck) {
      // An idle worker gets the message in this task, with no hop: the worker then runs while
      // the page renders instead of after it.
      disposed = false;
      const idle = active?.isIdle === true;
      // The worker starts now even when the run has to queue, so start-up overlaps the wait.
      const supervisor = ensureActive();
      const result = idle
        ? runNow(supervisor, lesson, source, onCheck)
        : queue.then(() => runNow(supervisor, lesson, source, onCheck));
      queue = result.catch(() => undefined);
      return result;
    },

    get startupMs() {
      return startupMs;
    },

    dispose() {
      disposed = true;
      const workers = [active, spare];
      active = undefined;
      spare = undefined;
      for (const supervisor of workers) supervisor?.terminate();
    },
  };
}
