/**
 * `ctx.learner`: how checks call the learner's exports. Arguments go in as copies (so learner
 * code cannot rewrite the check's expected values), results come out as plain copies, throws
 * become readable failures, and a call that never settles fails after a soft timeout.
 */
import type { Deadlines } from './deadlines.ts';
import { inspect } from './inspect.ts';
import { CopyError, plainCopy } from './plain-copy.ts';
import { isInstance, learnerPosition, thrownMessage, type LearnerPosition } from './thrown.ts';

/** A check failure with a learner-facing message and, when known, the learner's line. */
export class CheckFailure extends Error {
  /** Where in the learner's file it happened. */
  readonly position?: LearnerPosition;

  constructor(message: string, position?: LearnerPosition) {
    super(message);
    this.name = 'CheckFailure';
    this.position = position;
  }
}

/** What the proxy needs from the run. */
export interface LearnerProxyOptions {
  /** The learner's exports, read once after the module loaded. */
  exports: ReadonlyMap<string, unknown>;
  /** Soft timeout per call, in real ms. */
  timeoutMs: number;
  /** The run's timer for soft timeouts. */
  deadlines: Deadlines;
  /** Column shift of line 1, for mapping positions. */
  line1Shift: number | null;
  /** Objects passed to learner code as they are (client facades, fake database APIs). */
  passThrough(value: unknown): boolean;
  /** Throws once the check this proxy belongs to is over: a stale proxy never runs learner code. */
  assertLive?(): void;
  /** Told about every call before it starts, e.g. "saveUser({ id: 1 })" (for timeout reports). */
  onCall?(call: string): void;
}

/** Longest call description passed to `onCall`. */
const CALL_TEXT_LIMIT = 200;

/** "saveUser({ id: 1 })": a short, safe description of a call into learner code. */
export function describeCall(name: string, args: readonly unknown[]): string {
  let text = `${name}(`;
  for (let i = 0; i < args.length && text.length < CALL_TEXT_LIMIT; i++) {
    const shown = inspect(args[i]);
    // Most arguments print on one line, and the regex scan costs ~3 µs per argument even then.
    text += `${i ? ', ' : ''}${shown.includes('\n') ? shown.replace(/\s*\n\s*/g, ' ') : shown}`;
  }
  text += ')';
  return text.length > CALL_TEXT_LIMIT ? `${text.slice(0, CALL_TEXT_LIMIT - 2)}…)` : text;
}

/** Creates the `learner` object of a check context. */
export function createLearnerProxy(
  options: LearnerProxyOptions,
): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const cache = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy({} as Record<string, (...args: unknown[]) => Promise<unknown>>, {
    get(_target, key) {
      if (typeof key !== 'string') return undefined;
      // `await ctx.learner` or chai inspecting it must not look like a call.
      if (key === 'then') return undefined;
      let fn = cache.get(key);
      if (!fn) {
        fn = (...args: unknown[]) => callLearner(key, args, options);
        cache.set(key, fn);
      }
      return fn;
    },
  });
}

async function callLearner(
  name: string,
  args: unknown[],
  options: LearnerProxyOptions,
): Promise<unknown> {
  options.assertLive?.();
  if (!options.exports.has(name)) {
    throw new CheckFailure(
      `Your code does not export a function named ${name}. Add \`export async function ${name}(...)\`.`,
    );
  }
  const fn = options.exports.get(name);
  if (typeof fn !== 'function') {
    throw new CheckFailure(
      `Your code exports ${name}, but it is ${describeKind(fn)}, not a function.`,
    );
  }
  // Data goes in as copies; functions (a check's callbacks) go in as they are, but frozen.
  const safeArgs = args.map((arg) =>
    options.passThrough(arg) ? arg : typeof arg === 'function' ? harden(arg) : plainCopy(arg, true),
  );
  options.onCall?.(describeCall(name, args));
  // A fresh native promise: a sync throw becomes a rejection, and a learner-made thenable (or a
  // promise with its own `then`) is only ever adopted, never trusted for our own callbacks.
  const pending = new Promise<unknown>((resolve) =>
    resolve(Reflect.apply(fn, undefined, safeArgs)),
  );
  const result = await options.deadlines.race(
    Promise.prototype.then.call(
      pending,
      (value: unknown) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ) as Promise<unknown>,
    options.timeoutMs,
    (busy) =>
      new CheckFailure(
        `${name} did not finish within ${seconds(options.timeoutMs)} — ${
          busy
            ? 'it was still sending Redis commands: is there a loop that never ends?'
            : 'is a promise never settled?'
        }`,
      ),
  );
  const outcome = result as { ok: true; value: unknown } | { ok: false; error: unknown };
  if (!outcome.ok) throw threw(name, outcome.error, options.line1Shift);
  try {
    return plainCopy(outcome.value);
  } catch (error) {
    const why = error instanceof CopyError ? error.message : 'it could not be read';
    throw new CheckFailure(`${name} returned a value the checks cannot read: ${why}`);
  }
}

function threw(name: string, error: unknown, line1Shift: number | null): CheckFailure {
  if (isInstance(error, CheckFailure)) return error as CheckFailure;
  const position = learnerPosition(error, line1Shift);
  const where = position ? ` (line ${position.line})` : '';
  return new CheckFailure(`${name} threw: ${thrownMessage(error)}${where}`, position);
}

function seconds(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : type === 'undefined' ? 'undefined' : `a ${type}`;
}
