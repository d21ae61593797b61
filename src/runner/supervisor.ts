/**
 * The one supervisor of a runner worker, used by the page (a module Web Worker) and the CLI (a
 * Node child process) alike, over a small endpoint: `post`, `onMessage`, `onError`, `terminate`.
 * It owns every rule both hosts must agree on:
 *
 * - a start-up deadline, and a failed self-test or `fatal` before `ready` makes the worker
 *   unavailable (never a hang);
 * - the hard timeout counts from the worker's `started`, not from start-up or queueing;
 * - a timeout report keeps the finished checks, names the check (and call) that was running and
 *   lists the checks that never ran;
 * - a dead worker gives `memory`, `crashed` or `violation` as the endpoint classified it, and a
 *   `fatal` during a run is `crashed`; the same kinds in every host;
 * - every message is size-capped before it is parsed, then zod-parsed; an oversized or malformed
 *   message ends the run as a `violation`; only messages of the run in flight count, so a late
 *   `done` is ignored;
 * - after a clean run the worker is pinged, and it takes no new run until it has answered: a
 *   worker still busy with the last run's leftovers is replaced, not reused.
 *
 * Pure: timers and the endpoint are all it touches, so tests drive it with a fake endpoint.
 */
import { BOUNDARY_LIMITS } from './limits.ts';
import { fromWorkerSchema, type FromWorker, type ToWorker } from './protocol.ts';
import type { CheckResult, RunError, RunErrorKind, RunReport } from './report.ts';

/** How a worker died, as its host could tell. */
export interface EndpointFailure {
  /** `memory` (an OOM or the memory watchdog), `violation` (refused output) or `crashed`. */
  kind: Extract<RunErrorKind, 'memory' | 'crashed' | 'violation'>;
  /** What happened, for the learner. */
  message: string;
}

/** A worker as its host sees it; the one thing each host implements. */
export interface WorkerEndpoint {
  /** Sends a message to the worker. */
  post(message: ToWorker): void;
  /** Subscribes to the worker's messages (JSON text as the loop posts it). */
  onMessage(listener: (raw: unknown) => void): void;
  /** Subscribes to the worker's death (crash, OOM, exit, a load error of its script). */
  onError(listener: (failure: EndpointFailure) => void): void;
  /** Stops the worker at once, whatever it is doing. */
  terminate(): void;
  /**
   * The worker's latest progress notes (`checkStart`, `call`, as JSON text), for a host whose
   * worker does not post them to `onMessage` (the browser's frame keeps them). Asked once, when
   * a run times out; resolves (to nothing, if need be) even when the worker is stuck.
   */
  lastNotes?(): Promise<unknown[]>;
}

/** The runner cannot run code: its worker failed to start, reported `fatal`, or was stopped. */
export class RunnerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunnerUnavailableError';
  }
}

/** Deadlines of a supervised worker. */
export interface SupervisorOptions {
  /** How long the worker may take to say `ready`. */
  startupTimeoutMs: number;
  /** Whole-run hard timeout, counted from the worker's `started`. */
  hardTimeoutMs: number;
  /** How long a ready worker may take to acknowledge a run or answer a ping (default 2000). */
  responseTimeoutMs?: number;
  /** Memory limit to name in a `memory` report, in MB. */
  memoryMb?: number;
  /**
   * A check that must pass before the worker counts as ready (the page's proof of the worker's
   * security header); it resolves to a reason to refuse, or undefined.
   */
  gate?: Promise<string | undefined>;
  /** Every run asks for chai's typo guard (RunOptions.strictChecks): `cachelab verify`'s runner. */
  strictChecks?: boolean;
}

/** Streams the progress of one run to whoever asked for it. */
export interface RunListener {
  /** A check finished. */
  onCheck?(index: number, result: CheckResult): void;
}

/** Run errors after which a worker's state can't be trusted, so it is replaced. */
export const RECYCLE_AFTER: ReadonlySet<RunErrorKind> = new Set([
  'timeout',
  'memory',
  'violation',
  'crashed',
]);

interface PendingRun {
  runId: string;
  lesson: string;
  startedAt: number;
  listener: RunListener | undefined;
  checks: CheckResult[];
  names: string[] | undefined;
  current: { index: number; name: string } | undefined;
  call: string | undefined;
  acknowledged: boolean;
  /** The hard timeout fired and the report waits for the worker's notes: nothing else counts. */
  timingOut: boolean;
  resolve(report: RunReport): void;
  reject(error: RunnerUnavailableError): void;
}

