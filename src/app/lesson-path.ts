/** The lesson slug a URL path names ("<base>lessons/<slug>", optional trailing slash), if any. */
export function lessonSlugOf(pathname: string, base: string): string | undefined {
  if (!pathname.startsWith(base)) return undefined;
  const slug = /^lessons\/([^/]+)\/?$/.exec(pathname.slice(base.length))?.[1];
  if (slug === undefined) return undefined;
  try {
    return decodeURIComponent(slug);
  } catch {
    // A malformed escape names no lesson; the router shows its not-found page.
    return undefined;
  }
}
