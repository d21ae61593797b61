/**
 * The SES Compartment learner code runs in. Its global object holds only the frozen intrinsics
 * (Object, Array, JSON, Promise, ...) plus what is listed here:
 *
 * - `console`: the capture (see console-capture.ts);
 * - `Date`: a subclass whose `now()` and `new Date()` follow the realm clock;
 * - `Math`: the realm's, so `Math.random()` works;
 * - `setTimeout`, `setInterval`, `clearTimeout`, `clearInterval`, `queueMicrotask`: wrapped so
 *   that every timer is cancelled when the check that started it ends, and a throwing callback
 *   is reported in the console instead of crashing the worker.
 *
 * Deliberately absent: fetch, XMLHttpRequest, WebSocket, postMessage, self/window, indexedDB,
 * caches, BroadcastChannel, navigator, importScripts, Worker, require/process/Buffer (Node),
 * URL (a mutable host object, not an intrinsic; no lesson needs it). SES itself adds its
 * hardened `TextEncoder`/`TextDecoder`, `harden`, `lockdown` and `Compartment`, which are safe.
 */
import type { ConsoleCapture } from './console-capture.ts';
import type { RealmClock } from './harden.ts';
import { describeThrown } from './thrown.ts';

/** Learner timers that can all be cancelled at once. */
export interface TimerScope {
  /** Cancels every timer started since the last call. */
  cancelAll(): void;
}

/** A compartment ready to evaluate learner code, and its timer scope. */
export interface Sandbox {
  /** Evaluates a script in the compartment and returns its completion value. */
  evaluate(code: string): unknown;
  /** The learner's timers. */
  timers: TimerScope;
}

const MAX_TIMERS = 10_000;
const MAX_DELAY = 2 ** 31 - 1;

let learnerDate: DateConstructor | undefined;

/**
 * The learner's Date: a subclass, so `instanceof Date` and every Date method keep working, whose
 * `now()` and argument-less constructor read the realm clock. One per realm, hardened once.
 */
function learnerDateClass(clock: RealmClock): DateConstructor {
  if (learnerDate) return learnerDate;
  const HostDate = Date;
  class LearnerDate extends HostDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string | number | Date]));
    }
    static now(): number {
      return clock.now();
    }
  }
  learnerDate = harden(LearnerDate) as unknown as DateConstructor;
  return learnerDate;
}

/** Creates a fresh compartment for one run. */
export function createSandbox(capture: ConsoleCapture, clock: RealmClock): Sandbox {
  const live = new Map<number, { handle: ReturnType<typeof setTimeout>; interval: boolean }>();
  let nextId = 1;
  const report = (what: string, error: unknown): void =>
    capture.note(`Uncaught error in ${what}: ${describeThrown(error)}`);

  const schedule = (
    interval: boolean,
    callback: unknown,
    delay: unknown,
    args: unknown[],
  ): number => {
    if (typeof callback !== 'function')
      throw new TypeError('The "callback" argument must be a function');
    if (live.size >= MAX_TIMERS) throw new RangeError(`Too many timers (more than ${MAX_TIMERS})`);
    const id = nextId++;
    const ms = Math.min(Math.max(Number(delay) || 0, 0), MAX_DELAY);
    const run = (): void => {
      if (!interval) live.delete(id);
      try {
        Reflect.apply(callback, undefined, args);
      } catch (error) {
        report(interval ? 'setInterval callback' : 'setTimeout callback', error);
      }
    };
    const handle = interval ? setInterval(run, ms) : setTimeout(run, ms);
    live.set(id, { handle, interval });
    return id;
  };
  const cancel = (id: unknown): void => {
    const timer = typeof id === 'number' ? live.get(id) : undefined;
    if (!timer) return;
    if (timer.interval) clearInterval(timer.handle);
    else clearTimeout(timer.handle);
    live.delete(id as number);
  };

  const globals = {
    console: capture.console,
    Date: learnerDateClass(clock),
    Math,
    setTimeout: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
      schedule(false, callback, delay, args),
    setInterval: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
      schedule(true, callback, delay, args),
    clearTimeout: cancel,
    clearInterval: cancel,
    queueMicrotask: (callback: unknown) => {
      if (typeof callback !== 'function')
        throw new TypeError('The "callback" argument must be a function');
      queueMicrotask(() => {
        try {
          Reflect.apply(callback, undefined, []);
        } catch (error) {
          report('queueMicrotask callback', error);
        }
      });
    },
  };
  const compartment = new Compartment({ globals: harden(globals), __options__: true });
  return {
    evaluate: (code) => compartment.evaluate(code),
    timers: {
      cancelAll() {
        for (const id of [...live.keys()]) cancel(id);
      },
    },
  };
}
