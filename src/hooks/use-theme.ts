import { useCallback, useEffect, useSyncExternalStore } from 'react';

/** A colour theme. */
export type Theme = 'light' | 'dark';

/** localStorage key holding the learner's explicit choice; absent means "follow the system". */
export const THEME_STORAGE_KEY = 'cachelab:theme';

const DARK_QUERY = '(prefers-color-scheme: dark)';
const listeners = new Set<() => void>();
// Used only when localStorage is unavailable, so the toggle still works for this visit.
let unsavedChoice: Theme | null = null;

function readStored(): Theme | null {
  try {
    const value = window.localStorage.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return unsavedChoice; // storage can be blocked (private mode, sandboxed iframes)
  }
}

function systemTheme(): Theme {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches
    ? 'dark'
    : 'light';
}

/** The theme in effect: the stored choice, else the system preference. */
export function currentTheme(): Theme {
  return readStored() ?? systemTheme();
}

/** Sets `data-theme` on <html>, which the stylesheets key their colours on. */
export function applyTheme(theme: Theme = currentTheme()): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

/**
 * The theme as last read, while anything is subscribed: every change then arrives through
 * `notify`. Reading it afresh (storage and a media query) on each render cost the workspace's
 * run render about 0.3 ms in a trace.
 */
let cachedTheme: Theme | undefined;

function themeSnapshot(): Theme {
  if (listeners.size === 0) return currentTheme();
  cachedTheme ??= currentTheme();
  return cachedTheme;
}

function notify() {
  cachedTheme = undefined;
  applyTheme();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  cachedTheme = undefined;
  listeners.add(listener);
  const media = typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : null;
  const onStorage = (event: StorageEvent) => {
    if (event.key === THEME_STORAGE_KEY) notify();
  };
  media?.addEventListener('change', notify);
  window.addEventListener('storage', onStorage);
  return () => {
    cachedTheme = undefined;
    listeners.delete(listener);
    media?.removeEventListener('change', notify);
    window.removeEventListener('storage', onStorage);
  };
}

/** The current theme and a toggle that remembers the choice across visits (and syncs other tabs). */
export function useTheme(): { theme: Theme; toggle: () => void } {
  const theme = useSyncExternalStore(subscribe, themeSnapshot, () => 'light' as Theme);
  // Applies the theme in effect, not the rendered one: while a prerendered page hydrates, React
  // renders the server's 'light', and applying that would flash a dark learner's page light.
  useEffect(() => applyTheme(), [theme]);
  const toggle = useCallback(() => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    try {
      window.localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      unsavedChoice = next;
    }
    notify();
  }, []);
  return { theme, toggle };
}
