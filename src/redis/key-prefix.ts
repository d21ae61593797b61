/**
 * ioredis's `keyPrefix` option: the client rewrites the arguments that are keys (by the command's
 * key positions from @ioredis/commands, as ioredis 5's Command does) and leaves everything else,
 * patterns and replies included, alone. KEYS returns the prefixed names, and `KEYS *` is not
 * narrowed to the prefix: measured with ioredis 5 against redis-server 7.0.15.
 */
import { exists, getKeyIndexes } from '@ioredis/commands';
import type { Arg } from './fidelity/types.ts';

function withPrefix(prefix: string, key: Arg): Arg {
  if (typeof key === 'string') return prefix + key;
  const head = new TextEncoder().encode(prefix);
  const out = new Uint8Array(head.length + key.length);
  out.set(head);
  out.set(key, head.length);
  return out;
}

/** The arguments (without the command name) with `prefix` added to every key, as ioredis sends them. */
export function prefixKeys(name: string, args: readonly Arg[], prefix: string): Arg[] {
  const out = args.slice();
  if (!prefix || !exists(name, { caseInsensitive: true })) return out;
  let indexes: number[];
  try {
    indexes = getKeyIndexes(name, out as Parameters<typeof getKeyIndexes>[1], {
      nameCaseInsensitive: true,
    });
  } catch {
    // ioredis would throw while building the command; sending it unprefixed lets Redis answer.
    return out;
  }
  for (const i of indexes) if (i < out.length) out[i] = withPrefix(prefix, out[i]);
  return out;
}
