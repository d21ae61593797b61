/** C's `%.<precision>g` for doubles, as Redis (`%.17g`) and Lua 5.1 (`%.14g`) print numbers. */

function signBit(n: number): boolean {
  return n < 0 || Object.is(n, -0);
}

/** `printf("%.<precision>g", n)` as glibc prints it, including `inf`, `-inf`, `nan` and `-0`. */
export function formatG(n: number, precision: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return signBit(n) ? '-0' : '0';
  const exponential = n.toExponential(precision - 1);
  const exponent = Number(exponential.slice(exponential.indexOf('e') + 1));
  if (exponent < -4 || exponent >= precision) {
    const [mantissa] = exponential.split('e');
    const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
    const sign = exponent < 0 ? '-' : '+';
    return `${trimmed}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = n.toFixed(Math.max(0, precision - 1 - exponent));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** A Lua number passed to redis.call, as Redis 7 formats it (`%.17g`; integers exactly). */
export function redisArgNumber(n: number, isInteger: boolean): string {
  return isInteger ? String(n) : formatG(n, 17);
}

/** A Lua number as Lua 5.1's `tostring` prints it (`%.14g`, no `.0` suffix). */
export function lua51Number(n: number, isInteger: boolean): string {
  return isInteger ? String(n) : formatG(n, 14);
}
