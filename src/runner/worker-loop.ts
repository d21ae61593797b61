/**
 * The one message loop of a runner worker, shared by the browser's module Worker and the CLI's
 * child process. A host entry only wires it up: it gives the loop a way to post text, a backend,
 * and a way to load a lesson's checks, then feeds it every incoming message. As excalidraw's
 * subset worker, the entry is little more than `onmessage`.
 *
 * The loop warms up on a built-in exercise that doubles as a self-test, says `ready` (or `fatal`),
 * then runs one lesson at a time. Every outgoing message is clamped to the boundary caps and
 * meets the schema, by construction (check results, progress notes, a clamped `done`: see the
 * decisions below and in done-text.ts) or by a zod parse (which copies it into plain data with only
 * known fields), and is sent as JSON text, so the host can refuse an oversized message by its
 * length before parsing anything. A value that still fails the schema costs its one check, never
 * the run.
 */
import type { CheckSuite } from './checks-api.ts';
import { clip, createReportClamp, shrinkReport } from './boundary-caps.ts';
import { clampedDoneText } from './done-text.ts';
import { heldChecks } from './held-checks.ts';
import { BOUNDARY_LIMITS as L } from './limits.ts';
import { fromWorkerSchema, toWorkerSchema, type FromWorker } from './protocol.ts';
import type { RedisBackend } from './redis-backend.ts';
import type { CheckResult, RunReport } from './report.ts';
import { runLesson, type RunOptions } from './run-lesson.ts';
import { WARMUP_SOURCE, warmupSuite } from './warmup.ts';

/** What a host entry gives the loop. */
export interface WorkerLoopOptions {
  /** Posts one message, already JSON text, to the host. Bound before any learner code exists. */
  post(text: string): void;
  /**
   * Where progress notes (`checkStart`, `call`) go, if not to `post`: the browser's sandboxed
   * frame keeps them for the page (runner-frame-document.ts), which asks only when a run times
   * out. Bound before any learner code exists, like `post`.
   */
  postNote?(text: string): void;
  /**
   * Posts several messages in this order, at once (the Node child: one write to its pipe). A host
   * without it, or one with `postNote`, gets one `post` per message. Bound before any learner
   * code exists, like `post`.
   */
  postMany?(texts: readonly string[]): void;
  /**
   * Where each finished check's `check` message goes, if not to `post`: a host that needs the
   * results only when a run ends without its `done` report (which carries them all) keeps them
   * where it can read them then, the Node child in its notes file (notes-file.ts). Bound before
   * any learner code exists, like `post`.
   */
  postResult?(runId: string, text: string): void;
  /** Where the stores of real runs come from. */
  backend: RedisBackend;
  /** Where the warm-up's stores come from (default: `backend`). */
  warmupBackend?: RedisBackend;
  /** A lesson's checks by slug; undefined for a lesson this host does not have. */
  loadSuite(
    slug: string,
  ): Promise<CheckSuite<unknown> | undefined> | CheckSuite<unknown> | undefined;
  /** Soft timeout per learner call, in ms. */
  checkTimeoutMs: number;
  /** Checks finished this early in a run ride in its `done` report (see held-checks.ts); 0 streams all. */
  holdChecksMs?: number;
  /** Milliseconds since the worker started, for `ready`. */
  uptimeMs(): number;
  /** Whether reports carry the final keyspace snapshot (the page's redis-cli needs it; the CLI does not). */
  snapshot?: boolean;
  /** Whether results carry each check's trace and keyspace (RunOptions.insight; default true). */
  insight?: boolean;
}

/** The running loop. */
export interface WorkerLoop {
  /** Handles one message from the host (an object, or its JSON text). */
  receive(raw: unknown): void;
}

