/** HSCAN, SSCAN and ZSCAN share cursor parsing, MATCH and paging with SCAN. */
import { cursorArg, parseScanOptions } from './keys.ts';
import { globMatch } from './keyspace.ts';
import { dictScan } from './dict.ts';
import type { Arg, Reply } from './types.ts';

/**
 * One page of a collection. Compact encodings (listpack, intset) come back whole with cursor 0,
 * whatever the cursor and COUNT say, in their stored order, as Redis does. Hashtable and skiplist
 * encodings are walked like Redis's dict (dict.ts): COUNT is a hint, pages are uneven and can be
 * empty after MATCH while the cursor goes on.
 */
export function scanCollection(
  args: Arg[],
  names: string[] | undefined,
  compact: boolean,
  render: (name: string) => Reply[],
): Reply {
  const cursor = cursorArg(args[0]);
  const { match, count } = parseScanOptions(args.slice(1), false);
  if (names === undefined) return ['0', []];
  const { next, page } = compact ? { next: 0n, page: names } : dictScan(names, cursor, count);
  const out = page.filter((name) => match === null || globMatch(match, name)).flatMap(render);
  return [String(next), out];
}
