/**
 * The document of the runner's isolation unit: a sandboxed iframe (`sandbox="allow-scripts"`,
 * so an opaque origin) that hosts exactly one runner worker, and nothing else.
 *
 * Why a frame: a builtin such as `Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, x)` never
 * reaches V8's interrupt check, so `worker.terminate()` returns while the thread spins on. Chromium
 * puts sandboxed frames in a renderer process of their own (IsolateSandboxedIframes), and removing
 * the last frame of that process ends the process, spinning thread included: measured in
 * Chromium 156, the thread is gone 120-490 ms after `iframe.remove()`, and a frame created right
 * after lands in a new process. Browsers that keep sandboxed frames in the page's process
 * (Firefox, Safari today) still run the worker off the page's main thread, exactly as before:
 * nothing gets worse there, only the CPU of such a builtin is not given back.
 *
 * The document is an `srcdoc` written here, not a file the server must serve with the right
 * header: its Content-Security-Policy is a `<meta>` element, so no static host can forget it. A
 * worker created from a `blob:` URL inherits its creator's policy, so this policy is the one the
 * runner worker obeys: no fetch, XHR, WebSocket, EventSource, importScripts or URL workers.
 *
 * Hand-over (measured): a *module* worker from a `blob:` URL fails to load in an opaque origin,
 * while a classic one loads and may `import()` a `blob:` module. So the frame starts a classic
 * bootstrap worker, passes it the runner bundle (a Blob the page fetched, same-origin, and sent
 * here) and a MessagePort; the bootstrap imports the bundle and hands the port on. The page then
 * talks to the worker over that port directly: no relay hop through the frame.
 */

import { CHECK_START_PREFIX } from '../protocol.ts';

/** The worker's `name`; worker.ts reads it to know its messages go over a handed-over port. */
export const FRAME_WORKER_NAME = 'cachelab-runner-port';

/**
 * The classic worker that starts the runner bundle: it imports the Blob it receives, then
 * dispatches a `connect` event carrying the page's port, which worker.ts listens for. A failed
 * import is rethrown from a timer, so it reaches the frame as the worker's `error` event.
 */
export const FRAME_BOOTSTRAP =
  "onmessage=(e)=>{onmessage=null;import(URL.createObjectURL(new Blob([e.data],{type:'text/javascript'})))" +
  ".then(()=>dispatchEvent(new MessageEvent('message',{data:'connect',ports:e.ports})),(error)=>setTimeout(()=>{throw error}))}";

/** What the page posts on the control port to get the worker's latest progress notes. */
export const NOTES_REQUEST = 'notes';

/** What the worker posts to its frame with a new port for its progress notes. */
export const NOTES_PORT = 'notes-port';
/** Notes per port: a port the worker replaces holds at most this many unread notes. */
export const NOTES_PER_PORT = 500;
/**
 * The frame answers once no note has arrived for this long, counted from the first note it reads
 * after the page asked: queued notes are dispatched as tasks of their own, which a busy thread
 * may run after a due timer, so the wait starts only once they have begun to arrive.
 */
export const NOTES_QUIET_MS = 20;
/** ...and at the latest this long after the page asked (also the answer when nothing is queued). */
export const NOTES_DRAIN_MS = 200;

/**
 * The frame's only script. It takes one message, from its parent only: the runner bundle and two
 * ports (one for the worker, one for this frame's own reports: its origin, which proves the
 * sandbox took effect, and the worker's uncaught errors, clipped to the boundary's message cap).
 * `preventDefault` keeps the worker's errors off the console; the page reports them.
 *
 * The worker's progress notes (`checkStart`, `call`: JSON text, `type` first) come to this frame,
 * in the worker's own process, rather than to the page: one per check and per learner call, each
 * crossing to the page's process cost the run more than the call it announced. They come over a
 * MessagePort the worker hands the frame (NOTES_PORT), which the frame leaves unstarted: the
 * notes queue there, and no note wakes this frame (measured 2026-11-30, a note posted to the
 * frame itself, waking it each time, cost the worker's warm run of lesson 1 1–2 ms in all). When
 * the page asks (NOTES_REQUEST), which it does only when a run times out, the frame starts the
 * port, keeps the latest check and the latest call as text it never parses, and answers once the
 * notes have stopped for NOTES_QUIET_MS (at most NOTES_DRAIN_MS after the request). The worker
 * starts a new port every NOTES_PER_PORT notes, repeating the check it is in, so a long run never
 * queues more than that; the frame closes the port it replaces. This thread is not the worker's,
 * so it answers while the worker spins.
 */
export const FRAME_SCRIPT =
  'onmessage=(e)=>{if(e.source!==parent||!(e.data instanceof Blob)||e.ports.length!==2)return;onmessage=null;' +
  'const[port,control]=e.ports;control.postMessage({type:"origin",origin:self.origin});' +
  `const w=new Worker(URL.createObjectURL(new Blob([${JSON.stringify(FRAME_BOOTSTRAP)}],{type:"text/javascript"})),{name:${JSON.stringify(FRAME_WORKER_NAME)}});` +
  'w.onerror=(x)=>{x.preventDefault();control.postMessage({type:"error",message:String(x.message||"").slice(0,4096)})};' +
  'let s="",c="",p,q,d;' +
  `w.onmessage=(x)=>{if(x.data===${JSON.stringify(NOTES_PORT)}&&x.ports[0]){if(p)p.close();p=x.ports[0]}};` +
  `const k=(x)=>{const t=typeof x.data==="string"?x.data.slice(0,32768):"";if(t.startsWith(${JSON.stringify(CHECK_START_PREFIX)})){s=t;c=""}else c=t;clearTimeout(q);q=setTimeout(a,${NOTES_QUIET_MS})};` +
  'const a=()=>{clearTimeout(q);clearTimeout(d);control.postMessage({type:"notes",notes:[s,c]})};' +
  `control.onmessage=(x)=>{if(x.data!==${JSON.stringify(NOTES_REQUEST)})return;if(p)p.onmessage=k;clearTimeout(q);clearTimeout(d);d=setTimeout(a,${NOTES_DRAIN_MS})};` +
  'w.postMessage(e.data,[port])}';

/**
 * SHA-256 of FRAME_SCRIPT (base64): the policy allows that one inline script and no other.
 * tests/runner-browser/runner-frame-document.test.ts recomputes it, so an edit of the script that
 * forgets the hash fails there, not silently in the browser.
 */
export const FRAME_SCRIPT_SHA256 = 'HR5CRW+Y5GKxqkTyPPCKSjlIgKB8l7byq5B+MJXwbGI=';

/**
 * The frame's Content-Security-Policy, inherited by its blob workers. `blob:` in script-src is
 * what lets the frame start its worker and the worker import its bundle; every network fetch
 * stays 'none'. `'unsafe-eval'` is what SES's `Compartment.evaluate` needs.
 */
export const RUNNER_FRAME_POLICY = `default-src 'none'; script-src 'sha256-${FRAME_SCRIPT_SHA256}' 'unsafe-eval' blob:`;

/** The `srcdoc` of a runner frame: the policy first, so it governs the script after it. */
export const RUNNER_FRAME_DOCUMENT =
  `<!doctype html><meta http-equiv="Content-Security-Policy" content="${RUNNER_FRAME_POLICY}">` +
  `<script>${FRAME_SCRIPT}</script>`;

/** The value of the iframe's `sandbox` attribute: scripts, and nothing else (no same-origin). */
export const RUNNER_FRAME_SANDBOX = 'allow-scripts';