let runCounter = 0;
function newRunId(): string {
  runCounter += 1;
  const random = globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2);
  return `run-${runCounter}-${random}`;
}

/** One supervised worker. */
export class Supervisor {
  /** Resolves with the worker's start-up time in ms; rejects with RunnerUnavailableError. */
  readonly ready: Promise<number>;
  /** The start-up time once ready, so a run on an idle worker can be posted without a hop. */
  readyMs: number | undefined;
  private pending: PendingRun | undefined;
  private dead = false;
  /** A ping whose pong has not come back yet; the worker takes no run until it does. */
  private ping: { id: number; answered: Promise<boolean>; settle(ok: boolean): void } | undefined;
  private pingCounter = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resolveReady!: (ms: number) => void;
  private rejectReady!: (error: RunnerUnavailableError) => void;
  private readonly deathListeners: (() => void)[] = [];
  private readonly idleListeners: (() => void)[] = [];
  private readonly responseTimeoutMs: number;

  constructor(
    private readonly endpoint: WorkerEndpoint,
    private readonly options: SupervisorOptions,
  ) {
    this.responseTimeoutMs = options.responseTimeoutMs ?? 2000;
    this.ready = new Promise<number>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // A worker whose start-up fails may never be awaited (a spare); that is not unhandled.
    this.ready.catch(() => undefined);
    const startup = setTimeout(
      () =>
        this.fail(
          `The runner did not start within ${Math.round(options.startupTimeoutMs / 100) / 10} s.`,
        ),
      options.startupTimeoutMs,
    );
    this.ready.then(
      (ms) => {
        clearTimeout(startup);
        this.readyMs = ms;
        this.becameIdle();
      },
      () => clearTimeout(startup),
    );
    endpoint.onMessage((raw) => this.receive(raw));
    endpoint.onError((failure) => this.died(failure));
  }

  /** True once the worker is stopped; it never runs again. */
  get isDead(): boolean {
    return this.dead;
  }

  /** True when a run posted now would start at once: ready, no run in flight, pong received. */
  get isIdle(): boolean {
    return !this.dead && this.readyMs !== undefined && !this.pending && !this.ping;
  }

  /** Calls `listener` every time the worker becomes idle (ready, or its pong came back). */
  onIdle(listener: () => void): void {
    this.idleListeners.push(listener);
  }

  private becameIdle(): void {
    if (!this.isIdle) return;
    for (const listener of [...this.idleListeners]) listener();
  }

  /** Calls `listener` once when the worker dies or is stopped. */
  onDeath(listener: () => void): void {
    if (this.dead) listener();
    else this.deathListeners.push(listener);
  }

  /**
   * Runs `source` against `lesson`. Resolves with the report, or with a report of the run error
   * (timeout, memory, crashed, violation). Rejects with RunnerUnavailableError only when this
   * worker could not take the run at all (not ready, stopped, still busy with earlier work), so
   * the caller can retry on another worker: no learner code of this run has been counted.
   */
  async run(lesson: string, source: string, listener?: RunListener): Promise<RunReport> {
    if (this.readyMs === undefined) await this.ready;
    if (this.ping && !(await this.ping.answered)) {
      throw new RunnerUnavailableError('The runner was still busy with earlier work.');
    }
    if (this.dead) throw new RunnerUnavailableError('The runner was stopped.');
    if (this.pending) throw new RunnerUnavailableError('The runner is already running.');
    return this.start(lesson, source, listener);
  }

