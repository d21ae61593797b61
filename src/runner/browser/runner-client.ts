/**
 * The page side of the browser runner: starts module workers, keeps a warmed spare, enforces the
 * hard timeout and turns whatever the worker says (after zod parsing) into a RunReport.
 *
 * The worker decides nothing the page trusts blindly: every message is parsed, and only messages
 * carrying the id of the run in flight count. Learner code cannot post messages at all (its
 * Compartment has no `postMessage`); the checks here are the second wall.
 */
import { fromWorkerSchema, type FromWorker, type ToWorker } from '../protocol.ts';
import type { CheckResult, RunErrorKind, RunReport } from '../report.ts';

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
  /** Whole-run hard timeout in ms (default 3000). */
  runTimeoutMs?: number;
  /** How long a worker may take to report `ready` (default 20000). */
  startupTimeoutMs?: number;
  /** Keep a second, warmed worker to swap in after a timeout or crash (default true). */
  spare?: boolean;
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

/** The runner cannot run code at all: the worker failed to start or reported a fatal problem. */
export class RunnerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunnerUnavailableError';
  }
}

const DEFAULT_RUN_TIMEOUT_MS = 3000;
const DEFAULT_STARTUP_TIMEOUT_MS = 20_000;
/** Run errors after which the worker's state can't be trusted, so it is replaced. */
const RECYCLE_AFTER: ReadonlySet<RunErrorKind> = new Set(['timeout', 'memory', 'violation']);

function defaultCreateWorker(): WorkerLike {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
}

interface PendingRun {
  runId: string;
  onCheck?: (index: number, result: CheckResult) => void;
  checks: CheckResult[];
  resolve: (report: RunReport) => void;
  /** Ends the run because the worker died; the reason becomes the report's error. */
  abort: (kind: RunErrorKind, message: string) => void;
  /** Ends the run without a report, because the client was disposed. */
  cancel: () => void;
}

/** One worker and what the client knows about it. */
class Slot {
  readonly ready: Promise<number>;
  /** The worker's start-up time once it is ready; lets a run on an idle worker post at once. */
  readyMs: number | undefined;
  /** Runs go to the worker one at a time; each waits for the one before. */
  private queue: Promise<unknown>;
  /** Runs accepted and not yet settled. */
  private unsettled = 0;
  private pending: PendingRun | undefined;
  private dead = false;
  private failReady!: (error: RunnerUnavailableError) => void;

  constructor(
    private readonly worker: WorkerLike,
    startupTimeoutMs: number,
    private readonly newRunId: () => string,
    private readonly onDeath: (slot: Slot) => void,
  ) {
    let resolveReady!: (startupMs: number) => void;
    this.ready = new Promise<number>((resolve, reject) => {
      resolveReady = resolve;
      this.failReady = reject;
    });
    // A slot whose start-up fails may never be awaited (a spare); don't report that as unhandled.
    this.ready.catch(() => undefined);
    const startupTimer = setTimeout(
      () => this.fail(`The runner did not start within ${Math.round(startupTimeoutMs / 1000)} s.`),
      startupTimeoutMs,
    );
    this.ready.then(
      (startupMs) => {
        clearTimeout(startupTimer);
        this.readyMs = startupMs;
      },
      () => clearTimeout(startupTimer),
    );

    worker.addEventListener('message', (event) => {
      const parsed = fromWorkerSchema.safeParse(event.data);
      if (parsed.success) this.receive(parsed.data, resolveReady);
    });
    worker.addEventListener('error', (event) => {
      const message = errorEventMessage(event);
      if (this.pending) this.pending.abort(...classifyCrash(message));
      else this.fail(`The runner stopped: ${message}`);
    });
    this.queue = this.ready;
  }

  /** Queues a run; resolves with its report (or a timeout report). */
  run(
    lesson: string,
    source: string,
    onCheck: PendingRun['onCheck'],
    timeoutMs: number,
  ): Promise<RunReport> {
    // An idle, ready worker gets the message now, not after a microtask hop: the worker then
    // runs while the page renders "Running…" instead of after it.
    const idle = this.readyMs !== undefined && this.unsettled === 0;
    const result = idle
      ? this.start(lesson, source, onCheck, timeoutMs)
      : this.queue.then(() => this.start(lesson, source, onCheck, timeoutMs));
    this.unsettled += 1;
    this.queue = result.catch(() => undefined);
    this.queue.then(() => (this.unsettled -= 1));
    return result;
  }

  /** Stops the worker for good; a run in flight rejects with RunnerUnavailableError. */
  terminate(): void {
    if (this.dead) return;
    this.dead = true;
    this.worker.terminate();
    this.failReady(new RunnerUnavailableError('The runner was stopped.'));
    this.pending?.cancel();
  }

  get isDead(): boolean {
    return this.dead;
  }

