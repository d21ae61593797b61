// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import {
  adoptEarlyRun,
  EARLY_RUN_SCRIPT,
  QUEUED_ATTRIBUTE,
  replayEarlyClick,
  takeEarlyRun,
} from '../../src/components/workspace/early-run.ts';
import { removeInlineScriptListeners, runInlineScript } from '../helpers/inline-script.ts';

/** A prerendered page: the inline script from <head>, then a Run button and some text. */
function prerenderedPage(): HTMLButtonElement {
  document.body.innerHTML =
    '<h1>Lesson</h1><button type="button" class="run-button">Run checks</button>';
  runInlineScript(EARLY_RUN_SCRIPT);
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
  afterEach(() => {
    removeInlineScriptListeners();
    document.body.innerHTML = '';
    takeEarlyRun();
    replayEarlyClick(); // drops a click a test left unreplayed (its control has gone)
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

  describe('other buttons and tabs', () => {
    /** A prerendered page with the controls a learner may click before the app is live. */
    function pageWithControls(): Record<string, HTMLElement> {
      document.body.innerHTML = `<div id="root">
        <button type="button" class="run-button">Run checks</button>
        <button type="button" role="tab" id="solution"><span>Solution</span></button>
        <button type="button" id="try">Try it</button>
        <button type="button" popovertarget="menu" id="menu-button">Lessons</button>
        <button type="button" class="theme-toggle" id="theme">Switch to dark theme</button>
      </div><button type="button" id="outside">Outside the app</button>`;
      runInlineScript(EARLY_RUN_SCRIPT);
      const byId = (id: string) => document.getElementById(id)!;
      return Object.fromEntries(
        ['solution', 'try', 'menu-button', 'theme', 'outside'].map((id) => [id, byId(id)]),
      );
    }

    /** Counts clicks on `element` from now on (the replayed one included). */
    function countClicks(element: HTMLElement): () => number {
      let count = 0;
      element.addEventListener('click', () => count++);
      return () => count;
    }

    it('clicks the last one again once the app is live, once, from a click on any part of it', () => {
      const controls = pageWithControls();
      controls.try.click();
      controls.solution.querySelector('span')!.click();
      const solutionClicks = countClicks(controls.solution);
      const tryClicks = countClicks(controls.try);
      adoptEarlyRun();
      expect(solutionClicks()).toBe(0); // not before the app is live
      replayEarlyClick();
      replayEarlyClick();
      expect(solutionClicks()).toBe(1);
      expect(tryClicks()).toBe(0);
      // Neither a Run nor anything else: the Run has its own hand-over.
      expect(takeEarlyRun()).toBe(false);
    });

    it('leaves popover buttons, the theme toggle and buttons outside the app alone', () => {
      const controls = pageWithControls();
      for (const id of ['menu-button', 'theme', 'outside']) {
        controls[id].click();
        const clicks = countClicks(controls[id]);
        adoptEarlyRun();
        replayEarlyClick();
        expect(clicks(), id).toBe(0);
        delete (window as unknown as Record<string, unknown>).__cachelabEarlyRun;
        runInlineScript(EARLY_RUN_SCRIPT);
      }
    });

    it('does not replay a Run click, nor a click on a control that has gone', () => {
      const controls = pageWithControls();
      (document.querySelector('.run-button') as HTMLElement).click();
      adoptEarlyRun();
      replayEarlyClick();
      expect(takeEarlyRun()).toBe(true);

      delete (window as unknown as Record<string, unknown>).__cachelabEarlyRun;
      runInlineScript(EARLY_RUN_SCRIPT);
      controls.solution.click();
      const clicks = countClicks(controls.solution);
      controls.solution.remove();
      adoptEarlyRun();
      replayEarlyClick();
      expect(clicks()).toBe(0);
    });

    it('ignores clicks once the app has taken over (React has them)', () => {
      const controls = pageWithControls();
      adoptEarlyRun();
      controls.solution.click();
      const clicks = countClicks(controls.solution);
      replayEarlyClick();
      expect(clicks()).toBe(0);
    });
  });
});
