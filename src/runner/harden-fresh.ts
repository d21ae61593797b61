/**
 * `harden` for the small objects the runner makes per check (a check's clock, its log view, a
 * fake database's api, a client facade), at a fraction of SES's cost.
 *
 * SES's `harden` walks everything an object reaches, prototypes included, even when all of it is
 * already hardened: about 8 µs per fresh function on our machines, which made hardening a third
 * of a warm run's per-check overhead. For an object whose prototype is a known hardened one and
 * whose own properties are data properties holding primitives or fresh functions (arrow or
 * method syntax: no `prototype` property, a hardened intrinsic as prototype, nothing of their
 * own but `length` and `name`), freezing the object and its functions IS what `harden` would do:
 * there is nothing else reachable that could still be mutable. Anything else (an accessor, a
 * nested object, a learner's class) goes to the real `harden`, so this is never weaker.
 */

/** Prototypes known to be hardened: the intrinsics below, plus shapes registered once per realm. */
const hardenedShapes = new WeakSet<object>();

// lockdown() hardens these intrinsics in place, so their identities are known now.
for (const intrinsic of [
  Object.prototype,
  Function.prototype,
  Object.getPrototypeOf(async () => {}) as object,
])
  hardenedShapes.add(intrinsic);

/**
 * Hardens a shared shape (a class, its prototype and everything they reach) once, and remembers
 * its prototype, so that instances with no own mutable state can be hardened by `hardenFresh`.
 */
export function hardenShape<T extends abstract new (...args: never[]) => unknown>(shape: T): T {
  harden(shape);
  hardenedShapes.add(shape.prototype as object);
  return shape;
}

function isHardenedProto(proto: object | null): boolean {
  return proto === null || hardenedShapes.has(proto);
}

function isFreshFunction(value: object): boolean {
  if (!isHardenedProto(Reflect.getPrototypeOf(value))) return false;
  for (const key of Reflect.ownKeys(value)) if (key !== 'length' && key !== 'name') return false;
  return true;
}

/** Hardens `object`: by freezing, when that is provably all `harden` would do; otherwise `harden`. */
export function hardenFresh<T extends object>(object: T): T {
  if (!isHardenedProto(Reflect.getPrototypeOf(object))) return harden(object);
  const functions: object[] = [];
  for (const key of Reflect.ownKeys(object)) {
    const desc = Reflect.getOwnPropertyDescriptor(object, key)!;
    if (!('value' in desc)) return harden(object);
    const value: unknown = desc.value;
    if (typeof value === 'function') {
      if (!isFreshFunction(value)) return harden(object);
      functions.push(value);
    } else if (typeof value === 'object' && value !== null) return harden(object);
  }
  for (const fn of functions) Object.freeze(fn);
  return Object.freeze(object);
}
