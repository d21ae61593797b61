/**
 * A pool of warm, isolated runner child processes for the CLI (`grade`, batch grading, `verify`).
 * Each child is a separate process under its own memory limits (child-endpoint.ts), supervised by
 * the shared supervisor (src/runner/supervisor.ts). A child serves many submissions one after
 * another, and each run already gets fresh realms, stores and timers from the runner core, so
 * one submission never sees another. A child is replaced after any run that ended in a timeout,
 * memory, crash or violation (or left work pending), and after `maxRunsPerChild` runs, so no
 * child accumulates state for long.
 */
import type { RedisPort } from '../runner/protocol.ts';
import type { CheckResult, RunReport } from '../runner/report.ts';
import { RunnerUnavailableError, Supervisor } from '../runner/supervisor.ts';
import {
  childSpawnOptions,
  DEFAULT_CHILD_ENTRY,
  DEFAULT_MEMORY_MB,
  spawnChild,
  type PrestartedChild,
} from './child-endpoint.ts';

/** Options for `createRunnerPool`. */
export interface RunnerPoolOptions {
  /** The folder that holds the `NN-slug` lesson folders. */
  lessonsDir: string;
  /** How many children run at once (default 1). */
  size?: number;
  /** Whole-run hard timeout in ms, counted from the child's acknowledgement (default 10 000). */
  hardTimeoutMs?: number;
  /** Runs checks with chai's typo guard (RunOptions.strictChecks): `verify`'s pools. */
  strictChecks?: boolean;
  /** Resident memory limit per child in MB (default 512). */
  memoryMb?: number;
  /** Soft timeout per learner call, in ms (default 1 000). */
  checkTimeoutMs?: number;
  /** How long a child may take to become ready, in ms (default 60 000: a child run from TypeScript sources on a loaded 2-core machine can take 20 s). */
  startupTimeoutMs?: number;
  /** Runs a child serves before it is replaced (default 200). */
  maxRunsPerChild?: number;
  /** Start one more warm child than `size`, to take over at once after a recycle (default false). */
  spare?: boolean;
  /** The child entry: bin/runner-child.mjs (TypeScript sources) or the CLI build's bundle. */
  childEntry?: string;
  /** Node flags for the child before its entry. */
  childExecArgv?: readonly string[];
  /**
   * A startup snapshot of the child (child-snapshot-cache.ts), built with this pool's heap flag.
   * Children start from it until one fails to start; then the rest start from `childEntry`, and
   * `onRejected` is told, so a corrupted or foreign blob costs one start-up, never a verdict.
   */
  childSnapshot?: { blob: string; onRejected?(blob: string): void };
  /** `verify --redis`: the host's server connections; each child's Redis traffic goes there. */
  server?: { serve(port: RedisPort): void };
  /**
   * A child already started (prestart.ts): the first member is that child when it was started
   * with exactly the options this pool would use, else it is stopped and a child is started.
   */
  prestarted?: PrestartedChild;
}

/** A running pool. */
export interface RunnerPool {
  /**
   * Grades `source` against a lesson. Never rejects for anything learner code does. `onCheck`
   * sees the checks that finished before a run ended without its report (a timeout, a crash,
   * the memory limit: the child keeps finished results in its notes file, notes-file.ts); a run
   * that ends normally has them all in its report, and they are not sent one by one (except
   * those past the notes file's cap, which cross the pipe as they finish).
   */
  run(
    lesson: string,
    source: string,
    onCheck?: (index: number, result: CheckResult) => void,
  ): Promise<RunReport>;
  /** Resolves with the start-up time (ms) of the first child, once it is ready. */
  ready(): Promise<number>;
  /** Stops every child; later runs reject. */
  close(): Promise<void>;
}

/** Thrown by `run` when the runner itself cannot work (never for anything learner code does). */
export class RunnerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunnerError';
  }
}

export { DEFAULT_MEMORY_MB };

export { DEFAULT_CHILD_ENTRY };

interface Member {
  supervisor: Supervisor;
  runs: number;
  busy: boolean;
  /** Started from the startup snapshot. */
  fromSnapshot: boolean;
}

