/** Number parsing and formatting exactly as Redis does it (string2ll, strtod, %.17g, long double). */
import { ERR, replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import type { Arg } from './types.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Redis's string2ll: optional '-', digits, no '+', no spaces, no leading zeros, 64-bit range. */
export function parseInt64(arg: Arg): bigint | null {
  const s = toText(arg);
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? null : n;
}

/** An integer argument, or `ERR value is not an integer or out of range`. */
export function intArg(arg: Arg, message: string = ERR.notInteger): bigint {
  const n = parseInt64(arg);
  if (n === null) throw replyError(message);
  return n;
}

/** A small integer argument (indexes, counts) as a JS number. */
export function numArg(arg: Arg, message: string = ERR.notInteger): number {
  return Number(intArg(arg, message));
}

/** An integer reply: a number when exact, a bigint beyond 2^53 (ioredis converts it as its parser would). */
export function intReply(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n;
}

/** Whether a bigint fits Redis's signed 64-bit integers. */
export function inInt64(n: bigint): boolean {
  return n >= INT64_MIN && n <= INT64_MAX;
}

const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INF_RE = /^[+-]?inf(inity)?$/i;

/** Redis's string2d (strtod, whole string, no spaces, no NaN); null when invalid. */
export function parseDouble(arg: Arg): number | null {
  const s = toText(arg);
  if (INF_RE.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (!FLOAT_RE.test(s)) return null;
  return Number(s);
}

/** A float argument, or `ERR value is not a valid float`. */
export function doubleArg(arg: Arg, message: string = ERR.notFloat): number {
  const d = parseDouble(arg);
  if (d === null || Number.isNaN(d)) throw replyError(message);
  return d;
}

/** Formats a double the way Redis 7.0 replies with one (`%.17g`, `inf`, `-inf`). */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const [mant, expText] = d.toExponential(16).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 17) {
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = d.toFixed(Math.max(0, 16 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/**
 * x87 80-bit long double arithmetic for INCRBYFLOAT/HINCRBYFLOAT, which Redis computes in
 * long double and prints with "%.17Lf" (trailing zeros trimmed). A value is m * 2^e with a
 * 64-bit mantissa; everything is exact BigInt arithmetic with round-half-even.
 */
export interface LongDouble {
  m: bigint;
  e: number;
}

const LD_MAX_EXP = 16384;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function roundDiv(num: bigint, den: bigint): bigint {
  // round-half-even of num/den for den > 0
  const neg = num < 0n;
  const a = neg ? -num : num;
  let q = a / den;
  const r = a - q * den;
  if (r * 2n > den || (r * 2n === den && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

/** Rounds the rational num/den to the nearest long double. */
function toLongDouble(num: bigint, den: bigint): LongDouble {
  if (num === 0n) return { m: 0n, e: 0 };
  const a = num < 0n ? -num : num;
  let e = bitLength(a) - bitLength(den) - 64;
  for (;;) {
    const m = e >= 0 ? roundDiv(num, den << BigInt(e)) : roundDiv(num << BigInt(-e), den);
    const bits = bitLength(m < 0n ? -m : m);
    if (bits > 64) e += 1;
    else if (bits < 64) e -= 1;
    else return { m, e };
  }
}

function ldFromDecimal(text: string): LongDouble | null {
  const match = /^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] === '' && match[3] === '')) return null;
  const digits = BigInt((match[2] || '0') + match[3]) * (match[1] === '-' ? -1n : 1n);
  const exp10 = Number(match[4] ?? 0) - match[3].length;
  if (Math.abs(exp10) > 6000) return null;
  return exp10 >= 0
    ? toLongDouble(digits * 10n ** BigInt(exp10), 1n)
    : toLongDouble(digits, 10n ** BigInt(-exp10));
}

function ldAdd(x: LongDouble, y: LongDouble): LongDouble {
  const e = Math.min(x.e, y.e);
  const sum = (x.m << BigInt(x.e - e)) + (y.m << BigInt(y.e - e));
  return e >= 0 ? toLongDouble(sum << BigInt(e), 1n) : toLongDouble(sum, 1n << BigInt(-e));
}

function ldIsInfinite(x: LongDouble): boolean {
  return x.m !== 0n && x.e + 64 > LD_MAX_EXP;
}

function ldFormat(x: LongDouble): string {
  // "%.17Lf": the exact value rounded to 17 decimals
  const scaled =
    x.e >= 0 ? (x.m << BigInt(x.e)) * 10n ** 17n : roundDiv(x.m * 10n ** 17n, 1n << BigInt(-x.e));
  const neg = scaled < 0n;
  const digits = (neg ? -scaled : scaled).toString().padStart(18, '0');
  let out = `${digits.slice(0, -17)}.${digits.slice(-17)}`.replace(/0+$/, '').replace(/\.$/, '');
  if (neg && out !== '0') out = `-${out}`;
  return out;
}

/** Redis's string2ld: no spaces, no NaN; `inf` parses (and then fails the increment). */
export function parseLongDouble(text: string): LongDouble | 'inf' | null {
  if (INF_RE.test(text)) return 'inf';
  if (!FLOAT_RE.test(text)) return null;
  return ldFromDecimal(text);
}

/** a + b in long double, printed as Redis prints it; `ERR increment would produce NaN or Infinity`. */
export function sumLongDouble(a: LongDouble, b: LongDouble): string {
  const sum = ldAdd(a, b);
  if (ldIsInfinite(sum)) throw replyError(ERR.nanOrInf);
  return ldFormat(sum);
}

/** current + increment as Redis's INCRBYFLOAT computes and prints it. */
export function addLongDouble(current: string, increment: string): string {
  const a = parseLongDouble(current);
  const b = parseLongDouble(increment);
  if (a === null || b === null) throw replyError(ERR.notFloat);
  if (a === 'inf' || b === 'inf') throw replyError(ERR.nanOrInf);
  return sumLongDouble(a, b);
}
