import { describe, expect, it } from 'vitest';
import { quoteBytes } from '../../src/redis/cli-format.ts';

/**
 * quoteBytes has a fast path for printable ASCII (JSON values, mostly), which only escapes `\`
 * and `"`. It must print exactly what redis-cli's byte-by-byte sdscatrepr prints, written out
 * here as the reference.
 */
function sdscatrepr(bytes: Uint8Array): string {
  const named: Record<number, string> = {
    0x5c: '\\\\',
    0x22: '\\"',
    0x0a: '\\n',
    0x0d: '\\r',
    0x09: '\\t',
    0x07: '\\a',
    0x08: '\\b',
  };
  let out = '"';
  for (const b of bytes)
    out +=
      named[b] ??
      (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`);
  return `${out}"`;
}

const encoder = new TextEncoder();

describe('quoteBytes on printable ASCII', () => {
  const cases = [
    '{"id":42,"name":"Ada Lovelace","email":"ada@example.com"}',
    'C:\\path\\"quoted"\\',
    '\\\\""\\"',
    ' !#~',
    '',
  ];
  it.each(cases)('%s', (text) => {
    expect(quoteBytes(text)).toBe(sdscatrepr(encoder.encode(text)));
    // The same bytes as a Uint8Array take the byte path: both must agree.
    expect(quoteBytes(encoder.encode(text))).toBe(quoteBytes(text));
  });

  it('agrees with the reference on every printable ASCII character', () => {
    let all = '';
    for (let c = 0x20; c <= 0x7e; c++) all += String.fromCharCode(c);
    expect(quoteBytes(all)).toBe(sdscatrepr(encoder.encode(all)));
    for (let c = 0x20; c <= 0x7e; c++) {
      const one = `a${String.fromCharCode(c)}"`;
      expect(quoteBytes(one)).toBe(sdscatrepr(encoder.encode(one)));
    }
  });

  it('leaves control and non-ASCII characters to the byte path (control)', () => {
    for (const text of ['tab\there "q"', 'line\n"x"', 'é"', '\u007f"', '😀\\']) {
      expect(quoteBytes(text)).toBe(sdscatrepr(encoder.encode(text)));
      expect(quoteBytes(text)).toMatch(/\\[ntx]/);
    }
  });
});
