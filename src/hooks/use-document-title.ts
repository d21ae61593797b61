import { useEffect } from 'react';

/** Sets the tab title to "<title> · cachelab" while the calling page is shown. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · cachelab`;
  }, [title]);
}
