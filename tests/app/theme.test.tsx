// @vitest-environment jsdom
import { screen, cleanup } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { THEME_STORAGE_KEY } from '../../src/hooks/use-theme.ts';
import { renderApp } from '../helpers/app-fixtures.tsx';

function preferDark(matches: boolean) {
  vi.stubGlobal(
    'matchMedia',
    vi.fn((query: string) => ({
      matches: matches && query === '(prefers-color-scheme: dark)',
      media: query,
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
    })),
  );
}

beforeEach(() => {
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('theme toggle', { timeout: 20_000 }, () => {
  it('names what it does, not the state it is in', () => {
    preferDark(false);
    renderApp('/');
    const toggle = screen.getByRole('button', { name: 'Switch to dark theme' });
    // A name that flips with the state and a pressed state would say the same thing twice.
    expect(toggle).not.toHaveAttribute('aria-pressed');
  });

  it('starts light when the system prefers light', () => {
    preferDark(false);
    renderApp('/');
    expect(screen.getByRole('button', { name: 'Switch to dark theme' })).toBeInTheDocument();
  });

  it('follows a system preference for dark', () => {
    preferDark(true);
    renderApp('/');
    expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeInTheDocument();
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('switches theme on click, applies it to <html> and remembers it across visits', async () => {
    preferDark(false);
    const user = userEvent.setup();
    renderApp('/');
    await user.click(screen.getByRole('button', { name: 'Switch to dark theme' }));
    expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeInTheDocument();
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');

    cleanup();
    renderApp('/lessons/key-value-basics');
    expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Switch to light theme' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
  });

  it('lets a remembered choice win over the system preference', () => {
    preferDark(true);
    localStorage.setItem(THEME_STORAGE_KEY, 'light');
    renderApp('/');
    expect(screen.getByRole('button', { name: 'Switch to dark theme' })).toBeInTheDocument();
  });

  it('ignores a corrupt stored value', () => {
    preferDark(false);
    localStorage.setItem(THEME_STORAGE_KEY, 'purple');
    renderApp('/');
    expect(screen.getByRole('button', { name: 'Switch to dark theme' })).toBeInTheDocument();
  });
});
