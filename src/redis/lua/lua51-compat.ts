/**
 * What Redis's Lua 5.1 has and fengari's 5.3 lacks or does differently, for the functions
 * learners reach for, plus caps on the library calls that build big strings in one step.
 */
import { lauxlib, lua, to_luastring, type LuaCFunction, type LuaState } from 'fengari';
import { formatG } from './number-format.ts';

/**
 * Largest string one library call may build (string.rep, table.concat, gsub, cjson, struct).
 * Redis allows up to 512 MB; 16 MB keeps one uninterruptible library call (fengari needs about
 * 0.3 s per 8 MB) short and its memory small.
 */
export const MAX_STRING_BYTES = 16 * 1024 * 1024;

const TOO_LARGE = 'resulting string too large';

/** Replaces `lib[name]` with `wrap`, which gets the original as upvalue 1. */
function wrap(L: LuaState, lib: number, name: string, fn: LuaCFunction): void {
  lua.lua_getfield(L, lib, name);
  lua.lua_pushcclosure(L, fn, 1);
  lua.lua_setfield(L, lib, name);
}

function set(L: LuaState, lib: number, name: string, fn: LuaCFunction): void {
  lua.lua_pushcfunction(L, fn);
  lua.lua_setfield(L, lib, name);
}

/** Calls upvalue 1 with every argument and returns all its results. */
function callOriginal(L: LuaState): number {
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_insert(L, 1);
  lua.lua_call(L, lua.lua_gettop(L) - 1, lua.LUA_MULTRET);
  return lua.lua_gettop(L);
}

function floatResult(L: LuaState, value: number): number {
  lua.lua_pushnumber(L, value);
  return 1;
}

