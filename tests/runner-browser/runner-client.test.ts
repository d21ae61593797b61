// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createRunnerClient,
  RunnerUnavailableError,
  type RunnerClient,
  type WorkerLike,
} from '../../src/runner/browser/runner-client.ts';
import type { ToWorker } from '../../src/runner/protocol.ts';
import type { CheckResult, RunReport } from '../../src/runner/report.ts';

/**
 * A stand-in for the module worker: records what the page sends and lets the test answer. Like
 * the real worker loop it posts JSON text, acknowledges each run at once and answers pings,
 * unless told to hang.
 */
class FakeWorker implements WorkerLike {
  readonly sent: ToWorker[] = [];
  terminated = false;
  /** When true, runs are not acknowledged (a worker stuck before it could take the run). */
  silent = false;
  /** When true, pings go unanswered (a worker still busy with the last run's leftovers). */
  busy = false;
  private readonly listeners = new Map<string, ((event: never) => void)[]>();

  postMessage(message: ToWorker): void {
    if (this.terminated) throw new Error('posted to a terminated worker');
    this.sent.push(message);
    if (message.type === 'run' && !this.silent) {
      this.emit({ type: 'started', runId: message.runId, checks: ['first', 'second', 'third'] });
    }
    if (message.type === 'ping' && !this.busy) {
      queueMicrotask(() => this.emit({ type: 'pong', id: message.id }));
    }
  }

  terminate(): void {
    this.terminated = true;
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  /** The worker posts `data` to the page, as JSON text the way the loop does. */
  emit(data: unknown): void {
    this.emitRaw(JSON.stringify(data));
  }

  /** The worker posts exactly `data`. */
  emitRaw(data: unknown): void {
    if (this.terminated) return;
    for (const listener of this.listeners.get('message') ?? []) {
      listener(new MessageEvent('message', { data }) as never);
    }
  }

  emitError(message: string): void {
    for (const listener of this.listeners.get('error') ?? []) {
      listener(new ErrorEvent('error', { message }) as never);
    }
  }

  /** The run messages sent so far. */
  runs(): Extract<ToWorker, { type: 'run' }>[] {
    return this.sent.filter((m): m is Extract<ToWorker, { type: 'run' }> => m.type === 'run');
  }

  lastSent(): ToWorker {
    const last = this.runs().at(-1);
    if (!last) throw new Error('nothing was sent to this worker');
    return last;
  }

  /** Reports ready (after its own warm-up), like a healthy worker. */
  async boot(): Promise<void> {
    this.emit({ type: 'ready', startupMs: 321 });
    await flush();
  }
}

function check(name: string, passed = true): CheckResult {
  return { name, passed, durationMs: 1, ...(passed ? {} : { message: 'expected 1 to equal 2' }) };
}

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    lesson: 'key-value-basics',
    passed: false,
    checks: [check('saveUser stores JSON', false)],
    console: '',
    durationMs: 2,
    ...overrides,
  };
}

/** Lets queued promise callbacks run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

function runMessage(worker: FakeWorker): Extract<ToWorker, { type: 'run' }> {
  const message = worker.lastSent();
  if (message.type !== 'run') throw new Error(`expected a run message, got ${message.type}`);
  return message;
}

let workers: FakeWorker[];
/** For each worker made by makeClient: how many earlier workers were still alive then. */
let aliveWhenMade: number[];
let client: RunnerClient;

function makeClient(
  options: { spare?: boolean; runTimeoutMs?: number; sharedProcess?: boolean } = {},
): RunnerClient {
  return createRunnerClient({
    createWorker: () => {
      const worker = new FakeWorker();
      aliveWhenMade.push(workers.filter((w) => !w.terminated).length);
      workers.push(worker);
      return worker;
    },
    startupTimeoutMs: 10_000,
    ...options,
  });
}

beforeEach(() => {
  workers = [];
  aliveWhenMade = [];
});

afterEach(() => {
  client?.dispose();
  vi.useRealTimers();
});

