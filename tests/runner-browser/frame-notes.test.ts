// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFrameWorker, NOTES_TIMEOUT_MS } from '../../src/runner/browser/frame-worker.ts';
import {
  FRAME_SCRIPT,
  NOTES_DRAIN_MS,
  NOTES_PORT,
  NOTES_REQUEST,
} from '../../src/runner/browser/runner-frame-document.ts';
import type { ToWorker } from '../../src/runner/protocol.ts';
import type { RunReport } from '../../src/runner/report.ts';
import {
  Supervisor,
  type EndpointFailure,
  type WorkerEndpoint,
} from '../../src/runner/supervisor.ts';

/**
 * In a built app the worker's progress notes (`checkStart`, `call`) stop at its sandboxed frame,
 * which hands the latest to the page only when a run times out. These tests cover each part of
 * that path: the frame's script, the page's request, and the supervisor's timeout report.
 */

const CHECKS = ['first', 'second', 'third'];

/** A worker endpoint that takes runs and says `started`, and whose notes the test decides. */
function fakeEndpoint(notes?: (runId: string) => Promise<unknown[]>) {
  let listener: (raw: unknown) => void = () => undefined;
  let onError: (failure: EndpointFailure) => void = () => undefined;
  let runId = '';
  const endpoint: WorkerEndpoint & {
    terminated: boolean;
    emit(data: unknown): void;
    crash(failure: EndpointFailure): void;
    runId(): string;
  } = {
    terminated: false,
    runId: () => runId,
    post(message: ToWorker) {
      if (message.type !== 'run') return;
      runId = message.runId;
      queueMicrotask(() => listener(JSON.stringify({ type: 'started', runId, checks: CHECKS })));
    },
    onMessage(l) {
      listener = l;
    },
    onError(l) {
      onError = l;
    },
    crash: (failure) => onError(failure),
    terminate() {
      endpoint.terminated = true;
    },
    emit(data) {
      listener(JSON.stringify(data));
    },
    ...(notes ? { lastNotes: () => notes(runId) } : {}),
  };
  return endpoint;
}

async function startRun(endpoint: ReturnType<typeof fakeEndpoint>) {
  const supervisor = new Supervisor(endpoint, { startupTimeoutMs: 1000, hardTimeoutMs: 3000 });
  endpoint.emit({ type: 'ready', startupMs: 1 });
  await supervisor.ready;
  const report = supervisor.run('key-value-basics', 'while (true) {}');
  await vi.advanceTimersByTimeAsync(0);
  // Wrapped: an async function returning the promise itself would wait for the run to end.
  return { report };
}

const note = (runId: string, index: number) =>
  JSON.stringify({ type: 'checkStart', runId, index, name: CHECKS[index] });
