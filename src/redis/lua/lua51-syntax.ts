/**
 * Redis compiles scripts as Lua 5.1; fengari accepts 5.3's extra operators too. A script that
 * uses one must fail here as it fails on Redis, never run: this finds the first of them outside
 * strings and comments (`//`, `&`, `|`, `~` other than `~=`, `<<`, `>>`, `::`).
 */

/** The first Lua 5.3-only operator in `source`, with the character 5.1's parser stops at. */
export function lua53Operator(source: Uint8Array): { line: number; near: string } | null {
  const s = source;
  let line = 1;
  const longBracket = (at: number): number => {
    // `[`, then `=`*, then `[`: returns the level, or -1.
    let i = at + 1;
    while (s[i] === 0x3d) i++;
    return s[i] === 0x5b ? i - at - 1 : -1;
  };
  const skipLong = (at: number, level: number): number => {
    let i = at + level + 2;
    for (; i < s.length; i++) {
      if (s[i] === 0x0a) line++;
      if (s[i] !== 0x5d) continue;
      let j = i + 1;
      while (s[j] === 0x3d) j++;
      if (j - i - 1 === level && s[j] === 0x5d) return j + 1;
    }
    return s.length;
  };
  for (let i = 0; i < s.length;) {
    const c = s[i];
    if (c === 0x0a) {
      line++;
      i++;
    } else if (c === 0x2d && s[i + 1] === 0x2d) {
      const level = s[i + 2] === 0x5b ? longBracket(i + 2) : -1;
      if (level >= 0) i = skipLong(i + 2, level);
      else while (i < s.length && s[i] !== 0x0a) i++;
    } else if (c === 0x5b && longBracket(i) >= 0) {
      i = skipLong(i, longBracket(i));
    } else if (c === 0x22 || c === 0x27) {
      i++;
      while (i < s.length && s[i] !== c && s[i] !== 0x0a) {
        if (s[i] === 0x5c) {
          if (s[i + 1] === 0x0a) line++;
          i++;
        }
        i++;
      }
      i++;
    } else {
      const next = s[i + 1];
      if (c === 0x2f && next === 0x2f) return { line, near: '/' };
      if (c === 0x26) return { line, near: '&' };
      if (c === 0x7c) return { line, near: '|' };
      if (c === 0x7e && next !== 0x3d) return { line, near: '~' };
      if (c === 0x3c && next === 0x3c) return { line, near: '<' };
      if (c === 0x3e && next === 0x3e) return { line, near: '>' };
      if (c === 0x3a && next === 0x3a) return { line, near: ':' };
      i++;
    }
  }
  return null;
}
