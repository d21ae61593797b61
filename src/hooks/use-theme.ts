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

/** Remembers an explicit choice: in storage, or for this visit only where storage is blocked. */
function saveChoice(theme: Theme): void {
  try {
    window.localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    unsavedChoice = theme;
  }
}

/** What the early theme script leaves on `window`. */
interface EarlyThemeState {
  /** True until the app takes over. */
  open: boolean;
  /** The theme the learner switched to before then, if they did. */
  choice: Theme | null;
}

const EARLY_THEME_GLOBAL = '__cachelabEarlyTheme';

/**
 * The inline script of a prerendered page (scripts/vite-prerender.ts) that makes the header's
 * theme toggle work before the app has taken the page over. On a phone the page is readable, and
 * the toggle visible, seconds before the main bundle has loaded, and a tap on it did nothing. It
 * switches `data-theme` at once and remembers the choice (the same key and rule as above); the
 * toggle's label catches up when the app hydrates (changing the button's text here would not
 * match the prerendered HTML React adopts). Plain ES5, a capture listener: it runs before any
 * bundle, whatever element inside the button is tapped. Where index.html's theme script could not
 * read storage, `data-theme` is unset and the stylesheet follows the system setting, so that is
 * the theme a first tap switches from.
 */
export const EARLY_THEME_SCRIPT = `(function(){var s=window.${EARLY_THEME_GLOBAL}={open:true,choice:null};document.addEventListener('click',function(e){if(!s.open||!(e.target instanceof Element)||!e.target.closest('.theme-toggle'))return;var r=document.documentElement,t=r.dataset.theme||(window.matchMedia&&matchMedia('${DARK_QUERY}').matches?'dark':'light'),n=t==='dark'?'light':'dark';r.dataset.theme=n;r.style.colorScheme=n;s.choice=n;try{localStorage.setItem('${THEME_STORAGE_KEY}',n);}catch(x){}},true);})();`;

/**
 * Stops the early theme script and keeps its choice (for this visit, where storage is blocked);
 * the app calls this just before it hydrates, after which React handles (and replays) clicks.
 */
export function adoptEarlyTheme(): void {
  const early = (globalThis as unknown as Record<string, EarlyThemeState | undefined>)[
    EARLY_THEME_GLOBAL
  ];
  if (!early) return;
  early.open = false;
  if (early.choice) saveChoice(early.choice);
}

/** The current theme and a toggle that remembers the choice across visits (and syncs other tabs). */
export function useTheme(): { theme: Theme; toggle: () => void } {
  const theme = useSyncExternalStore(subscribe, themeSnapshot, () => 'light' as Theme);
  // Applies the theme in effect, not the rendered one: while a prerendered page hydrates, React
  // renders the server's 'light', and applying that would flash a dark learner's page light.
  useEffect(() => applyTheme(), [theme]);
  const toggle = useCallback(() => {
    saveChoice(currentTheme() === 'dark' ? 'light' : 'dark');
    notify();
  }, []);
  return { theme, toggle };
}
