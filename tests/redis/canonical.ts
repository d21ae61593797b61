/**
 * How the differential tests compare replies: as redis-cli prints them, except where Redis
 * itself leaves the answer open.
 * - Order: SMEMBERS, SINTER/SUNION/SDIFF, HGETALL/HKEYS/HVALS, KEYS and the SCAN family's
 *   elements come in hash-table order, which Redis does not define; they compare sorted.
 *   Except where Redis's encoding fixes the order: a set of at most 512 integers (intset,
 *   ascending) and an HGETALL of at most 128 short pairs (listpack, insertion order) compare
 *   exactly.
 * - Time: TTL/PTTL/EXPIRETIME/PEXPIRETIME read two clocks; they match within TIME_BOUND.
 */
import { formatReply } from '../../src/redis/cli-format.ts';
import type { Reply } from '../../src/redis/fidelity/types.ts';

/** Allowed difference per time-reading command (seconds or milliseconds, as the command replies). */
export const TIME_BOUND: Record<string, number> = {
  ttl: 1,
  expiretime: 1,
  pttl: 1000,
  pexpiretime: 1000,
};

// SRANDMEMBER/SPOP with a count covering the set reply the whole set in hash order.
const UNORDERED = new Set([
  'smembers',
  'sinter',
  'sunion',
  'sdiff',
  'hkeys',
  'hvals',
  'keys',
  'srandmember',
  'spop',
]);
const INTSET_COMMANDS = new Set(['smembers', 'sinter', 'sunion', 'sdiff', 'srandmember', 'spop']);

const INT64 = /^(0|-?[1-9][0-9]{0,18})$/;
const short = (r: Reply) => typeof r === 'string' && new TextEncoder().encode(r).length <= 64;

/** Whether Redis's compact encoding fixes this reply's order (intset, listpack). */
function orderFixed(name: string, items: Reply[]): boolean {
  if (INTSET_COMMANDS.has(name))
    return (
      items.length <= 512 &&
      items.every(
        (r) =>
          typeof r === 'string' &&
          INT64.test(r) &&
          BigInt(r) < 2n ** 63n &&
          BigInt(r) >= -(2n ** 63n),
      )
    );
  if (name === 'hgetall') return items.length <= 256 && items.every(short);
  return false;
}
const UNORDERED_PAIRS = new Set(['hgetall']);
const SCAN_LIKE: Record<string, number> = { scan: 1, sscan: 1, hscan: 2, zscan: 2 };

function sortChunks(items: Reply[], size: number): Reply[] {
  const chunks: Reply[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks.sort((a, b) => (formatReply(a) < formatReply(b) ? -1 : 1)).flat();
}

/** The reply as redis-cli prints it, with Redis-unordered collections sorted. */
export function canonicalReply(command: string, reply: Reply): string {
  return formatReply(canonicalTyped(command, reply));
}

/**
 * The reply with Redis-unordered collections sorted. EXEC's results are sorted per queued
 * command when the caller passes the queue.
 */
export function canonicalTyped(command: string, reply: Reply, queued?: string[]): Reply {
  const name = command.toLowerCase();
  if (name === 'exec' && queued && Array.isArray(reply))
    return reply.map((r, i) => canonicalTyped(queued[i] ?? '', r));
  let typed = reply;
  if (Array.isArray(typed) && !orderFixed(name, typed)) {
    if (UNORDERED.has(name)) typed = sortChunks(typed, 1);
    else if (UNORDERED_PAIRS.has(name)) typed = sortChunks(typed, 2);
    else if (name in SCAN_LIKE && Array.isArray(typed[1]))
      typed = [typed[0], sortChunks(typed[1], SCAN_LIKE[name])];
  }
  return formatReply(typed);
}

/** Whether two time readings of the same command agree within its bound. */
export function withinTimeBound(command: string, a: unknown, b: unknown): boolean {
  const bound = TIME_BOUND[command.toLowerCase()];
  const [x, y] = [Number(a), Number(b)];
  return (
    bound !== undefined &&
    Number.isInteger(x) &&
    Number.isInteger(y) &&
    x >= 0 &&
    y >= 0 &&
    Math.abs(x - y) <= bound
  );
}
