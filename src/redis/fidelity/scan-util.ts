/** HSCAN, SSCAN and ZSCAN share cursor parsing, MATCH and paging with SCAN. */
import { cursorArg, parseScanOptions, scanPage } from './keys.ts';
import { globMatch } from './keyspace.ts';
import type { Arg, Reply } from './types.ts';

/**
 * Small collections (Redis's listpack/intset encodings) come back whole with cursor 0,
 * whatever COUNT says, as Redis does; larger ones are paged by COUNT.
 */
export function scanCollection<T>(
  args: Arg[],
  items: T[] | undefined,
  nameOf: (item: T) => string,
  render: (item: T) => Reply[],
  smallSize: number,
): Reply {
  const cursor = cursorArg(args[0]);
  const { match, count } = parseScanOptions(args.slice(1), false);
  if (items === undefined) return ['0', []];
  const { next, page } =
    items.length <= smallSize
      ? { next: 0, page: cursor === 0 ? items : [] }
      : scanPage(items, cursor, count);
  const out = page
    .filter((item) => match === null || globMatch(match, nameOf(item)))
    .flatMap(render);
  return [String(next), out];
}
