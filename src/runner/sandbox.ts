/**
 * The SES Compartment learner code runs in. Its global object holds only the frozen intrinsics
 * (Object, Array, JSON, Promise, ...) plus what is listed here:
 *
 * - `console`: the capture (see console-capture.ts);
 * - `Date`: the learner's Date, which reads only the realm clock (see learnerDateClass);
 * - `Math`: the realm's, so `Math.random()` works;
 * - `setTimeout`, `setInterval`, `clearTimeout`, `clearInterval`, `queueMicrotask`: not globals
 *   but parameters of each module evaluation (createTimers), so that every timer dies with its
 *   check, and a throwing callback is reported in the console instead of crashing the worker.
 *
 * One compartment serves the realm (a new Compartment, with hardening its global object, cost
 * about 0.6 ms per run, and evaluating the learner's source in it another 0.3 ms). Its global
 * object is frozen and holds nothing of any run: the Date over the realm clock, Math, and a
 * console that writes into the capture of the run in progress (and drops output between runs).
 * The module body runs afresh for every check (and every `ctx.newServer()`) with its own timers
 * passed in as parameters, so module state, timer ids and globals cannot carry anything from one
 * check, or one run, to the next. A closed timer scope refuses new timers and microtasks, so code
 * of a check that is over (or timed out) cannot schedule work into a later one.
 *
 * Deliberately absent: fetch, XMLHttpRequest, WebSocket, postMessage, self/window, indexedDB,
 * caches, BroadcastChannel, navigator, importScripts, Worker, require/process/Buffer (Node),
 * performance (a second, real clock), URL (a mutable host object, not an intrinsic; no lesson
 * needs it). SES itself adds its hardened `TextEncoder`/`TextDecoder`, `harden`, `lockdown`
 * and `Compartment`, which are safe.
 */
import type { ConsoleCapture } from './console-capture.ts';
import type { RealmClock } from './harden.ts';
import { describeThrown } from './thrown.ts';

/** Learner timers that can all be cancelled at once. */
export interface TimerScope {
  /** Cancels every timer started so far; the scope stays open. */
  cancelAll(): void;
  /** Cancels every timer and refuses new timers and microtasks from now on. */
  close(): void;
}

/** The timer functions one module evaluation sees, and their scope. */
export interface LearnerTimers {
  /** `setTimeout`, `setInterval`, `clearTimeout`, `clearInterval`, `queueMicrotask`, hardened. */
  functions: Readonly<Record<(typeof TIMER_NAMES)[number], (...args: unknown[]) => unknown>>;
  /** Cancels or closes them all. */
  scope: TimerScope;
}

/** The realm's compartment, lent to one run. */
export interface Sandbox {
  /** Evaluates a script in the compartment and returns its completion value. */
  evaluate(code: string): unknown;
  /** Ends the loan: the global `console` writes into this run's capture no more. */
  close(): void;
}

/**
 * The timer functions, in the order the module wrapper (transpile.ts) takes them as parameters.
 * They are lexical bindings of each module evaluation, not globals: the compartment (and so its
 * global object) is shared by the evaluations of one run, the timers are not.
 */
export const TIMER_NAMES = [
  'setTimeout',
  'setInterval',
  'clearTimeout',
  'clearInterval',
  'queueMicrotask',
] as const;

/** Most live timers one sandbox may hold. */
export const MAX_TIMERS = 10_000;
const MAX_DELAY = 2 ** 31 - 1;

let learnerDate: DateConstructor | undefined;

/**
 * The learner's Date. Built over the Compartment's tamed `%SharedDate%` (whose argument-less
 * forms throw), never over the start compartment's Date (whose `new` reads real time): every way
 * to ask for "now" — `Date.now()`, `new Date()`, `Date()`, and the same through
 * `Object.getPrototypeOf(Date)` or `Date.prototype.constructor` — either follows the realm clock
 * or throws, so no second clock (and no fake-clock offset) is readable. One per realm, hardened.
 */
function learnerDateClass(clock: RealmClock): DateConstructor {
  if (learnerDate) return learnerDate;
  const SharedDate = new Compartment().globalThis.Date as DateConstructor;
  const toString = Date.prototype.toString;
  const LearnerDate = function Date(this: unknown, ...args: unknown[]): unknown {
    // `Date()` called as a function returns the current time as a string.
    if (new.target === undefined)
      return Reflect.apply(toString, Reflect.construct(SharedDate, [clock.now()]), []);
    return Reflect.construct(SharedDate, args.length === 0 ? [clock.now()] : args, new.target);
  } as unknown as DateConstructor;
  Object.defineProperties(LearnerDate, {
    length: { value: 7 },
    prototype: { value: SharedDate.prototype, writable: false },
    // Method syntax: no `prototype` property for harden to walk.
    now: { value: { now: () => clock.now() }.now, writable: true, configurable: true },
  });
  // Statics (UTC, parse) come from %SharedDate%; its `now` throws, ours shadows it.
  Object.setPrototypeOf(LearnerDate, SharedDate);
  learnerDate = harden(LearnerDate);
  return learnerDate;
}

