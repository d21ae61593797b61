import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeFrames, frameReader } from '../../src/cli/frame-channel.ts';

/** Several messages in one write (the runner child's `postMany`) read back as separate frames. */
describe('encodeFrames', () => {
  const texts = ['m{"type":"check"}', 'm{"type":"checkStart","name":"Grüße 😀"}', '', 'm{}'];

  it('is the frames of each text, back to back', () => {
    expect(encodeFrames(texts)).toEqual(Buffer.concat(texts.map((t) => encodeFrame(t))));
  });

  it('reads back as the same texts in order, however the bytes are split', () => {
    const bytes = encodeFrames(texts);
    for (const size of [1, 3, 7, bytes.length]) {
      const read: string[] = [];
      const onData = frameReader(1024, { onFrame: (t) => read.push(t), onOversize: () => {} });
      for (let i = 0; i < bytes.length; i += size) onData(bytes.subarray(i, i + size));
      expect(read).toEqual(texts);
    }
  });

  it('is empty for no texts (control: one text is one frame)', () => {
    expect(encodeFrames([])).toHaveLength(0);
    expect(encodeFrames(['ab'])).toEqual(encodeFrame('ab'));
  });
});
