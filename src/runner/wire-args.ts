/**
 * Learner arguments to the exact values a command sends, computed once. ioredis's rules (objects
 * and Maps as field/value pairs for HSET/HMSET/MSET/MSETNX, arrays flattened one level, null as
 * '', everything else through `String()`) come from the faithful client's `normalizeArgs`; bytes
 * are copied into a fresh Uint8Array, so learner code cannot change them after the log saw them.
 * The store, the log and the trace all get these same values: a `toString` that answers
 * differently each time is called exactly once.
 */
import { fromBytes } from '../redis/bytes.ts';
import { normalizeArgs } from '../redis/faithful-client.ts';
import type { Arg } from '../redis/fidelity/types.ts';

const typedArrayLength = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  'length',
)!.get!;

/** A real Uint8Array's bytes in a fresh, exactly sized buffer; throws for anything else. */
export function copyBytes(value: unknown): Uint8Array {
  // The intrinsic getter checks the internal slot: a proxy or a fake with Uint8Array's
  // prototype throws here instead of being trusted.
  const length = Reflect.apply(typedArrayLength, value, []) as number;
  const copy = new Uint8Array(length);
  copy.set(value as Uint8Array);
  return copy;
}

/** A command name from learner code, stringified once. */
export function commandName(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * The arguments of command `name` as they go over the wire (may throw a learner's error). Bytes
 * become the store's own form (fromBytes: text when valid UTF-8, else a host-side copy), since
 * ioredis-mock would file a bare Uint8Array value as a hash.
 */
export function wireArgs(name: string, args: readonly unknown[]): Arg[] {
  // The exact name, as ioredis keys its argument transformers: call("HSET", k, obj) does not
  // flatten obj, hset(k, obj) does.
  return normalizeArgs(name, args.slice()).map((arg) =>
    typeof arg === 'string' ? arg : fromBytes(copyBytes(arg)),
  );
}

/** A reply made safe to hand to learner code: every byte string a plain, unpooled Uint8Array. */
export function plainReply(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (value instanceof Uint8Array) return copyBytes(value);
  if (Array.isArray(value)) return value.map((item) => plainReply(item, depth + 1));
  if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object')
        (value as Record<string, unknown>)[key] = plainReply(item, depth + 1);
    }
  }
  return value;
}