describe('createRunnerClient', () => {
  it('starts nothing until warm or run is called', () => {
    client = makeClient();
    expect(workers).toHaveLength(0);
  });

  it('warm starts one worker, then a spare once the first is ready, and sends nothing', async () => {
    client = makeClient();
    client.warm();
    expect(workers).toHaveLength(1);
    await workers[0].boot();
    expect(workers).toHaveLength(2);
    client.warm();
    await workers[1].boot();
    expect(workers).toHaveLength(2);
    expect(workers.flatMap((w) => w.sent)).toEqual([]);
  });

  it('starts no spare when a worker fails to start', async () => {
    client = makeClient();
    client.warm();
    workers[0].emit({ type: 'fatal', message: 'header missing' });
    await flush();
    expect(workers).toHaveLength(1);
  });

  it('does not post a run before the worker is ready', async () => {
    client = makeClient();
    const promise = client.run('key-value-basics', 'x');
    await flush();
    expect(workers[0].sent).toEqual([]);
    await workers[0].boot();
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: report() });
    await promise;
  });

  it('resolves a run with the report from the done message that carries its id', async () => {
    client = makeClient();
    const promise = client.run('key-value-basics', 'export {}');
    await workers[0].boot();
    const { runId, lesson, source } = runMessage(workers[0]);
    expect({ lesson, source }).toEqual({ lesson: 'key-value-basics', source: 'export {}' });
    const final = report({ passed: true, checks: [check('loadUser returns null')] });
    workers[0].emit({ type: 'done', runId, report: final });
    expect(await promise).toEqual(final);
    expect(client.startupMs).toBe(321);
  });

  it('drops check and done messages for stale or foreign run ids', async () => {
    client = makeClient();
    const onCheck = vi.fn();
    const promise = client.run('key-value-basics', 'x', onCheck);
    await workers[0].boot();
    const { runId } = runMessage(workers[0]);
    const forged = report({ passed: true, checks: [check('forged', true)] });
    workers[0].emit({ type: 'check', runId: 'run-0', index: 0, result: check('forged') });
    workers[0].emit({ type: 'done', runId: 'run-0', report: forged });
    workers[0].emit({ type: 'done', runId: `${runId}x`, report: forged });
    workers[0].emit({ type: 'done', runId: runId.toUpperCase(), report: forged });
    await flush();
    expect(onCheck).not.toHaveBeenCalled();
    const real = report();
    workers[0].emit({ type: 'done', runId, report: real });
    expect(await promise).toEqual(real);
  });

  it('ignores messages that are not text (the loop only posts JSON text)', async () => {
    client = makeClient();
    let settled = false;
    const promise = client.run('key-value-basics', 'x').finally(() => (settled = true));
    await workers[0].boot();
    const { runId } = runMessage(workers[0]);
    workers[0].emitRaw({ type: 'done', runId, report: report({ passed: true }) });
    workers[0].emitRaw(null);
    await flush();
    expect(settled).toBe(false);
    workers[0].emit({ type: 'done', runId, report: report() });
    expect((await promise).passed).toBe(false);
  });

  it.each([
    ['text that is not JSON', 'all passed'],
    [
      'a done without a verdict',
      JSON.stringify({ type: 'done', runId: 'RUN', report: { passed: true } }),
    ],
    [
      'a verdict that is not a boolean',
      JSON.stringify({
        type: 'done',
        runId: 'RUN',
        report: { lesson: 'l', passed: 'yes', checks: [], console: '', durationMs: 1 },
      }),
    ],
    [
      'a check index that is not a number',
      JSON.stringify({
        type: 'check',
        runId: 'RUN',
        index: 'first',
        result: { name: 'x', passed: true, durationMs: 1 },
      }),
    ],
    ['a 3 MB message', JSON.stringify({ type: 'fatal', message: 'x'.repeat(3_000_000) })],
    [
      'a check message over its cap',
      JSON.stringify({
        type: 'check',
        runId: 'RUN',
        index: 0,
        result: { name: 'x', passed: true, durationMs: 1, message: 'm'.repeat(10_000) },
      }),
    ],
  ])('refuses %s: the run ends as a violation and the worker is replaced', async (_name, raw) => {
    client = makeClient();
    const promise = client.run('key-value-basics', 'x');
    await workers[0].boot();
    const { runId } = runMessage(workers[0]);
    workers[0].emitRaw(raw.replace('RUN', runId));
    const result = await promise;
    expect(result.passed).toBe(false);
    expect(result.error?.kind).toBe('violation');
    expect(workers[0].terminated).toBe(true);
  });

  it('passes a message exactly at its caps (control copy of the refusals above)', async () => {
    client = makeClient();
    const promise = client.run('key-value-basics', 'x');
    await workers[0].boot();
    const { runId } = runMessage(workers[0]);
    const atCap = { ...check('x', false), message: 'm'.repeat(4096) };
    workers[0].emit({ type: 'check', runId, index: 0, result: atCap });
    workers[0].emit({ type: 'done', runId, report: report({ checks: [atCap] }) });
    const result = await promise;
    expect(result.error).toBeUndefined();
    expect(result.checks[0].message).toHaveLength(4096);
  });

  it('reports each check as it finishes through onCheck', async () => {
    client = makeClient();
    const onCheck = vi.fn();
    const promise = client.run('key-value-basics', 'x', onCheck);
    await workers[0].boot();
    const { runId } = runMessage(workers[0]);
    workers[0].emit({ type: 'check', runId, index: 0, result: check('first') });
    workers[0].emit({ type: 'check', runId, index: 1, result: check('second', false) });
    expect(onCheck.mock.calls).toEqual([
      [0, check('first')],
      [1, check('second', false)],
    ]);
    workers[0].emit({ type: 'done', runId, report: report() });
    await promise;
  });

  it('times out a hung run: terminates the worker, keeps finished checks, and swaps in the spare', async () => {
    vi.useFakeTimers();
    client = makeClient({ runTimeoutMs: 3000 });
    const promise = client.run('key-value-basics', 'while (true) {}');
    await workers[0].boot();
    await workers[1].boot();
    const { runId } = runMessage(workers[0]);
    workers[0].emit({ type: 'check', runId, index: 0, result: check('first') });
    await vi.advanceTimersByTimeAsync(3000);
    const timedOut = await promise;
    expect(timedOut).toMatchObject({
      lesson: 'key-value-basics',
      passed: false,
      checks: [check('first')],
      error: { kind: 'timeout', limitMs: 3000 },
    });
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].terminated).toBe(false);
    // A fresh spare is started right away, so the one after next is warm too.
    expect(workers).toHaveLength(3);
    // Control for the shared-process case below: here the spare was alive when it was made.
    expect(aliveWhenMade[2]).toBe(1);

    const next = client.run('key-value-basics', 'export {}');
    await flush();
    const retry = runMessage(workers[1]);
    workers[1].emit({ type: 'done', runId: retry.runId, report: report({ passed: true }) });
    expect((await next).passed).toBe(true);
  });

  it('with workers in one shared process, a timeout stops the spare too, before any new worker starts', async () => {
    vi.useFakeTimers();
    // Sandboxed frames of one site share a renderer process, which only ends with its last frame.
    client = makeClient({ runTimeoutMs: 3000, sharedProcess: true });
    const promise = client.run('key-value-basics', 'Array.prototype.indexOf.call(huge, 1)');
    await workers[0].boot();
    await workers[1].boot();
    const created = workers.length;
    await vi.advanceTimersByTimeAsync(3000);
    expect((await promise).error).toMatchObject({ kind: 'timeout' });
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].terminated).toBe(true);
    // The worker made after the timeout was made once the old ones were all gone, so a frame
    // would land in a new process; one at a time, so the spare follows once it is ready.
    expect(workers.length).toBe(created + 1);
    expect(aliveWhenMade.slice(created)).toEqual([0]);

    // The next run goes to the fresh worker once it is ready.
    const next = client.run('key-value-basics', 'export {}');
    await workers[created].boot();
    const retry = runMessage(workers[created]);
    workers[created].emit({ type: 'done', runId: retry.runId, report: report({ passed: true }) });
    expect((await next).passed).toBe(true);
  });

  it('ignores a late done from a worker it already gave up on', async () => {
    vi.useFakeTimers();
    client = makeClient({ runTimeoutMs: 3000 });
    const first = client.run('key-value-basics', 'slow');
    await workers[0].boot();
    await workers[1].boot();
    const stale = runMessage(workers[0]);
    await vi.advanceTimersByTimeAsync(3000);
    expect((await first).error?.kind).toBe('timeout');

    const second = client.run('key-value-basics', 'fast');
    await flush();
    // The timed-out worker "wakes up" and answers; it was terminated, and the id is stale anyway.
    workers[1].emit({ type: 'done', runId: stale.runId, report: report({ passed: true }) });
    await flush();
    const { runId } = runMessage(workers[1]);
    workers[1].emit({ type: 'done', runId, report: report({ passed: false }) });
    expect((await second).passed).toBe(false);
  });

  it('sends a run that was queued behind a timed-out run to the spare', async () => {
    vi.useFakeTimers();
    client = makeClient({ runTimeoutMs: 3000 });
    const hung = client.run('key-value-basics', 'while (true) {}');
    const queued = client.run('key-value-basics', 'fine');
    await workers[0].boot();
    await workers[1].boot();
    await vi.advanceTimersByTimeAsync(3000);
    expect((await hung).error?.kind).toBe('timeout');
    await vi.advanceTimersByTimeAsync(0);
    expect(workers[0].runs().map((m) => m.source)).toEqual(['while (true) {}']);
    const retry = runMessage(workers[1]);
    expect(retry.source).toBe('fine');
    workers[1].emit({ type: 'done', runId: retry.runId, report: report({ passed: true }) });
    expect((await queued).passed).toBe(true);
  });

  it('rejects with RunnerUnavailableError when the worker reports fatal', async () => {
    client = makeClient({ spare: false });
    const promise = client.run('key-value-basics', 'x');
    const message =
      "The runner is disabled: the site's Content-Security-Policy header for the runner worker is missing.";
    workers[0].emit({ type: 'fatal', message });
    await expect(promise).rejects.toThrow(RunnerUnavailableError);
    await expect(promise).rejects.toThrow(message);
    expect(workers[0].terminated).toBe(true);
  });

  it('rejects with RunnerUnavailableError when the worker script fails to load', async () => {
    client = makeClient({ spare: false });
    const promise = client.run('key-value-basics', 'x');
    workers[0].emitError('Failed to fetch a worker script.');
    await expect(promise).rejects.toBeInstanceOf(RunnerUnavailableError);
  });

  it('rejects with RunnerUnavailableError when the worker never becomes ready', async () => {
    vi.useFakeTimers();
    client = createRunnerClient({
      createWorker: () => {
        const worker = new FakeWorker();
        workers.push(worker);
        return worker;
      },
      startupTimeoutMs: 5000,
      spare: false,
    });
    const promise = client.run('key-value-basics', 'x');
    const assertion = expect(promise).rejects.toThrow('did not start within 5 s');
    await vi.advanceTimersByTimeAsync(5000);
    await assertion;
  });

  it('turns a worker crash mid-run into a memory report and recycles the worker', async () => {
    client = makeClient();
    const promise = client.run('key-value-basics', 'const a = []; while (true) a.push(a)');
    await workers[0].boot();
    await workers[1].boot();
    workers[0].emitError('Uncaught RangeError: Array buffer allocation failed');
    expect(await promise).toMatchObject({ passed: false, error: { kind: 'memory' } });
    expect(workers[0].terminated).toBe(true);

    const next = client.run('key-value-basics', 'x');
    await flush();
    expect(runMessage(workers[1]).source).toBe('x');
    workers[1].emit({ type: 'done', runId: runMessage(workers[1]).runId, report: report() });
    await next;
  });

  it('recycles the worker after a violation reported by the worker itself', async () => {
    client = makeClient();
    const first = client.run('key-value-basics', 'x');
    await workers[0].boot();
    await workers[1].boot();
    const bad = report({ error: { kind: 'violation', message: 'blocked: fetch' }, checks: [] });
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: bad });
    expect(await first).toEqual(bad);
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(3);
  });

  it('keeps the worker after an ordinary failing or compile-error run', async () => {
    client = makeClient();
    const first = client.run('key-value-basics', 'x');
    await workers[0].boot();
    const compile = report({ error: { kind: 'compile', message: 'Unexpected token', line: 1 } });
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: compile });
    await first;
    expect(workers[0].terminated).toBe(false);
    const second = client.run('key-value-basics', 'y');
    await flush();
    expect(runMessage(workers[0]).source).toBe('y');
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: report() });
    await second;
  });

  it('posts a run to a ready, idle worker synchronously, before any microtask', async () => {
    client = makeClient({ spare: false });
    client.warm();
    await workers[0].boot();
    const result = client.run('lesson-a', 'code');
    expect(runMessage(workers[0]).source).toBe('code');
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: report() });
    await expect(result).resolves.toMatchObject({ lesson: 'key-value-basics' });
    // Idle again once the run settled: the next run is posted at once too.
    await flush();
    client.run('lesson-a', 'again').catch(() => undefined);
    expect(runMessage(workers[0]).source).toBe('again');
  });

  it('sends runs one at a time, never while another run is in flight', async () => {
    client = makeClient({ spare: false });
    const first = client.run('key-value-basics', 'one');
    const second = client.run('key-value-basics', 'two');
    await workers[0].boot();
    expect(workers[0].runs()).toHaveLength(1);
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: report() });
    await first;
    await flush();
    expect(runMessage(workers[0]).source).toBe('two');
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: report() });
    await second;
  });

  it('dispose terminates every worker and rejects the run in flight', async () => {
    client = makeClient();
    const promise = client.run('key-value-basics', 'x');
    await workers[0].boot();
    client.dispose();
    await expect(promise).rejects.toBeInstanceOf(RunnerUnavailableError);
    expect(workers.every((w) => w.terminated)).toBe(true);
  });

  it("counts the hard timeout from the worker's acknowledgement, not from posting the run", async () => {
    vi.useFakeTimers();
    client = makeClient({ runTimeoutMs: 3000 });
    client.warm();
    await workers[0].boot();
    workers[0].silent = true;
    const promise = client.run('key-value-basics', 'x');
    const { runId } = runMessage(workers[0]);
    // The worker is slow to take the run (loading checks on a cold page): not the learner's time.
    await vi.advanceTimersByTimeAsync(1500);
    workers[0].emit({ type: 'started', runId });
    await vi.advanceTimersByTimeAsync(2500);
    workers[0].emit({ type: 'done', runId, report: report({ passed: true }) });
    expect((await promise).passed).toBe(true);
  });

  it('waits for a worker that accepted the run while it loads the lesson (a cold page)', async () => {
    vi.useFakeTimers();
    client = makeClient({ runTimeoutMs: 3000 });
    client.warm();
    await workers[0].boot();
    workers[0].silent = true;
    const promise = client.run('key-value-basics', 'x');
    const { runId } = runMessage(workers[0]);
    workers[0].emit({ type: 'accepted', runId });
    // Loading the checks takes 6 s: more than the response and the hard timeout together.
    await vi.advanceTimersByTimeAsync(6000);
    expect(workers[0].terminated).toBe(false);
    workers[0].emit({ type: 'started', runId });
    workers[0].emit({ type: 'done', runId, report: report({ passed: true }) });
    expect((await promise).passed).toBe(true);
  });

  it('sends a run the worker never acknowledges to the spare, without a timeout report', async () => {
    vi.useFakeTimers();
    client = makeClient({ runTimeoutMs: 3000 });
    client.warm();
    await workers[0].boot();
    await workers[1].boot();
    workers[0].silent = true;
    const promise = client.run('key-value-basics', 'fine');
    await vi.advanceTimersByTimeAsync(2000);
    expect(workers[0].terminated).toBe(true);
    const retry = runMessage(workers[1]);
    expect(retry.source).toBe('fine');
    workers[1].emit({ type: 'done', runId: retry.runId, report: report({ passed: true }) });
    expect((await promise).passed).toBe(true);
  });

  it('names the check and the call that hung, and lists the checks that never ran', async () => {
    vi.useFakeTimers();
    client = makeClient({ runTimeoutMs: 3000 });
    const promise = client.run('key-value-basics', 'x');
    await workers[0].boot();
    const { runId } = runMessage(workers[0]);
    workers[0].emit({ type: 'checkStart', runId, index: 0, name: 'first' });
    workers[0].emit({ type: 'check', runId, index: 0, result: check('first') });
    workers[0].emit({ type: 'checkStart', runId, index: 1, name: 'second' });
    workers[0].emit({ type: 'call', runId, call: 'saveUser({ id: 1 })' });
    await vi.advanceTimersByTimeAsync(3000);
    const result = await promise;
    expect(result.error).toMatchObject({
      kind: 'timeout',
      check: 'second',
      call: 'saveUser({ id: 1 })',
      notRun: ['third'],
      limitMs: 3000,
    });
    expect(result.error?.message).toContain('during "second"');
    expect(result.checks).toEqual([check('first')]);
  });

  it('replaces a worker that is still busy after a run (no pong), and runs on the spare', async () => {
    vi.useFakeTimers();
    client = makeClient();
    client.warm();
    await workers[0].boot();
    await workers[1].boot();
    workers[0].busy = true;
    const first = client.run('key-value-basics', 'setInterval(spin)');
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: report() });
    await first;
    const second = client.run('key-value-basics', 'next');
    await vi.advanceTimersByTimeAsync(2000);
    expect(workers[0].terminated).toBe(true);
    expect(workers[0].runs()).toHaveLength(1);
    const retry = runMessage(workers[1]);
    expect(retry.source).toBe('next');
    workers[1].emit({ type: 'done', runId: retry.runId, report: report({ passed: true }) });
    expect((await second).passed).toBe(true);
  });

  it('reuses a worker that answered its ping (control copy of the busy worker above)', async () => {
    client = makeClient();
    const first = client.run('key-value-basics', 'one');
    await workers[0].boot();
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: report() });
    await first;
    await flush();
    const second = client.run('key-value-basics', 'two');
    expect(runMessage(workers[0]).source).toBe('two');
    workers[0].emit({ type: 'done', runId: runMessage(workers[0]).runId, report: report() });
    await second;
    expect(workers[0].terminated).toBe(false);
  });

  it('reports a worker that dies mid-run for another reason as crashed, not as a violation', async () => {
    client = makeClient();
    const promise = client.run('key-value-basics', 'x');
    await workers[0].boot();
    workers[0].emitError('Uncaught TypeError: t is not a function');
    expect((await promise).error?.kind).toBe('crashed');
    expect(workers[0].terminated).toBe(true);
  });

  it('reports fatal during a run as crashed', async () => {
    client = makeClient();
    const promise = client.run('key-value-basics', 'x');
    await workers[0].boot();
    workers[0].emit({ type: 'fatal', message: 'The runner failed: boom' });
    expect((await promise).error).toMatchObject({ kind: 'crashed' });
  });

  it('refuses to run when the security header check fails, and runs when it passes', async () => {
    const refusing = createRunnerClient({
      createWorker: () => {
        const worker = new FakeWorker();
        workers.push(worker);
        return worker;
      },
      spare: false,
      checkCsp: async () => 'header missing',
    });
    const refused = refusing.run('key-value-basics', 'x');
    await workers[0].boot();
    await expect(refused).rejects.toThrow('header missing');
    expect(workers[0].runs()).toHaveLength(0);
    refusing.dispose();

    client = createRunnerClient({
      createWorker: () => {
        const worker = new FakeWorker();
        workers.push(worker);
        return worker;
      },
      spare: false,
      checkCsp: async () => undefined,
    });
    const allowed = client.run('key-value-basics', 'x');
    await workers[1].boot();
    workers[1].emit({ type: 'done', runId: runMessage(workers[1]).runId, report: report() });
    await allowed;
  });
});