  private start(
    lesson: string,
    source: string,
    onCheck: PendingRun['onCheck'],
    timeoutMs: number,
  ): Promise<RunReport> {
    if (this.dead) return Promise.reject(new RunnerUnavailableError('The runner was stopped.'));
    const runId = this.newRunId();
    const startedAt = performance.now();
    return new Promise<RunReport>((resolve, reject) => {
      const checks: CheckResult[] = [];
      const seconds = Math.round(timeoutMs / 100) / 10;
      const timer = setTimeout(() => abort('timeout', `timed out after ${seconds} s`), timeoutMs);
      const finish = (report: RunReport) => {
        clearTimeout(timer);
        this.pending = undefined;
        resolve(report);
      };
      const cancel = () => {
        clearTimeout(timer);
        this.pending = undefined;
        reject(new RunnerUnavailableError('The runner was stopped.'));
      };
      const abort = (kind: RunErrorKind, text: string) => {
        finish({
          lesson,
          passed: false,
          checks: checks.filter(Boolean),
          error: { kind, message: text },
          console: '',
          durationMs: performance.now() - startedAt,
        });
        this.die();
      };
      this.pending = { runId, onCheck, checks, resolve: finish, abort, cancel };
      this.worker.postMessage({ type: 'run', runId, lesson, source });
    });
  }

  private receive(message: FromWorker, resolveReady: (startupMs: number) => void): void {
    switch (message.type) {
      case 'ready':
        resolveReady(message.startupMs);
        return;
      case 'fatal':
        this.fail(message.message);
        return;
      case 'check': {
        const pending = this.pending;
        if (!pending || message.runId !== pending.runId) return;
        pending.checks[message.index] = message.result;
        pending.onCheck?.(message.index, message.result);
        return;
      }
      case 'done': {
        const pending = this.pending;
        if (!pending || message.runId !== pending.runId) return;
        pending.resolve(message.report);
        if (message.report.error && RECYCLE_AFTER.has(message.report.error.kind)) this.die();
      }
    }
  }

  /** The worker can't be used any more: fail start-up (or the run in flight) and hand it back. */
  private fail(message: string): void {
    this.failReady(new RunnerUnavailableError(message));
    this.pending?.abort('violation', message);
    this.die();
  }

  private die(): void {
    if (this.dead) return;
    this.terminate();
    this.onDeath(this);
  }
}

function errorEventMessage(event: Event): string {
  const message = (event as ErrorEvent).message;
  return typeof message === 'string' && message !== ''
    ? message
    : 'the worker stopped unexpectedly';
}

/** A worker that dies mid-run either ran out of memory or broke out of the sandbox's control. */
function classifyCrash(message: string): [RunErrorKind, string] {
  if (/out of memory|allocation failed|invalid (array|string) length/i.test(message)) {
    return ['memory', 'ran out of memory'];
  }
  return ['violation', `the runner stopped unexpectedly: ${message}`];
}

let runCounter = 0;
function newRunId(): string {
  runCounter += 1;
  const random = globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2);
  return `run-${runCounter}-${random}`;
}

/** Creates the page's runner client. Nothing starts until `warm` or `run` is called. */
export function createRunnerClient(options: RunnerClientOptions = {}): RunnerClient {
  const createWorker = options.createWorker ?? defaultCreateWorker;
  const runTimeoutMs = options.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const startupTimeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  const keepSpare = options.spare ?? true;

  let active: Slot | undefined;
  let spare: Slot | undefined;
  let startupMs: number | undefined;
  let disposed = false;

  const onDeath = (slot: Slot) => {
    if (slot === active) {
      active = spare;
      spare = undefined;
    } else if (slot === spare) {
      spare = undefined;
    }
  };

  const startSlot = (): Slot => new Slot(createWorker(), startupTimeoutMs, newRunId, onDeath);

  const ensureSpare = () => {
    if (keepSpare && !disposed && (!spare || spare.isDead)) spare = startSlot();
  };

  const ensureActive = (): Slot => {
    if (!active || active.isDead) {
      const slot = startSlot();
      active = slot;
      // The spare starts once the active worker is ready, so the two never compete for the CPU
      // while the learner waits for the first one.
      slot.ready.then(ensureSpare, () => undefined);
    } else {
      ensureSpare();
    }
    return active;
  };

  return {
    warm() {
      disposed = false;
      ensureActive();
    },

    async run(lesson, source, onCheck) {
      disposed = false;
      let slot = ensureActive();
      startupMs = slot.readyMs ?? (await slot.ready);
      let report: RunReport;
      try {
        report = await slot.run(lesson, source, onCheck, runTimeoutMs);
      } catch (error) {
        // The worker was ready but died before this run began (e.g. it crashed while idle, or the
        // run queued before this one timed out): use the spare.
        if (!(error instanceof RunnerUnavailableError) || disposed) throw error;
        slot = ensureActive();
        startupMs = await slot.ready;
        report = await slot.run(lesson, source, onCheck, runTimeoutMs);
      }
      // A recycled worker was replaced by the spare; start the next spare now, not at next run.
      if (slot.isDead && !disposed) ensureActive();
      return report;
    },

    get startupMs() {
      return startupMs;
    },

    dispose() {
      disposed = true;
      active?.terminate();
      spare?.terminate();
      active = undefined;
      spare = undefined;
    },
  };
}