const call = (runId: string, text: string) => JSON.stringify({ type: 'call', runId, call: text });

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe('Supervisor with notes kept by the endpoint', () => {
  it('names the check and call that hung from the notes it asks for at the timeout', async () => {
    vi.useFakeTimers();
    let asked = 0;
    const endpoint = fakeEndpoint(async (runId) => {
      asked += 1;
      return [note(runId, 1), call(runId, 'saveUser({ id: 1 })')];
    });
    const { report } = await startRun(endpoint);
    await vi.advanceTimersByTimeAsync(2999);
    expect(asked).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    const result: RunReport = await report;
    expect(asked).toBe(1);
    expect(result.error).toMatchObject({
      kind: 'timeout',
      check: 'second',
      call: 'saveUser({ id: 1 })',
      notRun: ['third'],
      limitMs: 3000,
    });
    expect(result.error?.message).toContain('during "second", in saveUser({ id: 1 })');
    expect(endpoint.terminated).toBe(true);
  });

  it("keeps the finished checks' results an endpoint kept with its notes, of this run only", async () => {
    vi.useFakeTimers();
    const result = (runId: string, index: number) =>
      JSON.stringify({
        type: 'check',
        runId,
        index,
        result: { name: CHECKS[index], passed: true, durationMs: 1 },
      });
    const endpoint = fakeEndpoint(async (runId) => [
      note(runId, 2),
      call(runId, 'loadUser(1)'),
      result(runId, 0),
      result('run-earlier', 1),
      result(runId, 1),
    ]);
    const { report } = await startRun(endpoint);
    await vi.advanceTimersByTimeAsync(3000);
    const ended = await report;
    expect(ended.error).toMatchObject({ kind: 'timeout', check: 'third', notRun: [] });
    expect(ended.checks.map((c) => c.name)).toEqual(['first', 'second']);
  });

  it("ignores notes of another run, or that are not notes (control: the same notes with this run's id name it)", async () => {
    vi.useFakeTimers();
    const foreign = fakeEndpoint(async () => [
      note('run-earlier', 1),
      call('run-earlier', 'old()'),
      '{not json',
      JSON.stringify({ type: 'checkStart', index: 0 }),
      42,
    ]);
    const { report } = await startRun(foreign);
    await vi.advanceTimersByTimeAsync(3000);
    const result = await report;
    expect(result.error?.kind).toBe('timeout');
    expect(result.error?.check).toBeUndefined();
    expect(result.error?.call).toBeUndefined();
    expect(result.error?.notRun).toEqual(CHECKS);
    expect(foreign.terminated).toBe(true);
  });

  it('still reports the timeout when the notes never come or fail', async () => {
    vi.useFakeTimers();
    const failing = fakeEndpoint(() => Promise.reject(new Error('frame gone')));
    const { report } = await startRun(failing);
    await vi.advanceTimersByTimeAsync(3000);
    expect((await report).error?.kind).toBe('timeout');
    expect(failing.terminated).toBe(true);
  });

  it('keeps the timeout when the run ends while the notes are on their way (a late done)', async () => {
    vi.useFakeTimers();
    let answer: (notes: unknown[]) => void = () => undefined;
    let id = '';
    const endpoint = fakeEndpoint((runId) => {
      id = runId;
      return new Promise((resolve) => (answer = resolve));
    });
    const { report } = await startRun(endpoint);
    await vi.advanceTimersByTimeAsync(3000);
    const late: RunReport = {
      lesson: 'key-value-basics',
      passed: true,
      checks: [],
      console: '',
      durationMs: 3001,
    };
    endpoint.emit({ type: 'done', runId: id, report: late });
    answer([note(id, 0)]);
    const result = await report;
    expect(result.passed).toBe(false);
    expect(result.error).toMatchObject({ kind: 'timeout', check: 'first' });
  });

  it('keeps the timeout when the worker crashes or breaks the protocol while the notes are on their way', async () => {
    vi.useFakeTimers();
    for (const mishap of ['crash', 'garbage'] as const) {
      let answer: (notes: unknown[]) => void = () => undefined;
      const endpoint = fakeEndpoint(() => new Promise((resolve) => (answer = resolve)));
      const { report } = await startRun(endpoint);
      await vi.advanceTimersByTimeAsync(3000);
      if (mishap === 'crash') endpoint.crash({ kind: 'crashed', message: 'gone' });
      else endpoint.emit({ type: 'nonsense' });
      answer([note(endpoint.runId(), 0)]);
      expect((await report).error?.kind).toBe('timeout');
      expect(endpoint.terminated).toBe(true);
    }
    // Control: before the time limit, the same crash ends the run as `crashed`.
    const early = fakeEndpoint(async () => []);
    const { report } = await startRun(early);
    early.crash({ kind: 'crashed', message: 'gone' });
    expect((await report).error?.kind).toBe('crashed');
  });

  it('uses streamed notes when the endpoint keeps none (the Node child, the dev server)', async () => {
    vi.useFakeTimers();
    const endpoint = fakeEndpoint();
    const { report } = await startRun(endpoint);
    endpoint.emit(JSON.parse(note(endpoint.runId(), 2)));
    await vi.advanceTimersByTimeAsync(3000);
    const result = await report;
    expect(result.error).toMatchObject({ kind: 'timeout', check: 'third', notRun: [] });
    expect(endpoint.terminated).toBe(true);
  });
});

