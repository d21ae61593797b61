/**
 * Copies values that cross between learner code and checks into plain data, so that neither
 * side can change what the other one holds afterwards. Learner values are hostile: getters and
 * proxy traps may throw or loop, so every read happens once, here, under try/catch.
 */

const MAX_DEPTH = 64;
const MAX_NODES = 100_000;

/** Thrown when a value cannot be copied; the message says why, in learner-facing words. */
export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

/**
 * Deep-copies `value` into plain data: primitives as they are; arrays, plain objects and class
 * instances as arrays and plain objects of their own enumerable string-keyed properties (each
 * getter called once); Date, Map and Set as new ones; functions as they are when
 * `keepFunctions` is set, otherwise as the string "[Function name]". Cycles keep their shape.
 */
export function plainCopy<T>(value: T, keepFunctions = false): T {
  // Most values that cross are primitives (an id, a count, undefined): no copy state for them.
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  const copies = new Map<object, unknown>();
  let nodes = 0;

  const copy = (v: unknown, depth: number): unknown => {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return v;
    if (typeof v === 'function')
      return keepFunctions ? v : `[Function ${functionName(v as (...args: never[]) => unknown)}]`;
    if (copies.has(v)) return copies.get(v);
    if (depth > MAX_DEPTH) throw new CopyError(`it is nested more than ${MAX_DEPTH} levels deep`);
    if (++nodes > MAX_NODES) throw new CopyError(`it holds more than ${MAX_NODES} values`);
    const tag = Object.prototype.toString.call(v);
    if (tag === '[object Date]') {
      const d = new Date(Date.prototype.getTime.call(v));
      copies.set(v, d);
      return d;
    }
    if (tag === '[object Map]' && v instanceof Map) {
      const m = new Map();
      copies.set(v, m);
      for (const [k, val] of Map.prototype.entries.call(v))
        m.set(copy(k, depth + 1), copy(val, depth + 1));
      return m;
    }
    if (tag === '[object Set]' && v instanceof Set) {
      const s = new Set();
      copies.set(v, s);
      for (const val of Set.prototype.values.call(v)) s.add(copy(val, depth + 1));
      return s;
    }
    if (tag === '[object Promise]') throw new CopyError('it is a promise that was not awaited');
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      copies.set(v, out);
      const lengthDesc = Object.getOwnPropertyDescriptor(v, 'length');
      const length = typeof lengthDesc?.value === 'number' ? lengthDesc.value : 0;
      if (length > MAX_NODES) throw new CopyError(`it holds more than ${MAX_NODES} values`);
      for (let i = 0; i < length; i++) out.push(copy(readOwn(v, String(i)), depth + 1));
      return out;
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const out = Array.from(v as unknown as ArrayLike<number>);
      copies.set(v, out);
      return out;
    }
    const out: Record<string, unknown> = {};
    copies.set(v, out);
    for (const key of Reflect.ownKeys(v)) {
      if (typeof key !== 'string') continue;
      const desc = Reflect.getOwnPropertyDescriptor(v, key);
      if (!desc || !desc.enumerable) continue;
      const raw =
        'value' in desc ? desc.value : desc.get ? Reflect.apply(desc.get, v, []) : undefined;
      const copied = copy(raw, depth + 1);
      // A key Object.prototype has ("__proto__", or "toString", read-only once the realm is
      // locked down) is defined, so it stays an ordinary own key; any other key is assigned,
      // which makes the same own data property several times faster.
      if (key in Object.prototype)
        Object.defineProperty(out, key, {
          value: copied,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[key] = copied;
    }
    return out;
  };

  try {
    return copy(value, 0) as T;
  } catch (error) {
    if (error instanceof CopyError) throw error;
    if (error instanceof RangeError) throw new CopyError('it is nested too deeply to read');
    throw new CopyError('reading it threw an error');
  }
}

function readOwn(target: object, key: string): unknown {
  const desc = Reflect.getOwnPropertyDescriptor(target, key);
  if (!desc) return undefined;
  return 'value' in desc ? desc.value : desc.get ? Reflect.apply(desc.get, target, []) : undefined;
}

function functionName(fn: (...args: never[]) => unknown): string {
  try {
    const desc = Object.getOwnPropertyDescriptor(fn, 'name');
    return typeof desc?.value === 'string' && desc.value ? desc.value : '(anonymous)';
  } catch {
    return '(anonymous)';
  }
}
