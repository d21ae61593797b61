/**
 * The CLI's side of a runner child process (runner-child.ts), as a WorkerEndpoint for the shared
 * supervisor. A child process, not a worker thread, is the unit that can die alone: a fatal V8
 * OOM from one huge allocation aborts the whole process, and ArrayBuffers live outside any heap
 * limit (RESEARCH.md). So each child gets three memory limits:
 *
 * - `RLIMIT_DATA` (`prlimit --data`, or `ulimit -d` through sh), which makes large ArrayBuffer
 *   and native allocations fail with a catchable RangeError;
 * - `--max-old-space-size` at the same size, so one allocation far beyond it is a fatal OOM of
 *   this child only;
 * - a watchdog that reads the child's resident size from /proc every few tens of ms and kills it
 *   with SIGKILL over the limit, for whatever the rlimit misses.
 *
 * Time is the supervisor's: at the hard deadline it calls `terminate`, which is SIGKILL, so a
 * builtin that never checks for interrupts (`Array.prototype.indexOf` over 2^53 - 1 elements)
 * cannot outlive its run. Messages come back as length-prefixed frames on fd 3, refused by their
 * header when over the cap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BOUNDARY_LIMITS } from '../runner/limits.ts';
import type { RedisPort } from '../runner/protocol.ts';
import type { EndpointFailure, WorkerEndpoint } from '../runner/supervisor.ts';
import { decodeBytes, encodeBytes, encodeFrame, frameReader } from './frame-channel.ts';
import { markStep, noteDuration, timingEnabled } from './grade-timing.ts';
import { openNotesFile } from './notes-file.ts';
import type { ChildConfig } from './child-main.ts';

/** How to start one child. */
export interface ChildSpawnOptions {
  /** The child's entry script (bin/runner-child.mjs, or the CLI build's bundled file). */
  entry: string;
  /**
   * A startup snapshot of the child (child-snapshot-cache.ts) to start from instead of `entry`.
   * It must have been built with the same heap flag and `execArgv`, or V8 refuses it.
   */
  snapshotBlob?: string;
  /** Node flags before the entry, e.g. a loader for TypeScript sources. */
  execArgv?: readonly string[];
  /** The child's configuration. */
  config: ChildConfig;
  /** Resident memory limit in MB: the watchdog kills the child above it. */
  memoryMb: number;
  /** `verify --redis`: the host's server connections that answer the child's Redis traffic. */
  server?: { serve(port: RedisPort): void };
}

/** The TypeScript-sources entry of a child (the build passes its bundle instead). */
export const DEFAULT_CHILD_ENTRY = fileURLToPath(
  new URL('../../bin/runner-child.mjs', import.meta.url),
);
/** Resident memory limit per child in MB, unless a pool says otherwise. */
export const DEFAULT_MEMORY_MB = 512;
/** Soft timeout per learner call in ms, unless a pool says otherwise. */
export const DEFAULT_CHECK_TIMEOUT_MS = 1000;

/** What a pool starts each of its children with (runner-pool.ts's options, less its own). */
export interface ChildPlan {
  /** The folder that holds the `NN-slug` lesson folders. */
  lessonsDir: string;
  /** The child entry (bin/runner-child.mjs, or the CLI build's bundle). */
  childEntry: string;
  /** Node flags for the child before its entry. */
  childExecArgv?: readonly string[];
  /** Resident memory limit per child in MB (default DEFAULT_MEMORY_MB). */
  memoryMb?: number;
  /** Soft timeout per learner call in ms (default DEFAULT_CHECK_TIMEOUT_MS). */
  checkTimeoutMs?: number;
}

/**
 * The spawn options of a child of `plan`, from `snapshotBlob` when given. The one place both a
 * pool and prestart.ts get them from, so a prestarted child is exactly the child the pool would
 * have started.
 */
export function childSpawnOptions(
  plan: ChildPlan,
  snapshotBlob?: string,
  server?: ChildSpawnOptions['server'],
): ChildSpawnOptions {
  return {
    entry: plan.childEntry,
    ...(snapshotBlob !== undefined ? { snapshotBlob } : {}),
    ...(plan.childExecArgv ? { execArgv: plan.childExecArgv } : {}),
    config: {
      lessonsDir: plan.lessonsDir,
      checkTimeoutMs: plan.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
      server: Boolean(server),
    },
    memoryMb: plan.memoryMb ?? DEFAULT_MEMORY_MB,
    ...(server ? { server } : {}),
  };
}

