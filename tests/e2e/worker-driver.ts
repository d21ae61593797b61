/**
 * Drives the built runner worker from inside a page, speaking the protocol directly, so the
 * sandbox can be tested before (and independently of) the workspace UI. The page must be on the
 * app's origin; the worker URL comes from dist/ (see builtWorkerPath).
 *
 * By default the worker runs where a built app runs it: a blob worker in a sandboxed frame of its
 * own, made from the production frame document (src/runner/browser/runner-frame-document.ts) and
 * spoken to over the handed-over port. `host: 'page'` starts it as a module worker on the page
 * itself, the way the dev server (and the runner before the frame) does, for controls.
 */
import type { Page } from 'playwright-core';
import type { RunReport } from '../../src/runner/report.ts';
import {
  RUNNER_FRAME_DOCUMENT,
  RUNNER_FRAME_SANDBOX,
} from '../../src/runner/browser/runner-frame-document.ts';

/** What one run looked like from the page. */
export interface DrivenRun {
  /** The report, or undefined when the driver gave up (timedOut). */
  report?: RunReport;
  /** True when the run hit the hard timeout and the worker was terminated. */
  timedOut: boolean;
  /** Wall-clock ms from posting the run to the verdict. */
  elapsedMs: number;
  /** Messages from the worker that did not belong to this run (forged or stale). */
  strayMessages: unknown[];
  /** Check messages received for this run, in order. */
  checkMessages: number;
  /** Largest gap between page timer ticks during the run: the page's responsiveness. */
  maxPageGapMs: number;
}

/**
 * The page's proof of the worker's security header, as runner-client.ts does it: a same-origin
 * HEAD request for the worker script, whose policy the caller checks (csp-check.ts).
 */
export function workerCspHeader(page: Page, workerPath: string): Promise<string | null> {
  return page.evaluate(async (url) => {
    const response = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    return response.headers.get('content-security-policy');
  }, workerPath);
}

/** Outcome of starting a worker. */
export type WorkerStart =
  | { type: 'ready'; startupMs: number; pageMs: number }
  | { type: 'fatal'; message: string }
  | { type: 'error'; message: string };

/** Where the driven worker runs. */
export type WorkerHost = 'frame' | 'page';

/** The part of a worker the driver uses; a framed worker is a frame plus a port. */
interface DrivenWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: { message: string }) => void): void;
}

interface DriverWindow {
  __runner?: {
    worker?: DrivenWorker;
    /** The origin the framed worker's frame reported ("null" when the sandbox holds). */
    frameOrigin?: string;
    listeners: ((data: unknown) => void)[];
  };
}

/** The origin the current framed worker's frame reported, once it has. */
export function frameOrigin(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (window as unknown as DriverWindow).__runner?.frameOrigin);
}

