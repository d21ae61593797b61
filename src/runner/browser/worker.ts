/**
 * The browser host of the runner: a Web Worker. It only wires the shared worker loop
 * (../worker-loop.ts) to a message channel, with ioredis-mock as the backend and the lessons'
 * checks from the bundle. Learner code runs inside the core's Compartment and never sees this
 * module's scope, `self`, the port or `postMessage`.
 *
 * Two ways in. A built app runs this bundle in a sandboxed frame's blob worker
 * (runner-frame-document.ts), named FRAME_WORKER_NAME: there the page's messages come over a
 * MessagePort that the frame's bootstrap hands over in a `connect` event, and what the loop says
 * before that waits, and its progress notes go to the frame, over ports it hands the frame
 * (`notesToFrame`). The dev server loads it as a module worker from its URL, talking over `self`.
 *
 * The policy (no network at all) is proved by the page before it trusts this worker
 * (csp-check.ts): any probe from in here that the policy refuses is also logged to the console,
 * on every page load.
 */
// First: the shim, ioredis-mock and lockdown, before the runner modules evaluate.
import { RedisMock } from './worker-realm.ts';
import type { CheckSuite } from '../checks-api.ts';
import { mockBackend } from '../redis-backend.ts';
import { startWorkerLoop } from '../worker-loop.ts';
import { CHECK_START_PREFIX } from '../protocol.ts';
import { FRAME_WORKER_NAME, NOTES_PER_PORT, NOTES_PORT } from './runner-frame-document.ts';

/** The parts of DedicatedWorkerGlobalScope this entry uses (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  name: string;
  postMessage(message: string, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const viaPort = scope.name === FRAME_WORKER_NAME;
/** The page's port once handed over; until then the loop's messages wait in `early`. */
let portPost: ((message: string) => void) | undefined;
const early: string[] = [];

/** Checks of every lesson, loaded on first use. Keys look like "/lessons/01-slug/checks.ts". */
const checkModules = import.meta.glob<{ default: CheckSuite<unknown> }>('/lessons/*/checks.ts');
const checksBySlug = new Map<string, () => Promise<{ default: CheckSuite<unknown> }>>();
for (const [file, load] of Object.entries(checkModules)) {
  const slug = /^\/lessons\/\d+-([^/]+)\/checks\.ts$/.exec(file)?.[1];
  if (slug) checksBySlug.set(slug, load);
}

/**
 * Progress notes for the frame: into a port the frame keeps unstarted and reads only when a run
 * times out (runner-frame-document.ts), so no note wakes the frame. Every NOTES_PER_PORT notes the
 * frame gets a new port, which starts with the check this worker is in, and closes the old one.
 */
function notesToFrame(): (text: string) => void {
  let port: MessagePort | undefined;
  let sent = 0;
  let checkStart = '';
  return (text) => {
    const isStart = text.startsWith(CHECK_START_PREFIX);
    if (isStart) checkStart = text;
    if (!port || sent >= NOTES_PER_PORT) {
      const channel = new MessageChannel();
      port?.close();
      port = channel.port1;
      sent = 0;
      scope.postMessage(NOTES_PORT, [channel.port2]);
      if (checkStart && !isStart) {
        port.postMessage(checkStart);
        sent += 1;
      }
    }
    port.postMessage(text);
    sent += 1;
  };
}

const loop = startWorkerLoop({
  // Bound now (the port's at hand-over, which comes before any run), before any learner code
  // exists; nothing learner code can reach refers to either.
  post: viaPort
    ? (text) => {
        if (portPost) portPost(text);
        else early.push(text);
      }
    : scope.postMessage.bind(scope),
  // In a frame, progress notes go to the frame, in this process, not over the port to the page:
  // a run sends one per check and per learner call, and each crossing to the page's process cost
  // the run more than the call itself. The frame keeps them unread and gives the latest to the
  // page when a run times out, so the report still names the check and call that hung.
  ...(viaPort ? { postNote: notesToFrame() } : {}),
  backend: mockBackend(RedisMock),
  async loadSuite(slug) {
    const load = checksBySlug.get(slug);
    return load ? (await load()).default : undefined;
  },
  // The page enforces the whole-run hard timeout by terminating this worker.
  checkTimeoutMs: 1000,
  // Checks finished this early in a run ride in its `done` report (see held-checks.ts).
  holdChecksMs: 20,
  // Counts from the worker's creation: download, parse, imports, lockdown and the warm-up.
  uptimeMs: () => performance.now(),
});

if (viaPort) {
  scope.addEventListener('message', (event) => {
    const port = event.ports[0];
    if (portPost || event.data !== 'connect' || !port) return;
    portPost = port.postMessage.bind(port);
    port.addEventListener('message', (message) => loop.receive(message.data));
    port.start();
    for (const text of early.splice(0)) portPost(text);
  });
} else {
  scope.addEventListener('message', (event) => loop.receive(event.data));
}
