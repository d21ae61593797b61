/**
 * scripts/one-byte-source.mjs: the runner child's bundle is rewritten so V8 keeps its source as a
 * one-byte string (half the size in every child's startup snapshot). The rewrite must never
 * change what the code does, so each case evaluates the code before and after; the controls are
 * a naive rewrite (every wide character as `\uXXXX`, nothing else considered), which does change
 * it in the cases the module guards against.
 */
import { describe, expect, test } from 'vitest';
import { oneByteSource } from '../../scripts/one-byte-source.mjs';

/** The completion value of the script `source` (its last expression statement). */
const run = (source: string): unknown => (0, eval)(source) as unknown;

/** The rewrite this module must not be: every wide character escaped, blindly. */
const naive = (source: string): string =>
  source.replace(/[\u0100-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const wide = /[\u0100-\uffff]/;

describe(oneByteSource, () => {
  test('writes wide characters as escapes that mean the same in strings, templates, regexps, identifiers and comments', () => {
    const source = [
      '// a comment → with “quotes” and …',
      'const π = 3.14; /* Σ */',
      'const text = "a … b";',
      "const single = 'ω';",
      'const tpl = `${text} — ${π}`;',
      'const plain = /[α-ω]+→/.exec("xαβγ→y")[0];',
      'const unicode = /…|—/u.test("—");',
      'const kept = "café";', // Latin-1 stays as it is (V8 stores it in one byte)
      '[π, text, single, tpl, plain, unicode, kept];',
    ].join('\n');
    const { source: out, escaped } = oneByteSource(source);
    expect(escaped).toBeGreaterThan(10);
    expect(out).not.toMatch(wide);
    expect(out).toContain('café');
    expect(run(out)).toEqual(run(source));
  });

  test('an identity escape before a wide character ("\\…", /\\→/) keeps its meaning', () => {
    const source = String.raw`["\…", /\→/.test("→"), "\\…"];`;
    const { source: out } = oneByteSource(source);
    expect(out).not.toMatch(wide);
    expect(run(out)).toEqual(['…', true, '\\…']);
    expect(run(out)).toEqual(run(source));
    // Control: escaping blindly turns "\…" into "\\u2026", a backslash and five letters.
    expect(run(naive(source))).not.toEqual(run(source));
  });

  test('leaves a source unchanged when a tagged template holds a wide character (String.raw would see the escape)', () => {
    const source = 'String.raw`a→b` + "…";';
    const result = oneByteSource(source);
    expect(result).toEqual({ source, escaped: 0, reason: expect.stringContaining('tagged') });
    // Control: escaping it blindly changes what String.raw returns.
    expect(run(naive(source))).not.toBe(run(source));
  });

  test('leaves a source with characters outside the BMP unchanged', () => {
    const source = 'const 𝑥 = "…"; 𝑥;';
    expect(oneByteSource(source)).toEqual({
      source,
      escaped: 0,
      reason: expect.stringContaining('BMP'),
    });
    expect(run(source)).toBe('…');
    // Control: escaped as two code units, the identifier is no longer JavaScript.
    expect(() => run(naive(source))).toThrow(SyntaxError);
  });

  test('returns a source without wide characters as it is', () => {
    const source = '"plain ascii and latin-1: é";';
    expect(oneByteSource(source)).toEqual({ source, escaped: 0 });
  });
});