/** A child started before its pool existed (prestart.ts), waiting to be taken by that pool. */
export interface PrestartedChild {
  /**
   * The child's endpoint, once, when it was started with exactly `options`; otherwise (or when
   * already taken) undefined, and a child started with other options is stopped.
   */
  take(options: ChildSpawnOptions): ChildEndpoint | undefined;
  /** Stops the child unless a pool took it. */
  discard(): void;
  /** The child's pid. */
  readonly pid: number | undefined;
}

/** What a child's spawn options say about it, as text: two children with equal keys are interchangeable. */
function spawnKey(options: ChildSpawnOptions): string {
  const { server, ...rest } = options;
  return JSON.stringify({ ...rest, server: Boolean(server) });
}

/** Starts a child now, for a pool created later to take (see PrestartedChild). */
export function prestartChild(options: ChildSpawnOptions): PrestartedChild {
  const key = spawnKey(options);
  let endpoint: ChildEndpoint | undefined = spawnChild(options);
  const { pid } = endpoint;
  return {
    pid,
    take(wanted) {
      const taken = endpoint;
      endpoint = undefined;
      if (taken && spawnKey(wanted) !== key) {
        taken.terminate();
        return undefined;
      }
      return taken;
    },
    discard() {
      endpoint?.terminate();
      endpoint = undefined;
    },
  };
}

/** A WorkerEndpoint for one child, plus what tests want to see. */
export interface ChildEndpoint extends WorkerEndpoint {
  /** The child's pid (of the process that runs node, after prlimit has exec'd it). */
  readonly pid: number | undefined;
}

/** Messages kept from a child that speaks before anyone listens (see spawnChild). */
const EARLY_MESSAGES = 8;
/** How often the watchdog reads the child's resident size. */
const WATCHDOG_MS = 25;
/** Bytes of the child's stderr kept, only to tell an OOM from another crash. */
const STDERR_KEEP = 8192;
const PRLIMIT = '/usr/bin/prlimit';

/**
 * V8 heap limit for a child with `memoryMb` of memory: as large as the memory limit itself, so
 * gradual growth meets the watchdog (resident size includes the heap) before V8's own limit.
 * Near its heap limit V8 collects garbage over and over for many seconds before it gives up;
 * the watchdog ends that in tens of ms. The heap limit still turns one allocation far beyond
 * it (`new Array(4e7)`) into an immediate fatal OOM of this child.
 */
export function heapMbFor(memoryMb: number): number {
  return Math.max(64, memoryMb);
}

/**
 * RLIMIT_DATA for a child with `memoryMb` of memory. V8 reserves address space it never
 * touches (counted by RLIMIT_DATA though not resident), so the rlimit sits above the resident
 * limit the watchdog enforces.
 */
export function dataLimitBytes(memoryMb: number): number {
  return (memoryMb + 768) * 1024 * 1024;
}

function command(options: ChildSpawnOptions): [string, string[]] {
  const heap = heapMbFor(options.memoryMb);
  const nodeArgs = [
    `--max-old-space-size=${heap}`,
    ...(options.execArgv ?? []),
    ...(options.snapshotBlob !== undefined
      ? ['--snapshot-blob', options.snapshotBlob]
      : [options.entry]),
    JSON.stringify(options.config),
  ];
  const data = dataLimitBytes(options.memoryMb);
  if (existsSync(PRLIMIT)) {
    return [PRLIMIT, [`--data=${data}`, '--', process.execPath, ...nodeArgs]];
  }
  // Same limit through the shell where util-linux is missing; `exec` keeps the pid.
  return [
    '/bin/sh',
    ['-c', `ulimit -d ${Math.floor(data / 1024)} && exec "$0" "$@"`, process.execPath, ...nodeArgs],
  ];
}

