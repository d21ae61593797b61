/**
 * A fingerprint of a lesson's hidden checks, stored with its completion so that a pass against
 * older checks shows as "checks changed since you passed" instead of a stale checkmark.
 *
 * cyrb53 rather than SHA-256: it must be synchronous (read during render, and
 * `crypto.subtle` is async and missing on plain-http origins such as a LAN preview), it guards
 * against accidental change, not an adversary, and 53 bits make an accidental collision between
 * two versions of one file vanishingly unlikely.
 */

/** cyrb53 (public domain, bryc) of a string, as 14 hex digits. */
export function cyrb53(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const value = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return value.toString(16).padStart(14, '0');
}

/** Hash of a lesson's `checks.ts`; line endings are normalised so a CRLF checkout is not "changed". */
export function hashChecks(checksSource: string): string {
  return cyrb53(checksSource.replace(/\r\n?/g, '\n'));
}
