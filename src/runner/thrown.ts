/**
 * Reads thrown values safely. Learner code can throw anything: numbers, symbols, objects whose
 * getters throw, proxies. Nothing here may throw or run learner getters more than needed.
 */
import { inspect } from './inspect.ts';
import { LEARNER_FILE, mapPosition } from './transpile.ts';

/** A position in the learner's file. */
export interface LearnerPosition {
  /** 1-based line. */
  line: number;
  /** 1-based column, when it can be mapped exactly. */
  column?: number;
}

const FRAME = new RegExp(`${LEARNER_FILE.replace('.', '\\.')}:(\\d+):(\\d+)`);

/** `value instanceof Class` that cannot throw (a proxy's getPrototypeOf trap may). */
export function isInstance(
  value: unknown,
  Class: abstract new (...args: never[]) => unknown,
): boolean {
  try {
    return value instanceof Class;
  } catch {
    return false;
  }
}

/** A one-line description of a thrown value, e.g. "TypeError: x is not a function" or "42". */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) {
      const name = dataProperty(value, 'name');
      const message = dataProperty(value, 'message');
      const head = typeof name === 'string' && name ? name : 'Error';
      return typeof message === 'string' && message ? `${head}: ${message}` : head;
    }
    if (typeof value === 'string') return value;
    return inspect(value).split('\n').join(' ');
  } catch {
    return 'an unreadable value';
  }
}

/** The message of a thrown Error without its class name, or the description of a non-Error. */
export function thrownMessage(value: unknown): string {
  try {
    if (value instanceof Error) {
      const message = dataProperty(value, 'message');
      const name = dataProperty(value, 'name');
      if (typeof message === 'string' && message) {
        // Keep the class for built-in errors: "TypeError: ..." says more than the bare message.
        return typeof name === 'string' && name && name !== 'Error'
          ? `${name}: ${message}`
          : message;
      }
    }
  } catch {
    // fall through to the generic description
  }
  return describeThrown(value);
}

/** Where in the learner's file a thrown value came from, if its stack says so. */
export function learnerPosition(
  value: unknown,
  line1Shift: number | null,
): LearnerPosition | undefined {
  try {
    if (value === null || typeof value !== 'object') return undefined;
    const stack = stackOf(value);
    if (typeof stack !== 'string') return undefined;
    const match = FRAME.exec(stack);
    if (!match) return undefined;
    return mapPosition(Number(match[1]), Number(match[2]), line1Shift);
  } catch {
    return undefined;
  }
}

function stackOf(value: object): unknown {
  const own = Object.getOwnPropertyDescriptor(value, 'stack');
  if (!own) return undefined;
  if ('value' in own) return own.value;
  // Real V8 errors expose `stack` through a native accessor; learner-made getters are skipped.
  if (own.get && /\[native code\]/.test(Function.prototype.toString.call(own.get)))
    return Reflect.get(value, 'stack');
  return undefined;
}

/**
 * Reads `key` without running learner getters. An accessor is only followed on a frozen
 * prototype: lockdown turns `Error.prototype.name` and friends into accessors.
 */
function dataProperty(target: object, key: string): unknown {
  let obj: object | null = target;
  while (obj) {
    const desc = Object.getOwnPropertyDescriptor(obj, key);
    if (desc) {
      if ('value' in desc) return desc.value;
      return obj !== target && Object.isFrozen(obj) && desc.get
        ? Reflect.apply(desc.get, target, [])
        : undefined;
    }
    obj = Object.getPrototypeOf(obj);
  }
  return undefined;
}