/** Starts warming up at once; runs wait until the worker is ready and never overlap. */
export function startWorkerLoop(options: WorkerLoopOptions): WorkerLoop {
  const send = createSender(
    options.post,
    options.postNote ?? options.post,
    options.postNote ? undefined : options.postMany,
    options.postResult,
  );
  /** Lessons whose checks this worker has loaded before. */
  const loaded = new Set<string>();
  /** Runs received and not yet finished; the warm-up counts as one until it ends. */
  let unfinished = 1;
  let queue: Promise<boolean> = start(options, send).then((usable) => {
    unfinished -= 1;
    return usable;
  });
  return {
    receive(raw) {
      const parsed = toWorkerSchema.safeParse(typeof raw === 'string' ? safeJson(raw) : raw);
      if (!parsed.success) return;
      const message = parsed.data;
      // Answered now, not queued: a pong proves this thread is free, which is what a ping asks.
      if (message.type === 'ping') {
        send.message({ type: 'pong', id: message.id });
        return;
      }
      // Said at once, before the queue: a worker that answers is alive, however long it then
      // takes to load the lesson's checks (on a cold page, a download). An idle worker whose
      // checks for the lesson are loaded already says `started` in this same task, which
      // acknowledges the run as well: one message fewer before the learner's code runs.
      if (unfinished > 0 || !loaded.has(message.lesson))
        send.message({ type: 'accepted', runId: message.runId });
      unfinished += 1;
      queue = queue.then(async (usable) => {
        try {
          if (!usable) return false;
          if (await handleRun(options, send, message)) loaded.add(message.lesson);
          return true;
        } catch (error) {
          send.message({ type: 'fatal', message: `The runner failed: ${describe(error)}` });
          return false;
        } finally {
          unfinished -= 1;
        }
      });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function start(options: WorkerLoopOptions, send: Sender): Promise<boolean> {
  try {
    // The first run in a realm is several times slower than the rest (JIT, lazy init), so pay
    // for it now, on a built-in exercise; it doubles as a self-test of the sandbox, and a
    // failed self-test is fatal in every host.
    const warmUp = await runLesson(
      { lesson: 'warm-up', source: WARMUP_SOURCE, suite: warmupSuite },
      { backend: options.warmupBackend ?? options.backend, checkTimeoutMs: options.checkTimeoutMs },
    );
    if (!warmUp.passed) {
      const reason = warmUp.error?.message ?? warmUp.checks.find((c) => !c.passed)?.message;
      send.message({
        type: 'fatal',
        message: `The runner failed its self-test: ${reason ?? 'unknown reason'}`,
      });
      return false;
    }
    send.message({ type: 'ready', startupMs: Math.round(options.uptimeMs() * 100) / 100 });
    return true;
  } catch (error) {
    send.message({ type: 'fatal', message: `The runner could not start: ${describe(error)}` });
    return false;
  }
}

/** Runs one lesson; resolves to whether the lesson's checks were found. */
async function handleRun(
  options: WorkerLoopOptions,
  send: Sender,
  message: Extract<ReturnType<typeof toWorkerSchema.parse>, { type: 'run' }>,
): Promise<boolean> {
  const { runId, lesson, source } = message;
  // The hard timeout counts from here: loading checks for the first time is the runner's time.
  const suite = await options.loadSuite(lesson);
  send.message({
    type: 'started',
    runId,
    ...(suite
      ? { checks: suite.checks.slice(0, L.checks).map((c) => clip(c.name, L.messageChars)) }
      : {}),
  });
  if (!suite) {
    // The same kind in every host: a load error of this run, not a fatal worker.
    send.report(runId, {
      lesson,
      passed: false,
      checks: [],
      error: { kind: 'load', message: `There is no lesson called "${lesson}".` },
      console: '',
      durationMs: 0,
    });
    return false;
  }
  const clamp = createReportClamp();
  const last = Math.min(suite.checks.length, L.checks) - 1;
  const postCheck = (index: number, result: CheckResult) =>
    send.check(runId, index, clamp.check(index, result), index < last);
  const runOptions: RunOptions = {
    backend: options.backend,
    checkTimeoutMs: options.checkTimeoutMs,
    onCheck: options.holdChecksMs ? heldChecks(postCheck, options.holdChecksMs) : postCheck,
    // Streamed so that a run the host cuts short can name the check and call that hung.
    onCheckStart: (index, name) =>
      send.message({ type: 'checkStart', runId, index, name: clip(name, L.messageChars) }),
    onCall: (call) => send.message({ type: 'call', runId, call: clip(call, L.messageChars) }),
    ...(options.insight === false ? { insight: false } : {}),
    ...(message.strict ? { strictChecks: true } : {}),
    // The core clamps each result with this run's clamp, so `clamp.report` below finds it done.
    clamp,
  };
  let report: RunReport;
  try {
    report = await runLesson({ lesson, source, suite }, runOptions);
  } finally {
    // Normally sent with the next check's start already; never left behind by a run that ended.
    send.flush();
  }
  const clamped = clamp.report(report);
  send.report(runId, options.snapshot === false ? withoutSnapshot(clamped) : clamped, true);
  return true;
}

function withoutSnapshot(report: RunReport): RunReport {
  const rest = { ...report };
  delete rest.snapshot;
  return rest;
}

interface Sender {
  /** Posts one message; a check that fails the schema is posted as a failed check instead. */
  message(message: FromWorker, checkIndex?: number): void;
  /**
   * Posts a check's result, clamped by the run's report clamp. With `more` (a later check will
   * start), a host with `postMany` gets it together with that check's `checkStart` note.
   */
  check(runId: string, index: number, result: CheckResult, more: boolean): void;
  /** Posts a check result still held for the next note. */
  flush(): void;
  /**
   * Posts `done`, shrinking the report if it is still over the size cap. `clamped`: the report is
   * the run's report clamp's output (done-text.ts posts it without a second full parse).
   */
  report(runId: string, report: RunReport, clamped?: boolean): void;
}

function createSender(
  post: (text: string) => void,
  postNote: (text: string) => void,
  postMany?: (texts: readonly string[]) => void,
  postResult?: (runId: string, text: string) => void,
): Sender {
  /**
   * A check's result waiting for the next message, to share its write. runLesson starts the next
   * check in the same synchronous stretch in which it reports one (no await, so no learner code,
   * in between), so the result is on its way before any learner code of the next check runs;
   * `flush` covers a run that ends some other way.
   */
  let held: string | undefined;
  const emit = (text: string, toNote: boolean): void => {
    if (held !== undefined && postMany) {
      const first = held;
      held = undefined;
      postMany([first, text]);
      return;
    }
    (toNote ? postNote : post)(text);
  };
  const flush = (): void => {
    if (held === undefined) return;
    const text = held;
    held = undefined;
    post(text);
  };
  const postParsed = (message: FromWorker): boolean => {
    const parsed = fromWorkerSchema.safeParse(message);
    if (!parsed.success) return false;
    const text = JSON.stringify(parsed.data);
    if (text.length > L.reportChars) return false;
    flush();
    post(text);
    return true;
  };
  const sender: Sender = {
    message(message, checkIndex) {
      // Progress notes are built in this module from a clipped string, the host's run id and
      // an index, so they meet the schema by construction; a run posts one per check and one
      // per learner call, and parsing each cost more than the call itself. The host parses
      // every message it receives anyway.
      if (message.type === 'call' || (message.type === 'checkStart' && message.index < L.checks)) {
        emit(JSON.stringify(message), true);
        return;
      }
      if (postParsed(message)) return;
      if (message.type === 'check' && checkIndex !== undefined) {
        postParsed({
          type: 'check',
          runId: message.runId,
          index: checkIndex,
          result: unreportable(message.result),
        });
      }
      // Anything else that fails its own schema is a bug here, not learner input: drop it; the
      // host's deadlines still end the run.
    },
    check(runId, index, result, more) {
      // Decision: no zod parse of a check here. The result comes from the run's report clamp
      // (boundary-caps.ts), which builds every field afresh (clipped strings, finite numbers,
      // positive integers, known truncation marks, capped lists), so it meets
      // checkResultSchema by construction (tests/runner/check-post-schema.test.ts tries hostile
      // values against the schema); the parse cost more than a learner call per check. The
      // host still parses every message it receives.
      const message: FromWorker = { type: 'check', runId, index, result };
      const text = index >= 0 && index < L.checks ? JSON.stringify(message) : undefined;
      if (text === undefined || text.length > L.reportChars) {
        sender.message(message, index);
        return;
      }
      flush();
      if (postResult) postResult(runId, text);
      else if (more && postMany) held = text;
      else post(text);
    },
    flush,
    report(runId, report, clamped) {
      const text = clamped ? clampedDoneText(runId, report) : undefined;
      if (text !== undefined) {
        flush();
        post(text);
        return;
      }
      if (postParsed({ type: 'done', runId, report })) return;
      // Mark each check that fails the schema on its own, then shrink what is left.
      const checks = report.checks.map((check) =>
        fromWorkerSchema.safeParse({ type: 'check', runId, index: 0, result: check }).success
          ? check
          : unreportable(check),
      );
      const repaired: RunReport = {
        ...report,
        checks,
        passed: report.passed && checks.every((c) => c.passed),
      };
      if (postParsed({ type: 'done', runId, report: repaired })) return;
      if (postParsed({ type: 'done', runId, report: shrinkReport(repaired) })) return;
      postParsed({
        type: 'done',
        runId,
        report: {
          lesson: String(report.lesson).slice(0, 200),
          passed: false,
          checks: [],
          error: { kind: 'violation', message: 'The report of this run was too large to send.' },
          console: '',
          durationMs: 0,
          truncated: ['checks'],
        },
      });
    },
  };
  return sender;
}

/** A check whose result could not be reported: failed, with the reason, and nothing else. */
function unreportable(check: CheckResult): CheckResult {
  const name = typeof check.name === 'string' ? clip(check.name, L.messageChars) : 'a check';
  return {
    name,
    passed: false,
    message: 'This check produced a value the runner cannot report, so it counts as failed.',
    durationMs: 0,
  };
}
