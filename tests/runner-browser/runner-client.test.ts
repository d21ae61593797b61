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

/** A stand-in for the module worker: records what the page sends and lets the test answer. */
class FakeWorker implements WorkerLike {
  readonly sent: ToWorker[] = [];
  terminated = false;
  private readonly listeners = new Map<string, ((event: never) => void)[]>();

  postMessage(message: ToWorker): void {
    if (this.terminated) throw new Error('posted to a terminated worker');
    this.sent.push(message);
  }

  terminate(): void {
    this.terminated = true;
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  /** The worker posts `data` to the page. */
  emit(data: unknown): void {
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

  lastSent(): ToWorker {
    const last = this.sent.at(-1);
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
let client: RunnerClient;

function makeClient(options: { spare?: boolean; runTimeoutMs?: number } = {}): RunnerClient {
  return createRunnerClient({
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    startupTimeoutMs: 10_000,
    ...options,
  });
}

beforeEach(() => {
  workers = [];
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

  it('ignores malformed or forged-shape messages and keeps waiting for a valid one', async () => {
    client = makeClient();
    let settled = false;
    const promise = client.run('key-value-basics', 'x').finally(() => (settled = true));
    await workers[0].boot();
    const { runId } = runMessage(workers[0]);
    workers[0].emit('all passed');
    workers[0].emit({ type: 'done', runId, report: { passed: true } });
    workers[0].emit({ type: 'done', runId, report: { ...report(), passed: 'yes' } });
    workers[0].emit({ type: 'check', runId, index: 'first', result: check('x') });
    workers[0].emit({ type: 'ready', startupMs: 'soon' });
    workers[0].emit(null);
    await flush();
    expect(settled).toBe(false);
    workers[0].emit({ type: 'done', runId, report: report() });
    expect((await promise).passed).toBe(false);
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
      error: { kind: 'timeout', message: 'timed out after 3 s' },
    });
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].terminated).toBe(false);
    // A fresh spare is started right away, so the one after next is warm too.
    expect(workers).toHaveLength(3);

    const next = client.run('key-value-basics', 'export {}');
    await flush();
    const retry = runMessage(workers[1]);
    workers[1].emit({ type: 'done', runId: retry.runId, report: report({ passed: true }) });
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
    expect(workers[0].sent.map((m) => m.type === 'run' && m.source)).toEqual(['while (true) {}']);
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
    expect(await promise).toMatchObject({
      passed: false,
      error: { kind: 'memory', message: 'ran out of memory' },
    });
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
    expect(workers[0].sent.map((m) => m.type)).toEqual(['run']);
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
});
