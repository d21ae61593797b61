import type { Element, Root } from 'hast';

const SAFE_PROTOCOL = /^(?:https?|ircs?|mailto|xmpp)$/i;

/** True for relative URLs and http(s)/mailto-style links; false for javascript:, data: and the like. */
export function isSafeUrl(url: string): boolean {
  const colon = url.indexOf(':');
  if (colon === -1) return true;
  // A colon after the first "/", "?" or "#" is part of a path or query, not a protocol.
  for (const mark of ['/', '?', '#']) {
    const at = url.indexOf(mark);
    if (at !== -1 && at < colon) return true;
  }
  return SAFE_PROTOCOL.test(url.slice(0, colon));
}

/** Empties href/src values with unsafe protocols, so a lesson link can never run script. */
export function rehypeSafeUrls() {
  return (tree: Root) => {
    const visit = (node: Root | Element) => {
      for (const child of node.children) {
        if (child.type !== 'element') continue;
        for (const key of ['href', 'src']) {
          const value = child.properties[key];
          if (typeof value === 'string' && !isSafeUrl(value)) child.properties[key] = '';
        }
        visit(child);
      }
    };
    visit(tree);
  };
}

/**
 * Points root-relative image sources ("/cache-aside.svg") at public/ under the app's base path,
 * so lessons keep working when the site is served from a sub-path.
 */
export function resolvePublicUrl(url: string, base: string): string {
  if (!url.startsWith('/') || url.startsWith('//')) return url;
  return base.replace(/\/+$/, '') + url;
}