/**
 * A stand-in for the notes port the worker hands its frame: it records whether the frame started
 * it (set `onmessage`) or closed it, and delivers what was posted before that once started, a
 * task per note, as a MessagePort does.
 */
class NotesPort {
  queued: unknown[] = [];
  started = false;
  closed = false;
  private listener: ((event: { data: unknown }) => void) | undefined;
  post(data: unknown) {
    if (this.closed) return;
    if (this.listener) setTimeout(() => this.listener?.({ data }));
    else this.queued.push(data);
  }
  set onmessage(listener: (event: { data: unknown }) => void) {
    this.started = true;
    this.listener = listener;
    for (const data of this.queued.splice(0)) setTimeout(() => this.listener?.({ data }));
  }
  close() {
    this.closed = true;
    this.listener = undefined;
  }
}

/** Runs FRAME_SCRIPT against stand-ins for the frame's globals; returns its worker and ports. */
function runFrameScript() {
  const scope: Record<string, unknown> = { onmessage: null };
  type FromWorker = (event: { data: unknown; ports: unknown[] }) => void;
  let worker: { onmessage?: FromWorker; postMessage(): void } | undefined;
  class FakeWorker {
    onmessage?: FromWorker;
    onerror?: unknown;
    constructor() {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the test needs the instance the script made
      worker = this;
    }
    postMessage() {}
  }
  const parentWindow = {};
  const globals = {
    parent: parentWindow,
    self: { origin: 'null' },
    Worker: FakeWorker,
    Blob: class {},
    URL: { createObjectURL: () => 'blob:x' },
  };
  const install = new Function(
    ...Object.keys(globals),
    'scope',
    `with (scope) { ${FRAME_SCRIPT} }`,
  ) as (...args: unknown[]) => void;
  install(...Object.values(globals), scope);
  const onmessage = scope.onmessage as (event: unknown) => void;
  const page = new MessageChannel();
  const control = new MessageChannel();
  const BlobCtor = globals.Blob;
  onmessage({ source: parentWindow, data: new BlobCtor(), ports: [page.port2, control.port2] });
  if (!worker?.onmessage) throw new Error('the frame script did not listen to its worker');
  const fromWorker = worker.onmessage;
  const replies: unknown[] = [];
  control.port1.onmessage = (event) => replies.push(event.data);
  return {
    /** The worker hands the frame a new notes port (as notesToFrame in worker.ts does). */
    newPort: (data: unknown = NOTES_PORT) => {
      const port = new NotesPort();
      fromWorker({ data, ports: [port] });
      return port;
    },
    fromWorker: (data: unknown) => fromWorker({ data, ports: [] }),
    ask: async () => {
      const before = replies.length;
      control.port1.postMessage(NOTES_REQUEST);
      await vi.waitFor(() => expect(replies.length).toBeGreaterThan(before));
      return replies.at(-1) as { type: string; notes: unknown[] };
    },
    replies,
    post: (data: unknown) => control.port1.postMessage(data),
    close() {
      page.port1.close();
      control.port1.close();
    },
  };
}

