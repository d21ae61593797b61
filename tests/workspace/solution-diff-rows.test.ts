import { describe, expect, it } from 'vitest';
import { inlineLines, sideBySideRows } from '../../src/components/workspace/solution-diff-rows.ts';

describe(sideBySideRows, () => {
  it('pairs a changed line with its replacement and numbers each side on its own', () => {
    const rows = sideBySideRows('a\nold\nc\n', 'a\nnew\nextra\nc\n');
    expect(rows).toEqual([
      {
        mine: { number: 1, text: 'a', changed: false },
        solution: { number: 1, text: 'a', changed: false },
      },
      {
        mine: { number: 2, text: 'old', changed: true },
        solution: { number: 2, text: 'new', changed: true },
      },
      { solution: { number: 3, text: 'extra', changed: true } },
      {
        mine: { number: 3, text: 'c', changed: false },
        solution: { number: 4, text: 'c', changed: false },
      },
    ]);
  });

  it('shows lines only the learner has on the left alone', () => {
    expect(sideBySideRows('a\nmine\n', 'a\n')).toEqual([
      {
        mine: { number: 1, text: 'a', changed: false },
        solution: { number: 1, text: 'a', changed: false },
      },
      { mine: { number: 2, text: 'mine', changed: true } },
    ]);
  });
});

describe(inlineLines, () => {
  it('marks lines only in the learner code and only in the solution', () => {
    expect(inlineLines('a\nold\n', 'a\nnew\n')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'mine', text: 'old' },
      { kind: 'solution', text: 'new' },
    ]);
  });
});
