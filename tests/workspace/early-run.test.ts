// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  adoptEarlyRun,
  EARLY_RUN_SCRIPT,
  QUEUED_ATTRIBUTE,
  takeEarlyRun,
} from '../../src/components/workspace/early-run.ts';

/** A prerendered page: the inline script from <head>, then a Run button and some text. */
function prerenderedPage(): HTMLButtonElement {
  document.body.innerHTML =
    '<h1>Lesson</h1><button type="button" class="run-button">Run checks</button>';
  new Function(EARLY_RUN_SCRIPT)();
  return document.querySelector('button')!;
}

function ctrlEnter(target: Element) {
  const event = new KeyboardEvent('keydown', {
    key: 'Enter',
    ctrlKey: true,
    bubbles: true,
    cancelable: true,
  });
  target.dispatchEvent(event);
  return event;
}

describe('early-run', () => {
  let listeners: Parameters<typeof document.addEventListener>[] = [];
  beforeEach(() => {
    // The script adds capture listeners to `document`; collect them so each test starts clean.
    listeners = [];
    const add = document.addEventListener.bind(document);
    vi.spyOn(document, 'addEventListener').mockImplementation((...args) => {
      listeners.push(args as Parameters<typeof document.addEventListener>);
      add(...(args as Parameters<typeof document.addEventListener>));
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    for (const [type, listener, options] of listeners)
      document.removeEventListener(type, listener, options);
    takeEarlyRun();
    delete (window as unknown as Record<string, unknown>).__cachelabEarlyRun;
  });

  it('keeps a Run click made before the app took over, marks the button, and hands it over once', () => {
    const button = prerenderedPage();
    button.click();
    expect(button.hasAttribute(QUEUED_ATTRIBUTE)).toBe(true);
    adoptEarlyRun();
    expect(takeEarlyRun()).toBe(true);
    expect(button.hasAttribute(QUEUED_ATTRIBUTE)).toBe(false);
    expect(takeEarlyRun()).toBe(false);
  });

  it('keeps Ctrl+Enter pressed anywhere before the app took over', () => {
    prerenderedPage();
    const event = ctrlEnter(document.querySelector('h1')!);
    expect(event.defaultPrevented).toBe(true);
    adoptEarlyRun();
    expect(takeEarlyRun()).toBe(true);
  });

  it('hands over nothing without a click, and ignores clicks once the app has taken over', () => {
    const button = prerenderedPage();
    document.querySelector('h1')!.click();
    adoptEarlyRun();
    expect(takeEarlyRun()).toBe(false);
    // From here on React handles (and replays) clicks itself: no second run.
    button.click();
    expect(ctrlEnter(button).defaultPrevented).toBe(false);
    adoptEarlyRun();
    expect(takeEarlyRun()).toBe(false);
    expect(button.hasAttribute(QUEUED_ATTRIBUTE)).toBe(false);
  });

  it('does nothing on a page that was not prerendered (no inline script)', () => {
    adoptEarlyRun();
    expect(takeEarlyRun()).toBe(false);
  });
});