/** The realm's compartment and the capture its console writes into now. */
interface RealmSandbox {
  compartment: Compartment;
  target: { capture: ConsoleCapture | undefined };
}

let realmSandbox: RealmSandbox | undefined;

/**
 * The console on the compartment's global object: the same hardened object for every run, whose
 * methods write into the capture of the run in progress. It holds no output or state of its own
 * (counters and groups live in each run's capture), so it carries nothing from run to run.
 */
function forwardingConsole(
  names: readonly string[],
  target: RealmSandbox['target'],
): Record<string, (...args: unknown[]) => void> {
  const methods: Record<string, (...args: unknown[]) => void> = {};
  for (const name of names)
    methods[name] = {
      [name]: (...args: unknown[]): void => {
        const method = target.capture?.console[name];
        if (method) Reflect.apply(method, undefined, args);
      },
    }[name];
  return harden(methods);
}

/**
 * Lends the realm's compartment to one run, its global `console` writing into `capture` until
 * `close()`. Runs never overlap in a realm (runLesson refuses), so one target is enough.
 */
export function createSandbox(capture: ConsoleCapture, clock: RealmClock): Sandbox {
  if (!realmSandbox) {
    const target: RealmSandbox['target'] = { capture: undefined };
    const globals = {
      console: forwardingConsole(Object.keys(capture.console), target),
      Date: learnerDateClass(clock),
      Math,
    };
    const compartment = new Compartment({ globals: harden(globals), __options__: true });
    // Decision: a frozen global object, not one reset between checks or runs. Code of a check
    // that is over can still run (a promise chain) while the next check runs, so a writable
    // global would be a channel between checks, between two `newServer()`s and between runs;
    // frozen, there is none. The price: `globalThis.x = 1` throws "object is not extensible"
    // (module-level variables work).
    harden(compartment.globalThis);
    realmSandbox = { compartment, target };
  }
  const { compartment, target } = realmSandbox;
  target.capture = capture;
  return {
    evaluate: (code) => compartment.evaluate(code),
    close() {
      if (target.capture === capture) target.capture = undefined;
    },
  };
}

function freezeAll<T extends Record<string, (...args: never[]) => unknown>>(
  object: T,
): Readonly<T> {
  for (const fn of Object.values(object)) Object.freeze(fn);
  return Object.freeze(object);
}

/** Creates the timers of one module evaluation: ids from 1, all dead once the scope closes. */
export function createTimers(capture: ConsoleCapture): LearnerTimers {
  const live = new Map<number, { handle: ReturnType<typeof setTimeout>; interval: boolean }>();
  // Ids start at 1 in every evaluation, so a timer id says nothing about earlier checks.
  let nextId = 1;
  let open = true;
  const report = (what: string, error: unknown): void =>
    capture.note(`Uncaught error in ${what}: ${describeThrown(error)}`);
  const refuseWhenClosed = (what: string): void => {
    if (!open) throw new Error(`${what} is not available: the check this code belonged to is over`);
  };

  const schedule = (
    interval: boolean,
    callback: unknown,
    delay: unknown,
    args: unknown[],
  ): number => {
    refuseWhenClosed(interval ? 'setInterval' : 'setTimeout');
    if (typeof callback !== 'function')
      throw new TypeError('The "callback" argument must be a function');
    if (live.size >= MAX_TIMERS) throw new RangeError(`Too many timers (more than ${MAX_TIMERS})`);
    const id = nextId++;
    const number = typeof delay === 'number' ? delay : Number(String(delay ?? 0));
    const ms = Math.min(Math.max(Number.isFinite(number) ? number : 0, 0), MAX_DELAY);
    const run = (): void => {
      if (!interval) live.delete(id);
      // A host timer that fires after close (it cannot, but belt and braces) runs nothing.
      if (!open) return;
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
  const cancelAll = (): void => {
    // Called three times per evaluation, almost always with no timer: no copy of no keys.
    if (live.size === 0) return;
    for (const id of [...live.keys()]) cancel(id);
  };

  // Frozen, not hardened: these are new arrow functions (no prototype) owned by this one
  // evaluation, so freezing each is all harden would do, at a fraction of its cost.
  const functions = freezeAll({
    setTimeout: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
      schedule(false, callback, delay, args),
    setInterval: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
      schedule(true, callback, delay, args),
    clearTimeout: cancel,
    clearInterval: cancel,
    queueMicrotask: (callback: unknown) => {
      refuseWhenClosed('queueMicrotask');
      if (typeof callback !== 'function')
        throw new TypeError('The "callback" argument must be a function');
      queueMicrotask(() => {
        if (!open) return;
        try {
          Reflect.apply(callback, undefined, []);
        } catch (error) {
          report('queueMicrotask callback', error);
        }
      });
    },
  });
  return {
    functions,
    scope: {
      cancelAll,
      close() {
        open = false;
        cancelAll();
      },
    },
  };
}