describe('the frame script', () => {
  it('leaves the notes unread until asked, then gives the latest check and call', async () => {
    const frame = runFrameScript();
    await vi.waitFor(() =>
      expect(frame.replies).toContainEqual({ type: 'origin', origin: 'null' }),
    );
    const port = frame.newPort();
    port.post(note('r', 0));
    port.post(call('r', 'a()'));
    port.post(call('r', 'b()'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(port.started).toBe(false);
    expect(await frame.ask()).toEqual({ type: 'notes', notes: [note('r', 0), call('r', 'b()')] });
    expect(port.started).toBe(true);
    // Control: a new check forgets the last check's call.
    port.post(note('r', 1));
    expect(await frame.ask()).toEqual({ type: 'notes', notes: [note('r', 1), ''] });
    // Anything but text is not a note.
    port.post({ type: 'call' });
    expect((await frame.ask()).notes).toEqual([note('r', 1), '']);
    frame.close();
  });

  it('closes the port a new one replaces, and reads only the new one', async () => {
    const frame = runFrameScript();
    await vi.waitFor(() => expect(frame.replies).toHaveLength(1));
    const first = frame.newPort();
    first.post(note('r', 0));
    const second = frame.newPort();
    expect(first.closed).toBe(true);
    second.post(note('r', 0));
    second.post(call('r', 'c()'));
    expect(await frame.ask()).toEqual({ type: 'notes', notes: [note('r', 0), call('r', 'c()')] });
    expect(first.started).toBe(false);
    // Control: a port sent with any other message is not taken, and the current one stays.
    const stray = frame.newPort('something else');
    expect(second.closed).toBe(false);
    expect(stray.started).toBe(false);
    frame.close();
  });

  it('answers by the drain limit even while notes keep coming', async () => {
    const frame = runFrameScript();
    await vi.waitFor(() => expect(frame.replies).toHaveLength(1));
    const port = frame.newPort();
    port.post(note('r', 0));
    const flood = setInterval(() => port.post(call('r', 'again()')), 1);
    const asked = performance.now();
    const answer = await frame.ask();
    clearInterval(flood);
    expect(answer.notes[0]).toBe(note('r', 0));
    expect(performance.now() - asked).toBeLessThan(NOTES_DRAIN_MS + 400);
    frame.close();
  });

  it('answers only the notes request on its control port', async () => {
    const frame = runFrameScript();
    await vi.waitFor(() => expect(frame.replies).toHaveLength(1));
    frame.newPort().post(note('r', 0));
    frame.post('other');
    frame.post({ type: NOTES_REQUEST });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(frame.replies).toHaveLength(1);
    // Control: the request itself is answered.
    expect(await frame.ask()).toEqual({ type: 'notes', notes: [note('r', 0), ''] });
    // Text from the worker itself is not a note (notes come over the port only).
    frame.fromWorker(note('r', 2));
    expect((await frame.ask()).notes).toEqual([note('r', 0), '']);
    frame.close();
  });
});

/** Starts a framed worker in jsdom and catches the control port the page handed over. */
async function startFramed() {
  const worker = createFrameWorker(async () => new Blob(['code']));
  const frame = document.querySelector('iframe');
  if (!frame?.contentWindow) throw new Error('no frame was added');
  const control = new Promise<MessagePort>((resolve) => {
    (frame.contentWindow as unknown as { postMessage: unknown }).postMessage = (
      _code: unknown,
      _target: string,
      ports: MessagePort[],
    ) => resolve(ports[1]);
  });
  frame.dispatchEvent(new Event('load'));
  return { worker, control: await control };
}

describe('createFrameWorker lastNotes', () => {
  it("asks the frame for its notes and resolves with the frame's answer", async () => {
    const { worker, control } = await startFramed();
    control.onmessage = (event) => {
      if (event.data === NOTES_REQUEST) control.postMessage({ type: 'notes', notes: ['a', 'b'] });
    };
    expect(await worker.lastNotes?.()).toEqual(['a', 'b']);
    worker.terminate();
  });

  it('resolves with no notes when the frame does not answer, or once stopped', async () => {
    const { worker, control } = await startFramed();
    control.onmessage = () => undefined;
    const started = performance.now();
    expect(await worker.lastNotes?.()).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(NOTES_TIMEOUT_MS - 20);
    const pending = worker.lastNotes?.();
    worker.terminate();
    expect(await pending).toEqual([]);
    expect(await worker.lastNotes?.()).toEqual([]);
  });
});
