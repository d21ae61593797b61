/**
 * The Node host of the runner: learner code runs in a `worker_threads` worker (node-worker.ts)
 * with a memory cap, under a hard timeout. A worker that timed out, ran out of memory or died
 * is terminated and replaced by a warmed spare, so the next run never waits for start-up.
 */
import { randomUUID } from 'node:crypto';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { fromWorkerSchema } from '../runner/protocol.ts';
import type { CheckResult, RunError, RunReport } from '../runner/report.ts';
import type { NodeWorkerData } from './node-worker.ts';

const WORKER_ENTRY = new URL('../../bin/node-worker.mjs', import.meta.url);

/** Options for the Node runner. */
export interface NodeRunnerOptions {
  /** Folder that holds `lessons/`. */
  root: string;
  /** Whole-run hard timeout in ms (default 10 000; the browser uses about 3 000). */
  hardTimeoutMs?: number;
  /** Heap cap of a worker, in MB (default 128). */
  maxOldGenerationSizeMb?: number;
  /** Soft timeout per learner call, in ms (default 1 000). */
  checkTimeoutMs?: number;
  /** Keep a warmed spare worker (default true). */
  spare?: boolean;
  /**
   * `verify --redis`: run checks on a real server. Each worker gets a port; the host answers
   * its Redis requests (redis-server-host.ts), so learner code stays in the sandboxed worker.
   */
  server?: { serve(port: MessagePort): void };
}

/** A running Node runner. */
export interface NodeRunner {
  /** Grades `source` against a lesson's checks. Never rejects for learner-caused problems. */
  run(lesson: string, source: string): Promise<RunReport>;
  /** Start-up time of the most recently started worker, in ms, once it is ready. */
  lastStartupMs(): Promise<number>;
  /** Terminates every worker. */
  close(): Promise<void>;
}

/** Thrown by `run` when the runner itself cannot work (not for anything learner code does). */
export class RunnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunnerError';
  }
}

interface Pending {
  runId: string;
  checks: CheckResult[];
  settle(outcome: { report: RunReport } | { error: RunError } | { fatal: string }): void;
}

/** One worker thread and what it is doing. */
class RunnerThread {
  readonly worker: Worker;
  readonly ready: Promise<number>;
  private pending: Pending | undefined;
  private dead = false;

  private readonly redisPort: MessagePort | undefined;

  constructor(
    data: NodeWorkerData,
    maxOldGenerationSizeMb: number,
    server?: NodeRunnerOptions['server'],
  ) {
    const channel = server ? new MessageChannel() : undefined;
    if (channel) server!.serve(channel.port1);
    this.redisPort = channel?.port1;
    this.worker = new Worker(WORKER_ENTRY, {
      workerData: channel ? { ...data, redisPort: channel.port2 } : data,
      transferList: channel ? [channel.port2] : [],
      resourceLimits: { maxOldGenerationSizeMb },
      // The thread's own stdout/stderr stay out of the CLI's output (learner console is captured).
      stdout: true,
      stderr: true,
      env: {},
    });
    this.worker.stdout.resume();
    this.worker.stderr.resume();
    this.ready = new Promise<number>((resolve, reject) => {
      const onMessage = (raw: unknown): void => {
        const parsed = fromWorkerSchema.safeParse(raw);
        if (!parsed.success) return;
        const message = parsed.data;
        if (message.type === 'ready') resolve(message.startupMs);
        else if (message.type === 'fatal' && !this.pending)
          reject(new RunnerError(message.message));
        else this.receive(message);
      };
      this.worker.on('message', onMessage);
      this.worker.on('error', (error: Error & { code?: string }) => {
        this.dead = true;
        reject(new RunnerError(`The runner thread failed to start: ${error.message}`));
        const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
        this.pending?.settle({
          error: memory
            ? {
                kind: 'memory',
                message: `Your code ran out of memory (the limit is ${maxOldGenerationSizeMb} MB).`,
              }
            : { kind: 'violation', message: `The sandbox stopped unexpectedly: ${error.message}` },
        });
      });
      this.worker.on('exit', (code) => {
        this.dead = true;
        reject(new RunnerError(`The runner thread exited during start-up (code ${code})`));
        this.pending?.settle({
          error: {
            kind: 'violation',
            message: `The sandbox stopped unexpectedly (exit code ${code}).`,
          },
        });
      });
    });
    // Start-up failures surface through `run`; avoid an unhandled rejection meanwhile.
    this.ready.catch(() => {});
  }

