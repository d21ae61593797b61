import { describe, expect, test } from 'vitest';
import { parseCliLine } from '../../src/redis/cli-parse.ts';

const text = (line: string) => parseCliLine(line)?.map((a) => new TextDecoder().decode(a)) ?? null;
const bytes = (line: string) => parseCliLine(line)?.map((a) => [...a]) ?? null;

describe(parseCliLine, () => {
  test('splits on blanks and ignores leading, trailing and repeated spaces', () => {
    expect(text('  SET   k  v ')).toEqual(['SET', 'k', 'v']);
    expect(text('')).toEqual([]);
    expect(text(' \t ')).toEqual([]);
  });

  test('keeps spaces inside double and single quotes', () => {
    expect(text('SET "my key" \'a value\'')).toEqual(['SET', 'my key', 'a value']);
  });

  test('understands \\n \\r \\t \\b \\a \\\\ \\" and any other escaped char in double quotes', () => {
    expect(text('"a\\nb\\rc\\td\\be\\af\\\\g\\"h\\zi"')).toEqual(['a\nb\rc\td\be\x07f\\g"hzi']);
  });

  test('turns \\xHH into the raw byte, even when it is not valid UTF-8', () => {
    expect(bytes('"\\x00\\x41\\xff"')).toEqual([[0x00, 0x41, 0xff]]);
    expect(text('"\\xZZ"')).toEqual(['xZZ']);
  });

  test("single quotes only unescape \\'", () => {
    expect(text("'it\\'s \\n raw'")).toEqual(["it's \\n raw"]);
  });

  test('a quote may start inside a token', () => {
    expect(text('SET a"b c" v')).toEqual(['SET', 'ab c', 'v']);
  });

  test('rejects unbalanced quotes and a closing quote followed by a non-blank', () => {
    expect(parseCliLine('SET "unbalanced v')).toBeNull();
    expect(parseCliLine("SET 'open")).toBeNull();
    expect(parseCliLine('SET "a"b v')).toBeNull();
    expect(parseCliLine("SET 'a'b v")).toBeNull();
  });

  test('encodes non-ASCII input as UTF-8 bytes', () => {
    expect(bytes('é')).toEqual([[0xc3, 0xa9]]);
    expect(text('SET k "héllo ✓"')).toEqual(['SET', 'k', 'héllo ✓']);
  });
});
