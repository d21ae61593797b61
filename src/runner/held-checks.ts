/**
 * How a host streams finished checks to the page: held back for the first moments of a run, then
 * one message each.
 *
 * For `holdMs` after a run starts, finished checks are held and reach the page in the `done`
 * report; after that, each check (and any held before it) is sent as it finishes, so a slow run
 * streams and a run the page later cuts short still shows the checks it finished. In Chromium a
 * message per check cost a warm run of lesson 1 about a third of its time in the worker, and
 * the page only shows streamed checks after 100 ms anyway. The price: a run cut short inside the
 * window (an endless loop in one of its first checks) reports the timeout without per-check
 * results.
 */
import type { CheckResult } from './report.ts';

/** An `onCheck` for `runLesson` that sends through `send` once the run is `holdMs` old. */
export function heldChecks(
  send: (index: number, result: CheckResult) => void,
  holdMs: number,
  now: () => number = () => performance.now(),
): (index: number, result: CheckResult) => void {
  const holdUntil = now() + holdMs;
  let held: [number, CheckResult][] = [];
  return (index, result) => {
    held.push([index, result]);
    if (now() < holdUntil) return;
    const due = held;
    held = [];
    for (const [i, r] of due) send(i, r);
  };
}
