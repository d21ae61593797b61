/**
 * The page side of the browser runner: workers under the shared supervisor (../supervisor.ts), a
 * warmed spare, and the page's proof of the worker's security policy.
 *
 * The supervisor holds the rules both hosts share (start-up deadline, hard timeout counted from
 * the worker's acknowledgement, error kinds, size caps, late messages ignored, a ping after each
 * run). This module only adapts a worker to its endpoint and keeps two of them: when one is
 * recycled the spare takes over at once, so the learner never waits for a start-up twice.
 *
 * In a built app each worker lives in a sandboxed frame of its own (frame-worker.ts), whose
 * removal ends the process and so also a thread that a builtin keeps spinning past
 * `terminate()`. Chromium keeps all sandboxed frames of one site in one process, so a recycled
 * worker takes the spare down with it (`sharedProcess`), and the next worker starts in a fresh
 * process: after a timeout the learner's next run may wait for one start-up, and the CPU comes
 * back. The dev server has no single-file bundle, so there the worker is a module worker on the
 * page, as before.
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
import { checkWorkerCsp, MISSING_CSP_MESSAGE, policyBlocksNetwork } from './csp-check.ts';
import { createFrameWorker, runnerCodeLoader } from './frame-worker.ts';
import { RUNNER_FRAME_POLICY } from './runner-frame-document.ts';

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
  /** The worker's latest progress notes, for a worker whose notes do not come as messages. */
  lastNotes?(): Promise<unknown[]>;
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
   * The workers share one process that only goes away with all of them (sandboxed frames of one
   * site do), so when one dies the others are stopped too. Default: true for the framed workers.
   */
  sharedProcess?: boolean;
  /**
   * Proves the worker's security policy before any learner code runs; resolves to a reason to
   * refuse. Defaults to checking the frame's policy in a build, and to the HEAD check of the
   * worker script on the dev server (none for an injected worker).
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

/**
 * A build hosts each worker in a sandboxed frame; the dev server, whose worker is many modules
 * that an opaque origin could not load, keeps a module worker on the page.
 */
const FRAMED = !import.meta.env.DEV;

function pageWorker(): WorkerLike {
  return new Worker(workerUrl, { type: 'module' });
}

let loadRunnerCode: (() => Promise<Blob>) | undefined;
function framedWorker(): WorkerLike {
  loadRunnerCode ??= runnerCodeLoader(new URL(workerUrl, location.href));
  return createFrameWorker(loadRunnerCode);
}

/** The framed worker obeys the policy the page writes; proved here like a served header. */
async function checkFramePolicy(): Promise<string | undefined> {
  return policyBlocksNetwork(RUNNER_FRAME_POLICY) ? undefined : MISSING_CSP_MESSAGE;
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
    ...(worker.lastNotes ? { lastNotes: worker.lastNotes.bind(worker) } : {}),
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
  const createWorker = options.createWorker ?? (FRAMED ? framedWorker : pageWorker);
  const checkCsp =
    options.checkCsp ??
    (options.createWorker
      ? undefined
      : FRAMED
        ? checkFramePolicy
        : () => checkWorkerCsp(new URL(workerUrl, location.href)));
  const sharedProcess = options.sharedProcess ?? (!options.createWorker && FRAMED);
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
      // The dead worker's process lives on while any other frame keeps it: stop them all now,
      // before a replacement is created, so the replacement lands in a new process.
      if (sharedProcess) {
        const others = [active, spare];
        active = undefined;
        spare = undefined;
        for (const other of others) other?.terminate();
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
