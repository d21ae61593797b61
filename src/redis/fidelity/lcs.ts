/**
 * LCS with LEN, IDX, MINMATCHLEN and WITHMATCHLEN, as lcsCommand in Redis 7.0's t_string.c:
 * the same dynamic-programming table and the same backward walk, so ties between equally long
 * subsequences resolve the way Redis resolves them.
 */
import { ERR, replyError } from '../reply-error.ts';
import { fromBytes, toBytes, toText } from '../bytes.ts';
import { keyOf, lookup, typeOf } from './keyspace.ts';
import { intArg } from './numbers.ts';
import type { Arg, Ctx, FamilyModule, Reply } from './types.ts';

/**
 * The sandbox's bound on the table (cells of 4 bytes): Redis allocates (alen+1)*(blen+1) cells,
 * which a learner's two 100 kB strings would turn into 40 GB. Past this, a clear error.
 */
const MAX_CELLS = 16 * 1024 * 1024;

function stringAt(ctx: Ctx, key: string): Uint8Array {
  const value = lookup(ctx, key);
  if (value === undefined) return new Uint8Array(0);
  if (typeOf(value) !== 'string')
    throw replyError('ERR The specified keys must contain string values');
  return toBytes(value as string | Uint8Array);
}

function lcs(ctx: Ctx, args: Arg[]): Reply {
  const a = stringAt(ctx, keyOf(args[0]));
  const b = stringAt(ctx, keyOf(args[1]));
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0n;
  for (let j = 2; j < args.length; j++) {
    const opt = toText(args[j]).toLowerCase();
    const more = args.length - 1 - j;
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      minMatchLen = intArg(args[++j]);
      if (minMatchLen < 0n) minMatchLen = 0n;
    } else throw replyError(ERR.syntax);
  }
  if (getIdx && getLen)
    throw replyError('ERR If you want both the length and indexes, please just use IDX.');
  const alen = a.length;
  const blen = b.length;
  if ((alen + 1) * (blen + 1) > MAX_CELLS)
    throw replyError(
      `ERR cachelab's sandbox limits LCS to strings whose lengths multiply to ${MAX_CELLS}`,
    );
  const width = blen + 1;
  const table = new Uint32Array((alen + 1) * width);
  const at = (i: number, j: number) => table[j + i * width];
  for (let i = 1; i <= alen; i++)
    for (let j = 1; j <= blen; j++)
      table[j + i * width] =
        a[i - 1] === b[j - 1] ? at(i - 1, j - 1) + 1 : Math.max(at(i - 1, j), at(i, j - 1));
  const length = at(alen, blen);
  if (getLen) return length;

  const result = new Uint8Array(length);
  const matches: Reply[] = [];
  let idx = length;
  let i = alen;
  let j = blen;
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    const matchLen = aEnd - aStart + 1;
    if (emit) {
      if (minMatchLen === 0n || BigInt(matchLen) >= minMatchLen) {
        const entry: Reply[] = [
          [aStart, aEnd],
          [bStart, bEnd],
        ];
        if (withMatchLen) entry.push(matchLen);
        matches.push(entry);
      }
      aStart = alen;
    }
  }
  if (getIdx) return ['matches', matches, 'len', length];
  return fromBytes(result);
}

/** LCS, grouped with the strings family. */
export const lcsCommand: FamilyModule = {
  family: 'strings',
  commands: { lcs },
};
