import { useEffect, useRef } from 'react';

/**
 * After a client-side navigation (not the first page load), start the new page at its top and
 * move focus to its h1 so screen readers announce it. A link to "#section" scrolls there instead.
 */
export function useNavigationFocus(location: string): void {
  const firstLoad = useRef(true);
  useEffect(() => {
    const hash = decodeURIComponent(window.location.hash.slice(1));
    const target = hash ? document.getElementById(hash) : null;
    if (target) {
      target.scrollIntoView();
    } else if (!firstLoad.current) {
      window.scrollTo?.(0, 0);
      // focusVisible: false asks the browser for no focus ring (Chromium and Firefox honour it);
      // base.css also hides the ring on script-focused headings, for the rest.
      document
        .querySelector<HTMLElement>('main h1')
        ?.focus({ preventScroll: true, focusVisible: false } as FocusOptions);
    }
    firstLoad.current = false;
  }, [location]);
}
