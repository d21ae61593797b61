import { cleanup } from '@testing-library/react';

/**
 * Puts a jsdom back to the page a fresh one gives: no rendered trees, an empty head and body, no
 * title or attributes on <html>, empty storage and the first URL. For files that share one jsdom
 * (tests/setup.ts) and suites that share one file (tests/workspace/monaco-mocked.test.tsx).
 */
export function resetDocument(firstUrl: string): void {
  cleanup();
  document.head.replaceChildren();
  document.body.replaceChildren();
  document.title = '';
  for (const name of document.documentElement.getAttributeNames())
    document.documentElement.removeAttribute(name);
  localStorage.clear();
  sessionStorage.clear();
  window.history.replaceState(null, '', firstUrl);
}
