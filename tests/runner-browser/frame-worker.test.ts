// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createFrameWorker,
  runnerCodeLoader,
  UNSANDBOXED_FRAME_MESSAGE,
} from '../../src/runner/browser/frame-worker.ts';
import {
  RUNNER_FRAME_DOCUMENT,
  RUNNER_FRAME_SANDBOX,
} from '../../src/runner/browser/runner-frame-document.ts';

/** The frame's side of a started worker: what the page handed over on load. */
interface HandOver {
  code: unknown;
  port: MessagePort;
  control: MessagePort;
}

/** Makes a framed worker and, once its frame "loads", catches what the page hands over. */
async function startFramed(loadCode: () => Promise<Blob> = async () => new Blob(['code'])) {
  const worker = createFrameWorker(loadCode);
  const frame = document.querySelector('iframe');
  if (!frame?.contentWindow) throw new Error('no frame was added');
  const handOver = new Promise<HandOver>((resolve) => {
    (frame.contentWindow as unknown as { postMessage: unknown }).postMessage = (
      code: unknown,
      _target: string,
      [port, control]: MessagePort[],
    ) => resolve({ code, port, control });
  });
  const errors: string[] = [];
  worker.addEventListener('error', (event) => errors.push((event as ErrorEvent).message));
  frame.dispatchEvent(new Event('load'));
  return { worker, frame, handOver, errors };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

afterEach(() => {
  document.body.replaceChildren();
});

describe('createFrameWorker', () => {
  it('adds one sandboxed frame that holds the runner document, and removes it on terminate', async () => {
    const { worker, frame } = await startFramed();
    expect(frame.getAttribute('sandbox')).toBe(RUNNER_FRAME_SANDBOX);
    expect(frame.getAttribute('srcdoc')).toBe(RUNNER_FRAME_DOCUMENT);
    expect(frame.title).toBe('Code runner');
    expect(document.querySelectorAll('iframe')).toHaveLength(1);
    worker.terminate();
    worker.terminate();
    expect(document.querySelectorAll('iframe')).toHaveLength(0);
  });

  it('hands the bundle and two ports to the frame, and carries messages both ways on the port', async () => {
    const bundle = new Blob(['the bundle']);
    const { worker, handOver } = await startFramed(async () => bundle);
    const { code, port } = await handOver;
    expect(code).toBe(bundle);
    const received: unknown[] = [];
    worker.addEventListener('message', (event) => received.push(event.data));
    port.onmessage = (event) => port.postMessage(`echo ${JSON.stringify(event.data)}`);
    worker.postMessage({ type: 'ping', id: 1 });
    await vi.waitFor(() => expect(received).toEqual(['echo {"type":"ping","id":1}']));
    port.close();
    worker.terminate();
  });

  it('fails when the frame reports a real origin (no sandbox), and not for an opaque one (control)', async () => {
    const sandboxed = await startFramed();
    const { control } = await sandboxed.handOver;
    control.postMessage({ type: 'origin', origin: 'null' });
    control.postMessage({ type: 'error', message: 'marker' });
    await vi.waitFor(() => expect(sandboxed.errors).toEqual(['marker']));
    sandboxed.worker.terminate();

    const open = await startFramed();
    (await open.handOver).control.postMessage({ type: 'origin', origin: 'http://127.0.0.1:4173' });
    await vi.waitFor(() => expect(open.errors).toEqual([UNSANDBOXED_FRAME_MESSAGE]));
    open.worker.terminate();
  });

  it("passes the worker's uncaught errors on, clipped, and ignores reports of any other shape", async () => {
    const { worker, handOver, errors } = await startFramed();
    const { control } = await handOver;
    control.postMessage({ type: 'error', message: 'Uncaught RangeError: Invalid array length' });
    control.postMessage({ type: 'error', message: 42 });
    control.postMessage({ type: 'error', message: 'x'.repeat(100_000) });
    control.postMessage('error');
    control.postMessage({ type: 'error', message: 'last' });
    await vi.waitFor(() => expect(errors.at(-1)).toBe('last'));
    expect(errors).toEqual(['Uncaught RangeError: Invalid array length', 'x'.repeat(4096), 'last']);
    worker.terminate();
  });

  it('fails when the bundle cannot be loaded, and says nothing once terminated', async () => {
    const failing = await startFramed(async () => {
      throw new Error('HTTP 404');
    });
    await tick();
    expect(failing.errors).toEqual(['the runner could not be loaded: Error: HTTP 404']);
    failing.worker.terminate();

    let reject!: (error: Error) => void;
    const late = new Promise<Blob>((_resolve, rejectLate) => (reject = rejectLate));
    const stopped = await startFramed(() => late);
    stopped.worker.terminate();
    reject(new Error('HTTP 404'));
    await tick();
    expect(stopped.errors).toEqual([]);
  });
});

describe('runnerCodeLoader', () => {
  it('fetches once for every frame, and again after a failure', async () => {
    let calls = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => {
      calls += 1;
      return calls === 1
        ? new Response('nope', { status: 503 })
        : new Response('bundle', { status: 200 });
    }) as typeof fetch;
    try {
      const load = runnerCodeLoader('http://localhost/assets/runner-worker.js');
      await expect(load()).rejects.toThrow('HTTP 503');
      const first = await load();
      expect(await load()).toBe(first);
      expect(first.type).toBe('text/javascript');
      expect(calls).toBe(2);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