/** Starts `size` children (they warm up while the caller reads files) and returns the pool. */
export function createRunnerPool(options: RunnerPoolOptions): RunnerPool {
  const size = Math.max(1, options.size ?? 1);
  const hardTimeoutMs = options.hardTimeoutMs ?? 10_000;
  const memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
  const maxRuns = options.maxRunsPerChild ?? 200;
  const target = size + (options.spare ? 1 : 0);
  const members = new Set<Member>();
  const waiting: ((member: Member) => void)[] = [];
  let closed = false;
  let firstReady: Promise<number> | undefined;
  let snapshot = options.childSnapshot;

  let prestarted = options.prestarted;

  const startMember = (): Member => {
    const fromSnapshot = snapshot;
    const spawnOptions = childSpawnOptions(
      {
        lessonsDir: options.lessonsDir,
        childEntry: options.childEntry ?? DEFAULT_CHILD_ENTRY,
        ...(options.childExecArgv ? { childExecArgv: options.childExecArgv } : {}),
        memoryMb,
        ...(options.checkTimeoutMs !== undefined ? { checkTimeoutMs: options.checkTimeoutMs } : {}),
      },
      fromSnapshot?.blob,
      options.server,
    );
    const early = prestarted?.take(spawnOptions);
    prestarted = undefined;
    const endpoint = early ?? spawnChild(spawnOptions);
    const supervisor = new Supervisor(endpoint, {
      startupTimeoutMs: options.startupTimeoutMs ?? 60_000,
      hardTimeoutMs,
      memoryMb,
      ...(options.strictChecks ? { strictChecks: true } : {}),
    });
    const member: Member = {
      supervisor,
      runs: 0,
      busy: false,
      fromSnapshot: Boolean(fromSnapshot),
    };
    members.add(member);
    firstReady ??= supervisor.ready;
    supervisor.onDeath(() => {
      members.delete(member);
      if (!closed && member.fromSnapshot && supervisor.readyMs === undefined) {
        // It died before it was ready: a corrupted blob, or one built for another Node or other
        // flags. The rest of this pool starts from the bundle; the refill below is the first.
        const rejected = snapshot;
        snapshot = undefined;
        rejected?.onRejected?.(rejected.blob);
        if (firstReady === supervisor.ready) firstReady = undefined;
      }
      // Keep the pool full while anyone may still run.
      if (!closed) refill();
    });
    // Ready, or its pong after a run came back: give it the next waiting run.
    supervisor.onIdle(() => hand(member));
    return member;
  };

  let startFailures = 0;
  const refill = () => {
    while (!closed && members.size < target) {
      const member = startMember();
      member.supervisor.ready.then(
        () => (startFailures = 0),
        (error: unknown) => {
          // A child that could not start from the snapshot is the blob's fault (see onDeath).
          if (member.fromSnapshot) return;
          // A child that cannot start at all (a failed self-test, a broken install) would fail
          // again: after three in a row, runs waiting for a child fail instead of hanging.
          startFailures += 1;
          if (startFailures >= 3) {
            const waiters = waiting.splice(0);
            for (const w of waiters) w(undefined as unknown as Member);
            startError = error instanceof Error ? error : new Error(String(error));
          }
        },
      );
    }
  };
  let startError: Error | undefined;

  /** Gives a ready, idle member to the first waiting run. */
  const hand = (member: Member) => {
    if (member.busy || !member.supervisor.isIdle) return;
    const next = waiting.shift();
    if (!next) return;
    member.busy = true;
    next(member);
  };

  const acquire = (): Promise<Member> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new RunnerError('The runner is closed.'));
      if (startError) return reject(new RunnerError(startError.message));
      waiting.push((member) => {
        if (!member) reject(new RunnerError(startError?.message ?? 'The runner could not start.'));
        else resolve(member);
      });
      for (const member of members) hand(member);
    });

  const release = (member: Member) => {
    member.busy = false;
    if (member.runs >= maxRuns) member.supervisor.terminate();
    else hand(member);
  };

  const runOnce = async (
    lesson: string,
    source: string,
    onCheck?: (index: number, result: CheckResult) => void,
  ): Promise<RunReport> => {
    const member = await acquire();
    member.runs += 1;
    try {
      return await member.supervisor.run(lesson, source, onCheck ? { onCheck } : undefined);
    } finally {
      release(member);
    }
  };

  refill();

  return {
    async run(lesson, source, onCheck) {
      // A child that could not take the run (it died while idle, or was still busy) costs the
      // learner nothing: the run goes to another child. Twice in a row means the run itself
      // kills children before they can acknowledge it: that is a crash of this submission.
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await runOnce(lesson, source, onCheck);
        } catch (error) {
          if (!(error instanceof RunnerUnavailableError) || closed) {
            throw error instanceof RunnerUnavailableError ? new RunnerError(error.message) : error;
          }
          if (attempt >= 1) {
            return {
              lesson,
              passed: false,
              checks: [],
              error: {
                kind: 'crashed',
                message: `The runner stopped before it could run your code: ${error.message}`,
              },
              console: '',
              durationMs: 0,
            };
          }
        }
      }
    },
    async ready() {
      for (;;) {
        const current = firstReady;
        if (!current) throw new RunnerError('The runner is closed.');
        try {
          return await current;
        } catch (error) {
          // A child from a rejected snapshot has been replaced: wait for its replacement.
          if (firstReady !== undefined && firstReady !== current && !closed) continue;
          throw new RunnerError(error instanceof Error ? error.message : String(error));
        }
      }
    },
    async close() {
      closed = true;
      prestarted?.discard();
      for (const w of waiting.splice(0)) w(undefined as unknown as Member);
      for (const member of [...members]) member.supervisor.terminate();
      members.clear();
    },
  };
}
