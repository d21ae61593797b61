/**
 * Clicks made on a prerendered lesson page before the app has taken it over. The page is
 * readable (its Run button, tabs and "Try it" buttons visible) seconds before the main bundle has
 * loaded on a phone, and a click in that window used to do nothing at all. A tiny inline script
 * (EARLY_RUN_SCRIPT, put in every prerendered page by scripts/vite-prerender.ts) listens until
 * the app stops it, just before it hydrates (React itself replays clicks made during hydration):
 * - a Run (a click on Run, or Ctrl/Cmd+Enter anywhere) is remembered and the button marked as
 *   waiting; the workspace starts the run once it holds the learner's code (takeEarlyRun);
 * - the last click on any other button or tab of the page is clicked again once the app is live
 *   (replayEarlyClick), so a tab opens and a "Try it" runs. Not buttons the browser already
 *   handles without the app (`popovertarget`: the Lessons menu, the keyboard help; a second
 *   click would close them again), nor the theme toggle (src/hooks/use-theme.ts has its own).
 */

/** What the inline script leaves on `window`. */
interface EarlyRunState {
  /** True until the app takes over. */
  open: boolean;
  /** Whether the learner asked for a run. */
  requested: boolean;
  /** The last other button or tab clicked, to click again once the app is live. */
  clicked: Element | null;
}

const GLOBAL = '__cachelabEarlyRun';

/** Marks a button that was clicked before the app took over (styled as waiting). */
export const QUEUED_ATTRIBUTE = 'data-queued';

/** What a click before the app took over is replayed on (closest to the clicked element). */
const REPLAYED = 'button, [role="tab"]';
/** …except these, which work without the app or have an early script of their own. */
const NOT_REPLAYED = '[popovertarget], .theme-toggle, [disabled]';

/**
 * The inline script's source (plain ES5: it runs before any bundle). Capture listeners, so the
 * request is seen whatever the target; Ctrl/Cmd+Enter is the page-wide run shortcut.
 */
export const EARLY_RUN_SCRIPT = `(function(){var s=window.${GLOBAL}={open:true,requested:false,clicked:null};function q(b){s.requested=true;if(b)b.setAttribute('${QUEUED_ATTRIBUTE}','');}document.addEventListener('click',function(e){if(!s.open||!(e.target instanceof Element))return;var b=e.target.closest('.run-button');if(b){q(b);return;}var c=e.target.closest('${REPLAYED}');if(c&&c.closest('#root')&&!c.closest('${NOT_REPLAYED}'))s.clicked=c;},true);document.addEventListener('keydown',function(e){if(!s.open||e.key!=='Enter'||!(e.ctrlKey||e.metaKey))return;e.preventDefault();q(document.querySelector('.run-button'));},true);})();`;

let requested = false;
let clicked: Element | null = null;

function state(): EarlyRunState | undefined {
  return (globalThis as unknown as Record<string, EarlyRunState | undefined>)[GLOBAL];
}

/** Stops the inline script and keeps what it saw; the app calls this just before it hydrates. */
export function adoptEarlyRun(): void {
  const early = state();
  if (!early) return;
  early.open = false;
  requested ||= early.requested;
  clicked = early.clicked;
  early.clicked = null;
}

/**
 * Clicks again, once, the button or tab clicked before the app took over (if it is still on the
 * page); the app calls this once it is live, when its handlers are attached.
 */
export function replayEarlyClick(): void {
  const target = clicked;
  clicked = null;
  if (target instanceof HTMLElement && target.isConnected) target.click();
}

/** True once if the learner asked for a run before the app took over; clears the request. */
export function takeEarlyRun(): boolean {
  if (!requested) return false;
  requested = false;
  document.querySelector(`[${QUEUED_ATTRIBUTE}]`)?.removeAttribute(QUEUED_ATTRIBUTE);
  return true;
}
