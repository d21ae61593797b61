/**
 * Check failures as learners read them: chai's "expected … to deeply equal …" sentence, printed
 * in full (no "…(1)" hiding the field that differs) and with 0 as 0 (not chai's "+0"), followed
 * by the fields that differ, one per line: "at user.name: expected 'Ada', received 'Bob'".
 */
import { inspect } from './inspect.ts';

/** Most differing fields listed under a failure. */
const MAX_DIFFS = 8;

interface AssertionLike {
  message: string;
  actual?: unknown;
  expected?: unknown;
  showDiff?: boolean;
}

/** Whether `error` looks like chai's AssertionError (own data properties only). */
export function asAssertion(error: unknown): AssertionLike | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const message = Object.getOwnPropertyDescriptor(error, 'message')?.value;
  if (typeof message !== 'string') return undefined;
  const read = (key: string) => Object.getOwnPropertyDescriptor(error, key)?.value;
  return {
    message,
    actual: read('actual'),
    expected: read('expected'),
    showDiff: read('showDiff'),
  };
}

/** chai's message without "+0" and with the differing fields listed below it. */
export function formatAssertion(assertion: AssertionLike): string {
  const head = assertion.message
    .replace(/^AssertionError: /, '')
    .replace(/(^|[\s[{(,:])\+0(?=$|[\s\]},)])/g, '$10');
  if (!assertion.showDiff) return head;
  const { actual, expected } = assertion;
  if (!isContainer(actual) || !isContainer(expected)) return head;
  const diffs: string[] = [];
  diff(expected, actual, '', diffs, 0);
  if (diffs.length === 0) return head;
  const shown = diffs.slice(0, MAX_DIFFS);
  if (diffs.length > MAX_DIFFS) shown.push(`… and ${diffs.length - MAX_DIFFS} more differences`);
  return `${head}\n${shown.join('\n')}`;
}

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

function show(value: unknown): string {
  const text = inspect(value).replace(/\s*\n\s*/g, ' ');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function diff(expected: unknown, actual: unknown, path: string, out: string[], depth: number) {
  if (out.length > MAX_DIFFS) return;
  if (Object.is(expected, actual)) return;
  const where = path || '(top level)';
  if (!isContainer(expected) || !isContainer(actual) || depth > 16) {
    if (!sameLeaf(expected, actual))
      out.push(`at ${where}: expected ${show(expected)}, received ${show(actual)}`);
    return;
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) {
    out.push(`at ${where}: expected ${show(expected)}, received ${show(actual)}`);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length)
      out.push(
        `at ${path ? `${path}.length` : 'length'}: expected ${expected.length}, received ${actual.length}`,
      );
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) diff(expected[i], actual[i], `${path}[${i}]`, out, depth + 1);
    return;
  }
  if (expected instanceof Map || expected instanceof Set || expected instanceof Date) {
    if (show(expected) !== show(actual))
      out.push(`at ${where}: expected ${show(expected)}, received ${show(actual)}`);
    return;
  }
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of keys) {
    const child = path ? `${path}.${key}` : key;
    const inExpected = Object.prototype.hasOwnProperty.call(expected, key);
    const inActual = Object.prototype.hasOwnProperty.call(actual, key);
    if (!inActual)
      out.push(
        `at ${child}: expected ${show((expected as Record<string, unknown>)[key])}, missing`,
      );
    else if (!inExpected)
      out.push(
        `at ${child}: not expected, received ${show((actual as Record<string, unknown>)[key])}`,
      );
    else
      diff(
        (expected as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        child,
        out,
        depth + 1,
      );
  }
}

function sameLeaf(a: unknown, b: unknown): boolean {
  if (isContainer(a) && isContainer(b)) return show(a) === show(b);
  return Object.is(a, b);
}
