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
      document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
    }
    firstLoad.current = false;
  }, [location]);
}