  /** Stops the worker for good; a run in flight rejects with RunnerUnavailableError. */
  terminate(): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.timer);
    this.endpoint.terminate();
    this.rejectReady(new RunnerUnavailableError('The runner was stopped.'));
    this.ping?.settle(false);
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new RunnerUnavailableError('The runner was stopped.'));
    for (const listener of this.deathListeners.splice(0)) listener();
  }

  private start(lesson: string, source: string, listener?: RunListener): Promise<RunReport> {
    const runId = newRunId();
    return new Promise<RunReport>((resolve, reject) => {
      this.pending = {
        runId,
        lesson,
        startedAt: performance.now(),
        listener,
        checks: [],
        names: undefined,
        current: undefined,
        call: undefined,
        acknowledged: false,
        timingOut: false,
        resolve,
        reject,
      };
      // Until the worker acknowledges, it is the runner's time, not the learner's: a worker that
      // never takes the run is replaced and the run goes elsewhere.
      this.arm(this.responseTimeoutMs, () =>
        this.fail('The runner did not take the run in time.', true),
      );
      this.endpoint.post({
        type: 'run',
        runId,
        lesson,
        source,
        ...(this.options.strictChecks ? { strict: true as const } : {}),
      });
    });
  }

  private arm(ms: number, then: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(then, ms);
  }

  private receive(raw: unknown): void {
    if (this.dead) return;
    const message = this.parse(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready': {
        const startupMs = message.startupMs;
        if (!this.options.gate) this.resolveReady(startupMs);
        else
          this.options.gate.then(
            (refusal) =>
              refusal === undefined ? this.resolveReady(startupMs) : this.fail(refusal),
            (error: unknown) => this.fail(String(error)),
          );
        return;
      }
      case 'fatal':
        this.fail(message.message);
        return;
      case 'pong':
        if (this.ping?.id === message.id) {
          const ping = this.ping;
          this.ping = undefined;
          clearTimeout(this.timer);
          ping.settle(true);
          this.becameIdle();
        }
        return;
      default:
        this.receiveForRun(message);
    }
  }

  /** Refuses oversized text by its length, then parses JSON and the schema. */
  private parse(raw: unknown): FromWorker | undefined {
    if (typeof raw !== 'string') return undefined;
    if (raw.length > BOUNDARY_LIMITS.reportChars) {
      this.violation('The runner sent a message larger than the size limit, so it was refused.');
      return undefined;
    }
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      this.violation('The runner sent a message that is not valid JSON.');
      return undefined;
    }
    const parsed = fromWorkerSchema.safeParse(data);
    if (!parsed.success) {
      this.violation('The runner sent a message outside the protocol, so it was refused.');
      return undefined;
    }
    return parsed.data;
  }

  private receiveForRun(message: FromWorker): void {
    const pending = this.pending;
    if (!pending || pending.timingOut || !('runId' in message) || message.runId !== pending.runId)
      return;
    this.note(pending, message);
    switch (message.type) {
      case 'accepted':
        // Alive: now it may take as long as a start-up to load the lesson's checks.
        if (!pending.acknowledged)
          this.arm(this.options.startupTimeoutMs, () =>
            this.fail('The runner could not load the lesson in time.', true),
          );
        return;
      case 'started':
        pending.acknowledged = true;
        pending.names = message.checks;
        pending.startedAt = performance.now();
        this.arm(this.options.hardTimeoutMs, () => this.timedOut());
        return;
      case 'check':
        this.recordCheck(pending, message);
        return;
      case 'done':
        this.finish(message.report);
        if (message.report.error && RECYCLE_AFTER.has(message.report.error.kind)) this.die();
        else this.sendPing();
        return;
    }
  }

  private recordCheck(pending: PendingRun, message: Extract<FromWorker, { type: 'check' }>): void {
    pending.checks[message.index] = message.result;
    pending.listener?.onCheck?.(message.index, message.result);
  }

  /** Keeps what a progress note says is running now, for a timeout report. */
  private note(pending: PendingRun, message: FromWorker): void {
    if (message.type === 'checkStart') {
      pending.current = { index: message.index, name: message.name };
      pending.call = undefined;
    } else if (message.type === 'call') {
      pending.call = message.call;
    }
  }

  /**
   * Notes the endpoint kept rather than posted (the latest `checkStart` and `call`, and from the
   * Node child the `check` results it kept too), parsed as every message is; one that is not of
   * the run in flight is ignored (it may be an earlier run's), never a violation: the run already
   * ends as a timeout.
   */
  private takeNotes(pending: PendingRun, notes: unknown[]): void {
    for (const raw of notes.slice(0, 2 + BOUNDARY_LIMITS.checks)) {
      if (typeof raw !== 'string' || raw === '' || raw.length > BOUNDARY_LIMITS.reportChars)
        continue;
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch {
        continue;
      }
      const parsed = fromWorkerSchema.safeParse(data);
      if (!parsed.success || !('runId' in parsed.data) || parsed.data.runId !== pending.runId)
        continue;
      if (parsed.data.type === 'check') this.recordCheck(pending, parsed.data);
      else this.note(pending, parsed.data);
    }
  }

  private sendPing(): void {
    if (this.dead) return;
    this.pingCounter += 1;
    const id = this.pingCounter;
    let settle!: (ok: boolean) => void;
    const answered = new Promise<boolean>((resolve) => (settle = resolve));
    this.ping = { id, answered, settle };
    // A worker that cannot answer is still running something of the last run: replace it.
    this.arm(this.responseTimeoutMs, () => {
      if (this.ping?.id === id) this.die();
    });
    this.endpoint.post({ type: 'ping', id });
  }

  private finish(report: RunReport): void {
    clearTimeout(this.timer);
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(report);
  }

  /** Ends the run in flight with a run error built here, keeping the finished checks. */
  private endRun(error: RunError): void {
    const pending = this.pending;
    if (!pending) return;
    this.finish({
      lesson: pending.lesson,
      passed: false,
      checks: pending.checks.filter(Boolean),
      error,
      console: '',
      durationMs: Math.round((performance.now() - pending.startedAt) * 100) / 100,
    });
  }

  private timedOut(): void {
    const pending = this.pending;
    if (!pending || pending.timingOut) return;
    const lastNotes = this.endpoint.lastNotes;
    if (!lastNotes) {
      this.reportTimeout(pending);
      return;
    }
    // The notes are asked for only now: the worker is still spinning meanwhile, and is stopped
    // once the report is built (the frame answers within a millisecond, or not at all).
    pending.timingOut = true;
    lastNotes.call(this.endpoint).then(
      (notes) => {
        if (this.pending !== pending || this.dead) return;
        this.takeNotes(pending, notes);
        this.reportTimeout(pending);
      },
      () => {
        if (this.pending === pending && !this.dead) this.reportTimeout(pending);
      },
    );
  }

  private reportTimeout(pending: PendingRun): void {
    const ms = this.options.hardTimeoutMs;
    const seconds = Math.round(ms / 100) / 10;
    const finished = new Set(pending.checks.flatMap((c, i) => (c ? [i] : [])));
    const current =
      pending.current && !finished.has(pending.current.index) ? pending.current : undefined;
    const firstNotRun = current ? current.index + 1 : finished.size;
    const notRun = pending.names
      ? pending.names.slice(firstNotRun).filter((_, i) => !finished.has(firstNotRun + i))
      : undefined;
    const during = current ? ` during "${current.name}"` : '';
    const call = current && pending.call ? `, in ${pending.call}` : '';
    this.endRun({
      kind: 'timeout',
      message: `Your code did not finish within ${seconds} s${during}${call}. Is there an endless loop?`,
      limitMs: ms,
      ...(current ? { check: current.name } : {}),
      ...(current && pending.call ? { call: pending.call } : {}),
      ...(notRun ? { notRun } : {}),
    });
    this.die();
  }

  /** A run past its time limit ends as a timeout, whatever else happens while it waits for notes. */
  private endTimingOut(): boolean {
    const pending = this.pending;
    if (!pending?.timingOut || this.dead) return false;
    this.reportTimeout(pending);
    return true;
  }

  private violation(message: string): void {
    if (this.endTimingOut()) return;
    if (this.pending) this.endRun({ kind: 'violation', message });
    else this.rejectReady(new RunnerUnavailableError(message));
    this.die();
  }

  private died(failure: EndpointFailure): void {
    if (this.dead || this.endTimingOut()) return;
    if (this.pending?.acknowledged) this.endRun({ kind: failure.kind, message: failure.message });
    else this.rejectReady(new RunnerUnavailableError(`The runner stopped: ${failure.message}`));
    this.die();
  }

  /**
   * The worker is unusable. Before `ready` that makes the runner unavailable; during a run that
   * the worker had taken, the run ends as `crashed` with the worker's reason; a run it never
   * took (`retryable`) rejects so the caller can retry elsewhere.
   */
  private fail(message: string, retryable = false): void {
    if (this.dead || this.endTimingOut()) return;
    if (this.pending?.acknowledged && !retryable) {
      this.endRun({ kind: 'crashed', message: `The runner stopped: ${message}` });
    } else {
      this.rejectReady(new RunnerUnavailableError(message));
    }
    this.die();
  }

  private die(): void {
    this.terminate();
  }
}
