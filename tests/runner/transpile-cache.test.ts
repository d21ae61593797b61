import { describe, expect, it } from 'vitest';
import { transpileLearner } from '../../src/runner/transpile.ts';
import { quoteBytes } from '../../src/redis/cli-format.ts';

describe('transpileLearner reuse of the last result', () => {
  it('returns the same code for the same source, and a copy each time', () => {
    const source = 'export const a: number = 1;\n';
    const first = transpileLearner(source);
    const second = transpileLearner(source);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });

  it('does not let a caller change what the next caller gets', () => {
    const source = 'let = ;\n';
    const first = transpileLearner(source);
    if (first.ok) throw new Error('expected a compile error');
    first.error.message = 'tampered';
    const second = transpileLearner(source);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.message).not.toBe('tampered');
  });

  it('transpiles new source instead of reusing the previous result', () => {
    const a = transpileLearner('export const a = 1;\n');
    const b = transpileLearner('export const b = 2;\n');
    expect(a.ok && b.ok && a.code !== b.code).toBe(true);
    if (b.ok) expect(b.code).toContain('b = 2');
  });
});

describe('quoteBytes fast path for plain ASCII', () => {
  it('renders plain and escaped strings exactly as the byte-by-byte path does', () => {
    const slow = (s: string) => quoteBytes(new TextEncoder().encode(s));
    for (const s of ['', 'user:42', 'popular_posts', 'a"b', 'a\\b', 'tab\there', 'é', '~ !#[]'])
      expect(quoteBytes(s)).toBe(slow(s));
  });
});
