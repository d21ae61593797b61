/**
 * Lua 5.1 prints numbers with `%.14g`; fengari (Lua 5.3) appends `.0` to integral floats, so
 * `"n=" .. 10/2` would read `n=5.0` here and `n=5` on Redis. fengari's concatenation and
 * `lua_tolstring` call `luaO_tostring` through the module object, so replacing that one export
 * gives every fengari state in this realm 5.1's text for floats (integers are unchanged).
 *
 * This matters because the VM hands scripts floats wherever Redis's Lua 5.1 would have a number
 * beyond 32 bits: fengari's integers are 32-bit and wrap (`tonumber(t[1]) * 1000` on a TIME
 * reply would overflow), while Lua 5.1's numbers are doubles.
 */
// fengari's modules require each other in a cycle: the package entry must load first.
import { to_luastring } from 'fengari';
import lobject from 'fengari/src/lobject.js';
import lstring from 'fengari/src/lstring.js';
import { formatG } from './number-format.ts';

let installed = false;

/** Installs 5.1 float printing once per realm (idempotent). */
export function installLua51NumberText(): void {
  if (installed) return;
  installed = true;
  const original = lobject.luaO_tostring;
  lobject.luaO_tostring = (L, obj) => {
    if (obj.ttisinteger()) {
      original(L, obj);
      return;
    }
    obj.setsvalue(lstring.luaS_bless(L, to_luastring(formatG(obj.value, 14))));
  };
}
