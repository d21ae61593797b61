/**
 * Schedulers on the engine's clock, for blocking-command timeouts.
 *
 * The engine's time may be a fake clock that a check moves with `clock.advance()`. A timeout must
 * then fire when the clock passes its deadline, not when a host timer says so: `clockTimers`
 * keeps its own queue, runs what is due on `runDue()` (the host calls it after advancing), and
 * also arms one host timer for the real time left, since real time moves the clock too. `cancelAll`
 * drops every pending timer, so nothing scheduled by one check can run in the next.
 */
import type { Timers } from './types.ts';

/** Host timer functions (globalThis's by default). */
export interface HostTimers {
  /** setTimeout. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** clearTimeout. */
  clearTimeout(handle: unknown): void;
}

/** Timers on a clock that can jump forward. */
export interface ClockTimers extends Timers {
  /** Runs every timer whose time has come (call after moving the clock). */
  runDue(): void;
  /** Cancels every pending timer. */
  cancelAll(): void;
  /** Number of pending timers. */
  pending(): number;
}

function defaultHost(): HostTimers {
  return {
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}

/** Creates timers driven by `now` (the engine clock) and, for real elapsed time, host timers. */
export function clockTimers(now: () => number, host: HostTimers = defaultHost()): ClockTimers {
  let seq = 0;
  const queue = new Map<number, { at: number; fn: () => void; handle: unknown }>();

  const runDue = () => {
    const due = [...queue.entries()]
      .filter(([, t]) => t.at <= now())
      .sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
    for (const [id, t] of due) {
      if (!queue.delete(id)) continue;
      host.clearTimeout(t.handle);
      t.fn();
    }
  };

  const arm = (id: number) => {
    const t = queue.get(id);
    if (!t) return;
    // Host timers cap at 2^31-1 ms; re-arm until the engine clock says the time has come.
    const delay = Math.min(Math.max(0, t.at - now()), 2 ** 31 - 1);
    t.handle = host.setTimeout(() => {
      if (!queue.has(id)) return;
      if (now() >= t.at) runDue();
      else arm(id);
    }, delay);
  };

  return {
    at(epochMs, fn) {
      const id = ++seq;
      queue.set(id, { at: epochMs, fn, handle: undefined });
      arm(id);
      return () => {
        const t = queue.get(id);
        if (!t) return;
        host.clearTimeout(t.handle);
        queue.delete(id);
      };
    },
    runDue,
    cancelAll() {
      for (const t of queue.values()) host.clearTimeout(t.handle);
      queue.clear();
    },
    pending: () => queue.size,
  };
}
