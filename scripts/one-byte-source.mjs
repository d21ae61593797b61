// Used by scripts/build-cli.mjs on the runner child's bundle. V8 keeps a script's source for as
// long as its functions live (lazy compiling reads it again), and keeps it as a one-byte string
// only when every character is at most U+00FF: a single "…" or "→" anywhere in the bundle (a
// comment, an HTML entity table in a dependency) makes the whole 3 MB source a two-byte string.
// In the child that source lives in the startup snapshot, so every child deserialized 6 MB of it
// instead of 3 (measured 2026-12-01: blob 13.4 → 10.5 MB, about 7 ms less CPU per child start).
//
// The rewrite writes each such character as its `\uXXXX` escape, which means the same thing in
// every place it can appear in a bundle: string literals, untagged template literals (their cooked
// value), regular expressions (with or without the u flag), identifiers and comments. Two places
// differ, and the rewrite refuses (returns the source unchanged) when it finds them: the raw text
// of a tagged template (`String.raw`, which would see the backslash), and characters outside the
// Basic Multilingual Plane (an identifier needs `\u{…}` where a regex without the u flag needs a
// surrogate pair).
import { parseAst } from 'rolldown/parseAst';

const WIDE = /[\u0100-\uffff]/;

/** Whether any tagged template's raw text holds a character above U+00FF. */
function wideTaggedTemplate(node) {
  if (Array.isArray(node)) return node.some(wideTaggedTemplate);
  if (node === null || typeof node !== 'object') return false;
  if (
    node.type === 'TaggedTemplateExpression' &&
    node.quasi.quasis.some((quasi) => WIDE.test(quasi.value.raw))
  )
    return true;
  for (const key in node) {
    if (key !== 'type' && wideTaggedTemplate(node[key])) return true;
  }
  return false;
}

/**
 * `source` (a JavaScript script or module) with every character above U+00FF written as its
 * `\uXXXX` escape, so V8 can hold it as a one-byte string; `{ source, escaped }`, where
 * `escaped` counts the characters rewritten (0 when there were none, or when the rewrite would
 * not mean the same thing, see above; `reason` then says why).
 */
export function oneByteSource(source) {
  if (!WIDE.test(source)) return { source, escaped: 0 };
  // Astral characters (surrogate pairs in the string) have no escape that works everywhere.
  if (/[\ud800-\udfff]/.test(source))
    return { source, escaped: 0, reason: 'a character outside the BMP' };
  if (wideTaggedTemplate(parseAst(source)))
    return { source, escaped: 0, reason: 'a tagged template with such a character' };
  let escaped = 0;
  const out = source.replace(new RegExp(WIDE.source, 'g'), (char, offset) => {
    escaped += 1;
    // A backslash right before the character escapes the character itself ("\…" is "…" in a
    // string, /\…/ is /…/): the escape replaces both, or the backslash would escape the escape.
    let backslashes = 0;
    while (source[offset - 1 - backslashes] === '\\') backslashes += 1;
    const escape = `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    return backslashes % 2 === 1 ? escape.slice(1) : escape;
  });
  return { source: out, escaped };
}
