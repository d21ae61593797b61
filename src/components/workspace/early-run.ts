/**
 * Run requests made on a prerendered lesson page before the app has taken it over. The page is
 * readable (and its Run button visible) seconds before the main bundle has loaded on a phone; a
 * click on Run, or Ctrl/Cmd+Enter, in that window used to do nothing at all. A tiny inline script
 * (EARLY_RUN_SCRIPT, put in every prerendered page by scripts/vite-prerender.ts) remembers the
 * request and marks the button as waiting; the app stops that script just before it hydrates
 * (React itself replays clicks made during hydration), and the workspace starts the run once it
 * holds the learner's code.
 */

/** What the inline script leaves on `window`. */
interface EarlyRunState {
  /** True until the app takes over. */
  open: boolean;
  /** Whether the learner asked for a run. */
  requested: boolean;
}

const GLOBAL = '__cachelabEarlyRun';

/** Marks a button that was clicked before the app took over (styled as waiting). */
export const QUEUED_ATTRIBUTE = 'data-queued';

/**
 * The inline script's source (plain ES5: it runs before any bundle). Capture listeners, so the
 * request is seen whatever the target; Ctrl/Cmd+Enter is the page-wide run shortcut.
 */
export const EARLY_RUN_SCRIPT = `(function(){var s=window.${GLOBAL}={open:true,requested:false};function q(b){s.requested=true;if(b)b.setAttribute('${QUEUED_ATTRIBUTE}','');}document.addEventListener('click',function(e){if(!s.open||!(e.target instanceof Element))return;var b=e.target.closest('.run-button');if(b)q(b);},true);document.addEventListener('keydown',function(e){if(!s.open||e.key!=='Enter'||!(e.ctrlKey||e.metaKey))return;e.preventDefault();q(document.querySelector('.run-button'));},true);})();`;

let requested = false;

function state(): EarlyRunState | undefined {
  return (globalThis as unknown as Record<string, EarlyRunState | undefined>)[GLOBAL];
}

/** Stops the inline script and keeps what it saw; the app calls this just before it hydrates. */
export function adoptEarlyRun(): void {
  const early = state();
  if (!early) return;
  early.open = false;
  requested ||= early.requested;
}

/** True once if the learner asked for a run before the app took over; clears the request. */
export function takeEarlyRun(): boolean {
  if (!requested) return false;
  requested = false;
  document.querySelector(`[${QUEUED_ATTRIBUTE}]`)?.removeAttribute(QUEUED_ATTRIBUTE);
  return true;
}
