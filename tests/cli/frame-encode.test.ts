/**
 * `encodeFrame` writes a message straight into its frame: the header must still be the body's
 * length in UTF-8 bytes (not in UTF-16 code units), or the reader cuts the stream in the wrong
 * place and every later message is garbage.
 */
import { describe, expect, test } from 'vitest';
import { encodeFrame, frameReader } from '../../src/cli/frame-channel.ts';

const texts: [string, string][] = [
  ['empty', ''],
  ['ASCII', 'm{"type":"ready","startupMs":12.5}'],
  ['accents and an emoji', 'mhéllo 😀 wörld'],
  ['a lone surrogate (written as U+FFFD)', 'm\ud800 lone'],
  ['a long message', `m${'ü'.repeat(70_000)}`],
];

describe(encodeFrame, () => {
  test.each(texts)('%s: header is the UTF-8 length, body the UTF-8 bytes', (_name, text) => {
    const frame = encodeFrame(text);
    const body = Buffer.from(text, 'utf8');
    expect(frame.readUInt32BE(0)).toBe(body.length);
    expect(frame.subarray(4).equals(body)).toBe(true);
  });

  test('frames of multi-byte text read back one by one, whatever the chunking', () => {
    const all = Buffer.concat(texts.map(([, text]) => encodeFrame(text)));
    const got: string[] = [];
    const read = frameReader(1 << 20, { onFrame: (t) => got.push(t), onOversize: () => {} });
    for (let i = 0; i < all.length; i += 7) read(all.subarray(i, i + 7));
    expect(got).toEqual(texts.map(([, text]) => Buffer.from(text, 'utf8').toString('utf8')));
  });

  test('control: a header of UTF-16 length would misframe the same text', () => {
    const text = 'mhéllo 😀';
    expect(Buffer.byteLength(text, 'utf8')).not.toBe(text.length);
  });
});