/** Adds 5.1 names and caps to the globals table at index `G`. */
export function addLua51Compat(L: LuaState, G: number): void {
  lua.lua_getfield(L, G, 'table');
  lua.lua_getfield(L, -1, 'unpack');
  lua.lua_setfield(L, G, 'unpack');
  lua.lua_pop(L, 1);

  // Lua 5.1's error: a number message gets a position too.
  set(L, G, 'error', (S) => {
    const level = lauxlib.luaL_optinteger(S, 2, 1);
    lua.lua_settop(S, 1);
    const type = lua.lua_type(S, 1);
    if ((type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER) && level > 0) {
      lauxlib.luaL_where(S, level);
      lua.lua_pushvalue(S, 1);
      lua.lua_concat(S, 2);
    }
    return lua.lua_error(S);
  });
  // Numbers read from text are doubles, as in 5.1 (fengari's integers are 32-bit and wrap).
  wrap(L, G, 'tonumber', (S) => {
    const n = callOriginal(S);
    if (n >= 1 && lua.lua_isinteger(S, 1)) {
      const value = lua.lua_tonumber(S, 1);
      lua.lua_settop(S, 0);
      return floatResult(S, value);
    }
    return n;
  });
  // tostring formats through a path the concatenation patch does not reach (lua51-numbers.ts).
  wrap(L, G, 'tostring', (S) => {
    if (lua.lua_type(S, 1) === lua.LUA_TNUMBER && !lua.lua_isinteger(S, 1)) {
      lua.lua_pushstring(S, to_luastring(formatG(lua.lua_tonumber(S, 1), 14)));
      return 1;
    }
    lua.lua_settop(S, 1);
    return callOriginal(S);
  });
  set(L, G, 'gcinfo', (S) => floatResult(S, 0));
  // fengari has no collector API (the JS engine collects); every option answers 0.
  set(L, G, 'collectgarbage', (S) => floatResult(S, 0));

  lua.lua_getfield(L, G, 'math');
  const math = lua.lua_gettop(L);
  set(L, math, 'floor', (S) => floatResult(S, Math.floor(lauxlib.luaL_checknumber(S, 1))));
  set(L, math, 'ceil', (S) => floatResult(S, Math.ceil(lauxlib.luaL_checknumber(S, 1))));
  set(L, math, 'pow', (S) =>
    floatResult(S, lauxlib.luaL_checknumber(S, 1) ** lauxlib.luaL_checknumber(S, 2)),
  );
  set(L, math, 'mod', (S) =>
    floatResult(S, lauxlib.luaL_checknumber(S, 1) % lauxlib.luaL_checknumber(S, 2)),
  );
  set(L, math, 'ldexp', (S) =>
    floatResult(S, lauxlib.luaL_checknumber(S, 1) * 2 ** lauxlib.luaL_checknumber(S, 2)),
  );
  lua.lua_pop(L, 1);

  lua.lua_getfield(L, G, 'table');
  const table = lua.lua_gettop(L);
  set(L, table, 'getn', (S) => {
    lauxlib.luaL_checktype(S, 1, lua.LUA_TTABLE);
    return floatResult(S, lua.lua_rawlen(S, 1));
  });
  set(L, table, 'maxn', (S) => {
    lauxlib.luaL_checktype(S, 1, lua.LUA_TTABLE);
    let max = 0;
    lua.lua_pushnil(S);
    while (lua.lua_next(S, 1)) {
      lua.lua_pop(S, 1);
      if (lua.lua_type(S, -1) === lua.LUA_TNUMBER) max = Math.max(max, lua.lua_tonumber(S, -1));
    }
    return floatResult(S, max);
  });
  // Built in one allocation (fengari's own grows a buffer byte by byte), capped.
  set(L, table, 'concat', (S) => {
    lauxlib.luaL_checktype(S, 1, lua.LUA_TTABLE);
    const sep = lua.lua_isnoneornil(S, 2) ? new Uint8Array() : lauxlib.luaL_checklstring(S, 2);
    const first = lauxlib.luaL_optinteger(S, 3, 1);
    const last = lua.lua_isnoneornil(S, 4) ? lua.lua_rawlen(S, 1) : lauxlib.luaL_checkinteger(S, 4);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = first; i <= last; i++) {
      const type = lua.lua_rawgeti(S, 1, i);
      if (type !== lua.LUA_TSTRING && type !== lua.LUA_TNUMBER)
        return lauxlib.luaL_error(S, `invalid value (at index ${i}) in table for 'concat'`);
      const part =
        type === lua.LUA_TNUMBER && !lua.lua_isinteger(S, -1)
          ? to_luastring(formatG(lua.lua_tonumber(S, -1), 14))
          : lua.lua_tostring(S, -1)!;
      lua.lua_pop(S, 1);
      total += part.length + (i < last ? sep.length : 0);
      if (total > MAX_STRING_BYTES) return lauxlib.luaL_error(S, TOO_LARGE);
      parts.push(part);
    }
    const out = new Uint8Array(total);
    let at = 0;
    parts.forEach((part, i) => {
      out.set(part, at);
      at += part.length;
      if (i < parts.length - 1) {
        out.set(sep, at);
        at += sep.length;
      }
    });
    lua.lua_pushstring(S, out);
    return 1;
  });
  lua.lua_pop(L, 1);

  lua.lua_getfield(L, G, 'string');
  const string = lua.lua_gettop(L);
  lua.lua_getfield(L, string, 'gmatch');
  lua.lua_setfield(L, string, 'gfind');
  set(L, string, 'rep', (S) => {
    const unit = lauxlib.luaL_checklstring(S, 1);
    const times = Math.trunc(lauxlib.luaL_checknumber(S, 2));
    const sep = lua.lua_isnoneornil(S, 3) ? new Uint8Array() : lauxlib.luaL_checklstring(S, 3);
    if (times <= 0) {
      lua.lua_pushstring(S, new Uint8Array());
      return 1;
    }
    const total = unit.length * times + sep.length * (times - 1);
    if (total > MAX_STRING_BYTES) return lauxlib.luaL_error(S, TOO_LARGE);
    // One period (unit + sep), then doubling copies: fast, and one allocation.
    const out = new Uint8Array(total);
    const period = unit.length + sep.length;
    out.set(unit, 0);
    if (times > 1) out.set(sep, unit.length);
    let filled = Math.min(period, total);
    while (filled < total) {
      const n = Math.min(filled, total - filled);
      out.copyWithin(filled, 0, n);
      filled += n;
    }
    lua.lua_pushstring(S, out);
    return 1;
  });
  wrap(L, string, 'gsub', (S) => {
    const subject = lauxlib.luaL_checklstring(S, 1).length;
    const type = lua.lua_type(S, 3);
    if (type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER) {
      const repl = lua.lua_tostring(S, 3)!.length;
      if ((subject + 1) * repl > MAX_STRING_BYTES) return lauxlib.luaL_error(S, TOO_LARGE);
    } else if (type === lua.LUA_TFUNCTION || type === lua.LUA_TTABLE) {
      // Count what the replacements add up to; each one is a Lua value the script made.
      const budget = { left: MAX_STRING_BYTES };
      lua.lua_pushvalue(S, 3);
      lua.lua_pushcclosure(S, (R) => countedReplacement(R, budget), 1);
      lua.lua_replace(S, 3);
    }
    return callOriginal(S);
  });
  lua.lua_pop(L, 1);
}

/** A gsub replacement that stops once the replacements pass MAX_STRING_BYTES. */
function countedReplacement(L: LuaState, budget: { left: number }): number {
  const n = lua.lua_gettop(L);
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
    lua.lua_pushvalue(L, 1);
    lua.lua_gettable(L, -2);
  } else {
    lua.lua_insert(L, 1);
    lua.lua_call(L, n, 1);
  }
  if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
    budget.left -= lua.lua_tostring(L, -1)!.length;
    if (budget.left < 0) return lauxlib.luaL_error(L, TOO_LARGE);
  }
  return 1;
}
