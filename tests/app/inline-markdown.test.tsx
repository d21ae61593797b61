// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { InlineMarkdown, inlineSegments } from '../../src/components/InlineMarkdown.tsx';

afterEach(cleanup);

describe('inlineSegments', () => {
  it('splits text and code spans, CommonMark style', () => {
    expect(inlineSegments('Use `SET` with `EX`.')).toEqual([
      { text: 'Use ', code: false },
      { text: 'SET', code: true },
      { text: ' with ', code: false },
      { text: 'EX', code: true },
      { text: '.', code: false },
    ]);
    // Double backticks hold a single one; one space of padding is stripped.
    expect(inlineSegments('``` `` a ` b ``')).toEqual([
      { text: '``` ', code: false },
      { text: 'a ` b', code: true },
    ]);
    // An unclosed backtick is text.
    expect(inlineSegments('a ` b')).toEqual([{ text: 'a ` b', code: false }]);
  });
});

describe(InlineMarkdown, () => {
  it('renders code spans as <code> and HTML as text, never markup', () => {
    const { container } = render(
      <InlineMarkdown source={'Call `redis.get(key)` then <img src=x onerror=alert(1)>'} />,
    );
    expect(container.querySelector('code')?.textContent).toBe('redis.get(key)');
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe('Call redis.get(key) then <img src=x onerror=alert(1)>');
  });
});
