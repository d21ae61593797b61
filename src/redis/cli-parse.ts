/**
 * redis-cli's input parsing (sdssplitargs in sds.c), byte for byte.
 *
 * - Blanks (space, \t, \n, \r, \v, \f) separate arguments.
 * - "double quotes" understand \n \r \t \b \a, \xHH and \<any> (the char itself).
 * - 'single quotes' understand only \'.
 * - A closing quote must be followed by a blank or the end; an unclosed quote is an error.
 * - A quote can start in the middle of a token: a"b c" is one argument, `ab c`.
 * Arguments are bytes (a \xHH escape may produce invalid UTF-8), so the parser works on the
 * UTF-8 encoding of the line.
 */

/** The message redis-cli prints when a line cannot be parsed. */
export const INVALID_ARGUMENTS = 'Invalid argument(s)';

const isSpace = (b: number | undefined) =>
  b === 0x20 || (b !== undefined && b >= 0x09 && b <= 0x0d);
const isHex = (b: number | undefined) =>
  b !== undefined &&
  ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
const hexValue = (b: number) => (b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10);

const ESCAPES: Record<number, number> = {
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
  0x62: 0x08,
  0x61: 0x07,
};

/** Splits a line into arguments as redis-cli does; null when quotes are unbalanced. */
export function parseCliLine(line: string): Uint8Array[] | null {
  const p = new TextEncoder().encode(line);
  const out: Uint8Array[] = [];
  let i = 0;
  for (;;) {
    while (i < p.length && isSpace(p[i])) i++;
    if (i >= p.length) return out;
    const current: number[] = [];
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      const c = p[i];
      if (inq) {
        if (c === 0x5c && p[i + 1] === 0x78 && isHex(p[i + 2]) && isHex(p[i + 3])) {
          current.push(hexValue(p[i + 2]) * 16 + hexValue(p[i + 3]));
          i += 3;
        } else if (c === 0x5c && i + 1 < p.length) {
          i++;
          current.push(ESCAPES[p[i]] ?? p[i]);
        } else if (c === 0x22) {
          if (i + 1 < p.length && !isSpace(p[i + 1])) return null;
          done = true;
        } else if (c === undefined) return null;
        else current.push(c);
      } else if (insq) {
        if (c === 0x5c && p[i + 1] === 0x27) {
          i++;
          current.push(0x27);
        } else if (c === 0x27) {
          if (i + 1 < p.length && !isSpace(p[i + 1])) return null;
          done = true;
        } else if (c === undefined) return null;
        else current.push(c);
      } else if (c === undefined || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)
        done = true;
      else if (c === 0x22) inq = true;
      else if (c === 0x27) insq = true;
      else current.push(c);
      if (i < p.length) i++;
    }
    out.push(Uint8Array.from(current));
  }
}
