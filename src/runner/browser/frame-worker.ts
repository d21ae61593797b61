/**
 * A runner worker in a sandboxed frame of its own, as a `WorkerLike` for the runner client: the
 * isolation unit whose CPU can really be taken back (see runner-frame-document.ts for why and for
 * what was measured). `terminate()` removes the frame, which ends its renderer process and so any
 * thread that a builtin keeps spinning past `worker.terminate()`.
 *
 * The page and the worker talk over a MessagePort handed to the worker, so a run costs no more
 * hops than a worker on the page. The worker's progress notes stop at the frame, which hands the
 * latest over only when the page asks after a timeout (`lastNotes`). Each frame hosts one worker:
 * sandboxed frames of one site share a process in Chromium, so the runner client takes every
 * frame down together when it recycles one (runner-client.ts).
 */
import { BOUNDARY_LIMITS } from '../limits.ts';
import type { ToWorker } from '../protocol.ts';
import type { WorkerLike } from './runner-client.ts';
import {
  NOTES_REQUEST,
  RUNNER_FRAME_DOCUMENT,
  RUNNER_FRAME_SANDBOX,
} from './runner-frame-document.ts';

/** What the frame's own script reports on its control port. */
type FrameReport =
  | { type: 'origin'; origin: string }
  | { type: 'error'; message: string }
  | { type: 'notes'; notes: unknown[] };

function isFrameReport(data: unknown): data is FrameReport {
  if (typeof data !== 'object' || data === null) return false;
  const report = data as Record<string, unknown>;
  return (
    (report.type === 'origin' && typeof report.origin === 'string') ||
    (report.type === 'error' && typeof report.message === 'string') ||
    (report.type === 'notes' && Array.isArray(report.notes))
  );
}

/**
 * How long the page waits for the frame's notes after a timeout. The frame's thread is not the
 * spinning worker's and answers within a millisecond; this only bounds a frame that never does.
 */
export const NOTES_TIMEOUT_MS = 500;

/** The message a frame that is not sandboxed gets: the runner refuses to use it. */
export const UNSANDBOXED_FRAME_MESSAGE =
  "The runner's frame did not get an opaque origin, so its sandbox is not in force; the runner " +
  'refuses to run learner code in it.';

/**
 * Starts a worker in a new sandboxed frame under `host`. `loadCode` gives the runner bundle (one
 * self-contained ES module); the frame turns it into a blob worker that obeys the frame's policy.
 */
export function createFrameWorker(
  loadCode: () => Promise<Blob>,
  host: HTMLElement = document.body,
): WorkerLike {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', RUNNER_FRAME_SANDBOX);
  frame.title = 'Code runner';
  frame.tabIndex = -1;
  frame.setAttribute('aria-hidden', 'true');
  // Out of sight and out of layout, but not display:none, which lets Chromium throttle a
  // cross-origin frame as hidden.
  frame.style.cssText =
    'position:fixed;left:-10px;top:-10px;width:1px;height:1px;border:0;opacity:0;pointer-events:none';
  frame.srcdoc = RUNNER_FRAME_DOCUMENT;

  const channel = new MessageChannel();
  const control = new MessageChannel();
  const errorListeners: ((event: Event) => void)[] = [];
  /** Callers waiting for the frame's notes; one answer serves them all. */
  let notesWaiting: ((notes: unknown[]) => void)[] = [];
  let stopped = false;

  const fail = (message: string) => {
    if (stopped) return;
    // The frame clips too; this side does not trust it to.
    const event = new ErrorEvent('error', {
      message: message.slice(0, BOUNDARY_LIMITS.messageChars),
    });
    for (const listener of [...errorListeners]) listener(event);
  };

  control.port1.onmessage = (event: MessageEvent) => {
    if (!isFrameReport(event.data)) return;
    if (event.data.type === 'origin') {
      // Only an opaque origin proves `sandbox` without allow-same-origin is in force.
      if (event.data.origin !== 'null') fail(UNSANDBOXED_FRAME_MESSAGE);
    } else if (event.data.type === 'notes') {
      const notes = event.data.notes;
      for (const resolve of notesWaiting.splice(0)) resolve(notes);
    } else {
      fail(event.data.message || 'the worker stopped unexpectedly');
    }
  };

  frame.addEventListener(
    'load',
    () => {
      loadCode().then(
        (code) => {
          // The frame's origin is opaque, so '*' is the only target that reaches it; the bundle
          // is public, and the ports lead only to this page.
          if (!stopped) frame.contentWindow?.postMessage(code, '*', [channel.port2, control.port2]);
        },
        (error: unknown) => fail(`the runner could not be loaded: ${String(error)}`),
      );
    },
    { once: true },
  );
  host.append(frame);

  return {
    postMessage: (message: ToWorker) => channel.port1.postMessage(message),
    lastNotes() {
      if (stopped) return Promise.resolve([]);
      return new Promise<unknown[]>((resolve) => {
        const timer = setTimeout(() => {
          notesWaiting = notesWaiting.filter((waiting) => waiting !== answer);
          resolve([]);
        }, NOTES_TIMEOUT_MS);
        const answer = (notes: unknown[]) => {
          clearTimeout(timer);
          resolve(notes);
        };
        notesWaiting.push(answer);
        control.port1.postMessage(NOTES_REQUEST);
      });
    },
    terminate() {
      if (stopped) return;
      stopped = true;
      frame.remove();
      channel.port1.close();
      control.port1.close();
      for (const resolve of notesWaiting.splice(0)) resolve([]);
    },
    addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: never) => void) {
      if (type === 'error') {
        errorListeners.push(listener as (event: Event) => void);
      } else {
        channel.port1.addEventListener(type, listener as (event: MessageEvent) => void);
        channel.port1.start();
      }
    },
  } as WorkerLike;
}

/** Fetches the runner bundle once per page; every frame gets the same Blob. */
export function runnerCodeLoader(url: string | URL): () => Promise<Blob> {
  let code: Promise<Blob> | undefined;
  return () => {
    code ??= fetch(url).then(async (response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return new Blob([await response.blob()], { type: 'text/javascript' });
    });
    // A failed download is not cached: the next worker tries again.
    code.catch(() => {
      code = undefined;
    });
    return code;
  };
}
