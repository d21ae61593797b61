/**
 * Locks down the realm the runner lives in (a browser Worker or a Node worker thread), once.
 *
 * Call order matters: the host imports ioredis-mock (and, in the browser, its shim) first, then
 * calls `hardenRealm()`. Before `lockdown()` freezes the intrinsics we swap `Date.now` for a
 * version that adds a host-controlled offset, so ioredis-mock's lazy expiry and the learner's
 * clock both follow `clock.advance()`. The offset lives in a closure that only this module (and
 * the controller it parks under a registered symbol) can move; learner code gets neither.
 */
import 'ses';

/** The realm's time source, shared by ioredis-mock's expiry checks and the learner-visible Date. */
export interface RealmClock {
  /** `Date.now()`: real time plus the offset. */
  now(): number;
  /** Total milliseconds that `advance` has added since the realm started. */
  offset(): number;
  /** Moves the realm's time forward. Never backwards: a run may have captured earlier times. */
  advance(ms: number): void;
}

// A registered symbol, so two copies of this module (e.g. re-imported by a test runner) share
// one controller; the patched Date.now can only close over one offset.
const CLOCK_KEY = Symbol.for('cachelab.realmClock');

type ClockHolder = { [CLOCK_KEY]?: RealmClock };

function installClock(): RealmClock {
  const holder = globalThis as ClockHolder;
  const existing = holder[CLOCK_KEY];
  if (existing) return existing;
  const realNow = Date.now.bind(Date);
  let offsetMs = 0;
  // Method syntax, so the function has no `prototype` for lockdown to complain about.
  Date.now = { now: () => realNow() + offsetMs }.now;
  const clock: RealmClock = {
    now: () => realNow() + offsetMs,
    offset: () => offsetMs,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`clock.advance needs a non-negative number of ms, got ${String(ms)}`);
      offsetMs += ms;
    },
  };
  Object.defineProperty(holder, CLOCK_KEY, { value: Object.freeze(clock) });
  return clock;
}

/** The realm clock; installs the patched `Date.now` on first use (hardenRealm does so before lockdown). */
export function realmClock(): RealmClock {
  return installClock();
}

const LOCKED_KEY = Symbol.for('cachelab.lockedDown');

/**
 * Installs the controllable clock, then locks the realm down with SES. Idempotent.
 * Call once per worker, after importing ioredis-mock and before running any learner code.
 */
export function hardenRealm(): void {
  const holder = globalThis as { [LOCKED_KEY]?: true };
  if (holder[LOCKED_KEY]) return;
  installClock();
  lockdown({
    // Keep real stacks: they carry learner.ts:line:column for error mapping.
    errorTaming: 'unsafe',
    stackFiltering: 'verbose',
    // Keep the host's console as it is; learner code gets its own capture anyway.
    consoleTaming: 'unsafe',
    // No "Removing unpermitted intrinsics" lines in every worker's console.
    reporting: 'none',
  });
  // Host objects that learner code can get hold of through replies (Buffer from *Buffer
  // commands) are not intrinsics, so lockdown did not freeze them.
  const buffer = (globalThis as { Buffer?: unknown }).Buffer;
  if (buffer) harden(buffer);
  Object.defineProperty(holder, LOCKED_KEY, { value: true });
}
