// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  adoptEarlyTheme,
  currentTheme,
  EARLY_THEME_SCRIPT,
  THEME_STORAGE_KEY,
} from '../../src/hooks/use-theme.ts';
import { removeInlineScriptListeners, runInlineScript } from '../helpers/inline-script.ts';

function preferDark(matches: boolean) {
  vi.stubGlobal(
    'matchMedia',
    vi.fn((query: string) => ({ matches: matches && query === '(prefers-color-scheme: dark)' })),
  );
}

/** A prerendered page: the inline script from <head>, then the header's toggle (icon and label). */
function prerenderedPage(): { icon: HTMLElement; button: HTMLButtonElement } {
  document.body.innerHTML =
    '<h1>Lesson</h1><button type="button" class="theme-toggle"><span class="theme-toggle-icon">☾</span><span>Switch to dark theme</span></button>';
  runInlineScript(EARLY_THEME_SCRIPT);
  return {
    icon: document.querySelector('.theme-toggle-icon')!,
    button: document.querySelector('button')!,
  };
}

const theme = () => document.documentElement.dataset.theme;

describe('the theme toggle before the app takes over', () => {
  beforeEach(() => {
    localStorage.clear();
    delete document.documentElement.dataset.theme;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
    removeInlineScriptListeners();
    delete (window as unknown as Record<string, unknown>).__cachelabEarlyTheme;
    delete document.documentElement.dataset.theme;
    document.documentElement.style.colorScheme = '';
    localStorage.clear();
  });

  it('switches the page at once, from a tap on any part of the toggle, and remembers it', () => {
    preferDark(false);
    document.documentElement.dataset.theme = 'light'; // as index.html's theme script leaves it
    const { icon, button } = prerenderedPage();
    icon.click();
    expect(theme()).toBe('dark');
    expect(document.documentElement.style.colorScheme).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    button.click();
    expect(theme()).toBe('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
    // Elsewhere on the page, nothing.
    document.querySelector('h1')!.click();
    expect(theme()).toBe('light');
  });

  it('switches from the system setting when index.html could not set the theme', () => {
    preferDark(true);
    const { button } = prerenderedPage();
    button.click();
    expect(theme()).toBe('light');
  });

  it('stops when the app takes over, which then keeps the choice', () => {
    preferDark(false);
    document.documentElement.dataset.theme = 'light';
    const { button } = prerenderedPage();
    button.click();
    adoptEarlyTheme();
    expect(currentTheme()).toBe('dark');
    // From here on React handles the toggle: a second listener would switch it back.
    button.click();
    expect(theme()).toBe('dark');
  });

  it('keeps the choice for this visit where storage is blocked', () => {
    preferDark(false);
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    const { button } = prerenderedPage();
    button.click();
    expect(theme()).toBe('dark');
    expect(currentTheme()).toBe('light');
    adoptEarlyTheme();
    expect(currentTheme()).toBe('dark');
  });

  it('does nothing on a page that was not prerendered (no inline script)', () => {
    preferDark(false);
    adoptEarlyTheme();
    expect(currentTheme()).toBe('light');
  });
});
