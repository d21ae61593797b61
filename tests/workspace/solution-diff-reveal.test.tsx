// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SolutionDiff } from '../../src/components/workspace/SolutionDiff.tsx';

/**
 * The diff opens where the learner is looking: when it mounts with its top off screen (below the
 * fold, or above it), it is scrolled into view; on screen, nothing moves.
 */
describe('SolutionDiff on opening', () => {
  // This worker's other files share the prototype: put back whatever was there (jsdom has none).
  const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'scrollIntoView');
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
    if (original) Object.defineProperty(HTMLElement.prototype, 'scrollIntoView', original);
    else delete (HTMLElement.prototype as { scrollIntoView?: unknown }).scrollIntoView;
  });

  function openAt(top: number) {
    vi.spyOn(window, 'innerHeight', 'get').mockReturnValue(844);
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
      top,
      bottom: top + 500,
      left: 0,
      right: 300,
      x: 0,
      y: top,
      width: 300,
      height: 500,
      toJSON: () => ({}),
    });
    const scroll = vi.fn();
    // jsdom has no scrollIntoView.
    Object.defineProperty(HTMLElement.prototype, 'scrollIntoView', {
      value: scroll,
      configurable: true,
    });
    render(<SolutionDiff code={'const a = 1;\n'} solution={'const a = 2;\n'} />);
    return scroll;
  }

  it('scrolls a diff that opens below the screen into view, as little as possible', () => {
    const scroll = openAt(854);
    expect(scroll).toHaveBeenCalledTimes(1);
    expect(scroll).toHaveBeenCalledWith({ block: 'nearest' });
  });

  it('scrolls a diff whose top is above the screen, or too near its bottom edge', () => {
    expect(openAt(-20)).toHaveBeenCalledTimes(1);
    cleanup();
    expect(openAt(800)).toHaveBeenCalledTimes(1);
  });

  it('leaves a diff that opens on screen where it is (control)', () => {
    expect(openAt(114)).not.toHaveBeenCalled();
  });
});