/** Creates a fresh worker from `workerPath` and waits for ready, fatal or an error. */
export function startWorker(
  page: Page,
  workerPath: string,
  host: WorkerHost = 'frame',
): Promise<WorkerStart> {
  const frame = { document: RUNNER_FRAME_DOCUMENT, sandbox: RUNNER_FRAME_SANDBOX };
  return page.evaluate(
    async ({ url, host, frame }) => {
      const w = window as unknown as DriverWindow;
      w.__runner?.worker?.terminate();
      const state: NonNullable<DriverWindow['__runner']> = { listeners: [] };
      w.__runner = state;
      const begin = performance.now();
      let worker: DrivenWorker;
      if (host === 'page') {
        worker = new Worker(url, { type: 'module' });
      } else {
        // As frame-worker.ts does it: the bundle as a Blob, two ports, one sandboxed frame.
        const code = new Blob([await (await fetch(url)).blob()], { type: 'text/javascript' });
        const element = document.createElement('iframe');
        element.setAttribute('sandbox', frame.sandbox);
        element.srcdoc = frame.document;
        const channel = new MessageChannel();
        const control = new MessageChannel();
        const errors: ((event: { message: string }) => void)[] = [];
        control.port1.onmessage = (event: MessageEvent) => {
          const data = event.data as { type?: string; origin?: string; message?: string };
          if (data?.type === 'origin') state.frameOrigin = String(data.origin);
          if (data?.type === 'error') for (const l of errors) l({ message: String(data.message) });
        };
        element.addEventListener('load', () =>
          element.contentWindow?.postMessage(code, '*', [channel.port2, control.port2]),
        );
        document.body.append(element);
        worker = {
          postMessage: (message) => channel.port1.postMessage(message),
          terminate() {
            element.remove();
            channel.port1.close();
            control.port1.close();
          },
          addEventListener(type: string, listener: (event: never) => void) {
            if (type === 'error') {
              errors.push(listener as (event: { message: string }) => void);
            } else {
              channel.port1.addEventListener('message', listener as (event: MessageEvent) => void);
              channel.port1.start();
            }
          },
        } as DrivenWorker;
      }
      state.worker = worker;
      worker.addEventListener('message', (event) => {
        // The worker loop posts JSON text (so a host can cap a message before parsing it).
        let data: unknown = event.data;
        if (typeof data === 'string') {
          try {
            data = JSON.parse(data);
          } catch {
            // Left as text: a stray message.
          }
        }
        for (const listener of [...state.listeners]) listener(data);
      });
      return new Promise<WorkerStart>((resolve) => {
        const timer = setTimeout(
          () => resolve({ type: 'error', message: 'no answer in 20 s' }),
          20_000,
        );
        worker.addEventListener('error', (event) => {
          clearTimeout(timer);
          resolve({ type: 'error', message: event.message || 'worker error' });
        });
        state.listeners.push((data) => {
          const message = data as { type?: string; startupMs?: number; message?: string };
          if (message.type === 'ready') {
            clearTimeout(timer);
            resolve({
              type: 'ready',
              startupMs: Number(message.startupMs),
              pageMs: performance.now() - begin,
            });
          } else if (message.type === 'fatal') {
            clearTimeout(timer);
            resolve({ type: 'fatal', message: String(message.message) });
          }
        });
      });
    },
    { url: workerPath, host, frame },
  );
}

/** Posts one run and waits for its `done`, or terminates the worker after `timeoutMs` like the real client does. */
export function driveRun(
  page: Page,
  run: { lesson: string; source: string; timeoutMs?: number },
): Promise<DrivenRun> {
  return page.evaluate(
    ({ lesson, source, timeoutMs }) => {
      const state = (window as unknown as DriverWindow).__runner;
      const worker = state?.worker;
      if (!state || !worker) throw new Error('startWorker first');
      const runId = `e2e-${crypto.randomUUID()}`;
      const stray: unknown[] = [];
      let checkMessages = 0;
      let lastTick = performance.now();
      let maxGap = 0;
      const ticker = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - lastTick);
        lastTick = now;
      }, 10);
      const begin = performance.now();
      return new Promise<DrivenRun>((resolve) => {
        const finish = (
          result: Omit<DrivenRun, 'elapsedMs' | 'strayMessages' | 'checkMessages' | 'maxPageGapMs'>,
        ) => {
          clearInterval(ticker);
          clearTimeout(timer);
          state.listeners = state.listeners.filter((l) => l !== listener);
          resolve({
            ...result,
            elapsedMs: performance.now() - begin,
            strayMessages: stray,
            checkMessages,
            maxPageGapMs: maxGap,
          });
        };
        const listener = (data: unknown) => {
          const message = data as { type?: string; runId?: string; report?: RunReport };
          if (message?.runId !== runId) {
            stray.push(data);
          } else if (message.type === 'check') {
            checkMessages += 1;
          } else if (
            message.type === 'accepted' ||
            message.type === 'started' ||
            message.type === 'checkStart' ||
            message.type === 'call'
          ) {
            // Progress of this run: the acknowledgement, and what is running now.
          } else if (message.type === 'done') {
            finish({ report: message.report, timedOut: false });
          } else {
            stray.push(data);
          }
        };
        state.listeners.push(listener);
        const timer = setTimeout(() => {
          worker.terminate();
          state.worker = undefined;
          finish({ timedOut: true });
        }, timeoutMs);
        worker.postMessage({ type: 'run', runId, lesson, source });
      });
    },
    { timeoutMs: 3000, ...run },
  );
}
