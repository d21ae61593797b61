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
    // Real stacks carry learner.ts:line:column for error mapping; installLearnerStacks below
    // makes sure they carry nothing else.
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
  installLearnerStacks();
  Object.defineProperty(holder, LOCKED_KEY, { value: true });
}

/** The file name learner code is evaluated under (transpile.ts's LEARNER_FILE). */
const LEARNER_FILE = 'learner.ts';

/** A call site as SES's attenuated structured stack trace hands it to `prepareStackTrace`. */
interface CallSite {
  getScriptNameOrSourceURL(): string | null | undefined;
  getFunctionName(): string | null | undefined;
  getLineNumber(): number | null | undefined;
  getColumnNumber(): number | null | undefined;
  isAsync?(): boolean;
}

/**
 * Every `error.stack` in the realm shows only frames of the learner's file, as
 * "at fn (learner.ts:3:7)": never a host path, a host file (checks.ts, the runner) or a frame
 * that tells which check is calling. An error with no learner frame has a stack of its header
 * line alone. The runner maps positions from these same frames (thrown.ts), so learner line
 * numbers survive; host errors lose their frames, which is the price of one realm for both.
 * Decision: stacks are filtered when they are made (V8 calls this once per error), not when
 * they are read, because the runner cannot know who reads an error's stack.
 */
function installLearnerStacks(): void {
  const prepare = (error: unknown, callSites: CallSite[]): string => {
    let frames = '';
    for (const site of callSites) {
      let file: unknown;
      try {
        // Evaluated code has no file name; its `//# sourceURL=learner.ts` names it here.
        file = site.getScriptNameOrSourceURL();
      } catch {
        continue;
      }
      if (file !== LEARNER_FILE) continue;
      const line = site.getLineNumber();
      const column = site.getColumnNumber();
      const fn = site.getFunctionName();
      const at = `${LEARNER_FILE}:${Number(line) || 0}:${Number(column) || 0}`;
      const name = typeof fn === 'string' && /^[\w$.<> ]{1,100}$/.test(fn) ? fn : '';
      const prefix = site.isAsync?.() ? 'async ' : '';
      frames += `\n    at ${prefix}${name ? `${name} (${at})` : at}`;
    }
    return `${headerOf(error)}${frames}`;
  };
  (Error as unknown as { prepareStackTrace: unknown }).prepareStackTrace = prepare;
}

/** "Name: message" from own or frozen-prototype data properties only: no learner getter runs. */
function headerOf(error: unknown): string {
  try {
    if (error === null || typeof error !== 'object') return 'Error';
    const read = (key: string): unknown => {
      let obj: object | null = error;
      for (let depth = 0; obj && depth < 16; depth++) {
        const desc = Object.getOwnPropertyDescriptor(obj, key);
        if (desc) {
          if ('value' in desc) return desc.value;
          // lockdown turns Error.prototype.name and friends into accessors on frozen prototypes.
          return obj !== error && Object.isFrozen(obj) && desc.get
            ? Reflect.apply(desc.get, error, [])
            : undefined;
        }
        obj = Object.getPrototypeOf(obj);
      }
      return undefined;
    };
    const name = read('name');
    const message = read('message');
    const head = typeof name === 'string' && name ? name : 'Error';
    return typeof message === 'string' && message ? `${head}: ${message}` : head;
  } catch {
    return 'Error';
  }
}