  get alive(): boolean {
    return !this.dead;
  }

  private receive(message: ReturnType<typeof fromWorkerSchema.parse>): void {
    const pending = this.pending;
    if (!pending) return;
    if (message.type === 'fatal') pending.settle({ fatal: message.message });
    else if (message.type === 'check' && message.runId === pending.runId)
      pending.checks[message.index] = message.result;
    else if (message.type === 'done' && message.runId === pending.runId)
      pending.settle({ report: message.report });
  }

  /** Sends one run and waits for its report, a failure, or the hard timeout. */
  run(
    lesson: string,
    source: string,
    hardTimeoutMs: number,
  ): Promise<
    { report: RunReport } | { error: RunError; checks: CheckResult[] } | { fatal: string }
  > {
    const runId = randomUUID();
    return new Promise((resolve) => {
      const checks: CheckResult[] = [];
      const settle: Pending['settle'] = (outcome) => {
        if (this.pending?.runId !== runId) return;
        this.pending = undefined;
        clearTimeout(timer);
        resolve(
          'error' in outcome ? { error: outcome.error, checks: checks.filter(Boolean) } : outcome,
        );
      };
      this.pending = { runId, checks, settle };
      const timer = setTimeout(() => {
        settle({
          error: {
            kind: 'timeout',
            message: `Your code did not finish within ${hardTimeoutMs / 1000} s. Is there an endless loop?`,
          },
        });
      }, hardTimeoutMs);
      this.worker.postMessage({ type: 'run', runId, lesson, source });
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
    this.redisPort?.close();
  }
}

/** Starts a Node runner: one warm worker plus (by default) a warmed spare. */
export function createNodeRunner(options: NodeRunnerOptions): NodeRunner {
  const hardTimeoutMs = options.hardTimeoutMs ?? 10_000;
  const memory = options.maxOldGenerationSizeMb ?? 128;
  const data: NodeWorkerData = {
    root: options.root,
    checkTimeoutMs: options.checkTimeoutMs ?? 1000,
  };
  const keepSpare = options.spare ?? true;
  const start = (): RunnerThread => new RunnerThread(data, memory, options.server);

  let active = start();
  let spare = keepSpare ? start() : undefined;
  let newest = spare ?? active;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const replaceActive = (): void => {
    void active.terminate();
    active = spare ?? start();
    spare = keepSpare ? start() : undefined;
    newest = spare ?? active;
  };

  const runOnce = async (lesson: string, source: string): Promise<RunReport> => {
    if (closed) throw new RunnerError('The runner is closed');
    if (!active.alive) replaceActive();
    const started = performance.now();
    await active.ready;
    const outcome = await active.run(lesson, source, hardTimeoutMs);
    if ('report' in outcome) return outcome.report;
    if ('fatal' in outcome) throw new RunnerError(outcome.fatal);
    // Timeout, memory or a crash: this worker cannot be trusted with another run.
    replaceActive();
    return {
      lesson,
      passed: false,
      checks: outcome.checks,
      error: outcome.error,
      console: '',
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
  };

  return {
    run(lesson, source) {
      const result = queue.then(() => runOnce(lesson, source));
      queue = result.catch(() => {});
      return result;
    },
    lastStartupMs: () => newest.ready,
    async close() {
      closed = true;
      await Promise.all([active.terminate(), spare?.terminate()]);
    },
  };
}