/** CPU time a process has used so far in ms (/proc/<pid>/schedstat), or undefined. */
function cpuMsOf(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

function residentMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Starts a child and returns its endpoint. */
export function spawnChild(options: ChildSpawnOptions): ChildEndpoint {
  const [file, args] = command(options);
  // fd 4: where the child keeps its progress notes, read only when a run times out (notes-file.ts).
  const notes = openNotesFile();
  const child: ChildProcess = spawn(file, args, {
    // fd 3 is the frame channel; stdout is ignored (learner output is captured inside the
    // sandbox), stderr is read only to classify a crash.
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', notes.fd],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_OPTIONS: '' },
    windowsHide: true,
  });
  markStep('childSpawned');
  const channel = child.stdio[3] as unknown as Readable & Writable;
  const messageListeners: ((raw: unknown) => void)[] = [];
  const errorListeners: ((failure: EndpointFailure) => void)[] = [];
  let stopped = false;
  let failure: EndpointFailure | undefined;
  let stderr = '';

  // A prestarted child (prestart.ts) can speak before its pool listens: what it says until the
  // first listener subscribes is kept and handed to that listener, so no `ready` is lost. A
  // child has nothing to say then but `ready` or `fatal`, so only a few messages are kept.
  const early: unknown[] = [];
  let refused = false;

  const report = (f: EndpointFailure) => {
    if (stopped || failure) return;
    failure = f;
    for (const listener of errorListeners) listener(f);
  };
  const kill = () => {
    clearInterval(watchdog);
    // CACHELAB_TIMING=1: the CPU the child used (Linux), as the child last stopped left it (a
    // one-file grade has one child).
    if (timingEnabled() && child.pid !== undefined && child.exitCode === null)
      noteDuration('childCpu', cpuMsOf(child.pid));
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  const redisListeners: ((value: unknown) => void)[] = [];
  options.server?.serve({
    on: (_event, listener) => redisListeners.push(listener),
    postMessage: (value) => {
      if (!stopped) channel.write(encodeFrame(`r${JSON.stringify(encodeBytes(value))}`));
    },
  });

  channel.on(
    'data',
    frameReader(BOUNDARY_LIMITS.frameBytes, {
      onFrame(text) {
        if (stopped || refused) return;
        if (text.startsWith('r')) {
          let value: unknown;
          try {
            value = decodeBytes(JSON.parse(text.slice(1)));
          } catch {
            return;
          }
          for (const listener of redisListeners) listener(value);
          return;
        }
        const body = text.slice(1);
        if (messageListeners.length === 0 && early.push(body) > EARLY_MESSAGES) {
          early.length = 0;
          refused = true;
          report({
            kind: 'violation',
            message: 'The runner sent messages before it was asked anything, so it was stopped.',
          });
          kill();
          return;
        }
        for (const listener of messageListeners) listener(body);
      },
      onOversize(bytes) {
        report({
          kind: 'violation',
          message: `The runner sent a ${Math.round(bytes / 1024)} KB message, over the size limit, so it was refused.`,
        });
        kill();
      },
    }),
  );
  // A write to a child that has just died must not crash the CLI.
  channel.on('error', () => {});
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('latin1')).slice(-STDERR_KEEP);
  });

  let overMemory = false;
  const watchdog = setInterval(() => {
    if (child.pid === undefined) return;
    const mb = residentMb(child.pid);
    if (mb !== undefined && mb > options.memoryMb) {
      overMemory = true;
      kill();
    }
  }, WATCHDOG_MS);
  watchdog.unref();

  child.on('error', (error) => {
    notes.close();
    report({ kind: 'crashed', message: `the runner process could not start: ${error.message}` });
    kill();
  });
  child.on('exit', (code, signal) => {
    clearInterval(watchdog);
    // The results of the checks that finished before a death the run could not report (a crash,
    // the memory limit) are in the notes file, not on the pipe: they reach the supervisor as the
    // messages they are, before the death, so the run ends keeping them. Messages of a run that
    // ended, or after `terminate`, are ignored there (and the file is closed by then).
    const kept = stopped || refused ? [] : notes.results();
    notes.close();
    for (const body of kept) for (const listener of messageListeners) listener(body);
    report(classifyExit(code, signal, stderr, overMemory, options.memoryMb));
  });

  return {
    get pid() {
      return child.pid;
    },
    post(message) {
      if (!stopped) channel.write(encodeFrame(`m${JSON.stringify(message)}`));
    },
    onMessage(listener) {
      messageListeners.push(listener);
      for (const body of early.splice(0)) listener(body);
    },
    onError(listener) {
      errorListeners.push(listener);
      if (failure) listener(failure);
    },
    // The latest notes, then the results of the checks that finished (notes-file.ts).
    lastNotes: () => Promise.resolve([...notes.read(), ...notes.results()]),
    terminate() {
      stopped = true;
      kill();
      channel.destroy();
      notes.close();
    },
  };
}

/** Tells an out-of-memory death from any other, by the watchdog, the exit and the last stderr. */
export function classifyExit(
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  overMemory: boolean,
  memoryMb: number,
): EndpointFailure {
  const memory = `Your code used more memory than the limit of ${memoryMb} MB, so it was stopped.`;
  if (overMemory) return { kind: 'memory', message: memory };
  if (
    /heap out of memory|Reached heap limit|allocation failed|Fatal process out of memory|Invalid (array|string|typed array) length/i.test(
      stderr,
    ) ||
    signal === 'SIGABRT' ||
    code === 134
  ) {
    return { kind: 'memory', message: memory };
  }
  const how = signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
  return {
    kind: 'crashed',
    message: `The runner process stopped unexpectedly (${how}) while running your code.`,
  };
}
