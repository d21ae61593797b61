/**
 * The part of fengari 0.1.5 (Lua 5.3 in JavaScript) that cachelab's Lua VM uses. fengari ships
 * no types; these follow its Lua C API names. Lua strings are byte arrays (`Uint8Array`).
 */
declare module 'fengari' {
  /** An opaque Lua thread. */
  export interface LuaState {
    readonly __luaState: unique symbol;
  }
  /** A function Lua can call: arguments on the stack, returns the number of results. */
  export type LuaCFunction = (L: LuaState) => number;
  /** Activation record, as lua_getstack/lua_getinfo fill it. */
  export interface LuaDebug {
    currentline: number;
    source: Uint8Array | null;
    short_src: Uint8Array | null;
    what: Uint8Array | null;
  }

  export const lua: {
    LUA_OK: number;
    LUA_ERRRUN: number;
    LUA_ERRSYNTAX: number;
    LUA_ERRMEM: number;
    LUA_ERRERR: number;
    LUA_TNONE: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TLIGHTUSERDATA: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    LUA_TFUNCTION: number;
    LUA_MASKCOUNT: number;
    LUA_MULTRET: number;
    LUA_REGISTRYINDEX: number;
    LUA_RIDX_GLOBALS: number;
    lua_Debug: new () => LuaDebug;
    lua_atnativeerror(L: LuaState, f: LuaCFunction): void;
    lua_call(L: LuaState, nargs: number, nresults: number): void;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_close(L: LuaState): void;
    lua_concat(L: LuaState, n: number): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_error(L: LuaState): never;
    lua_getfield(L: LuaState, idx: number, k: string | Uint8Array): number;
    lua_getglobal(L: LuaState, name: string | Uint8Array): number;
    lua_gettable(L: LuaState, idx: number): number;
    lua_settable(L: LuaState, idx: number): void;
    lua_isnoneornil(L: LuaState, idx: number): boolean;
    lua_isstring(L: LuaState, idx: number): boolean;
    lua_replace(L: LuaState, idx: number): void;
    lua_getinfo(L: LuaState, what: string | Uint8Array, ar: LuaDebug): number;
    lua_getmetatable(L: LuaState, idx: number): boolean;
    lua_getstack(L: LuaState, level: number, ar: LuaDebug): boolean;
    lua_gettop(L: LuaState): number;
    lua_insert(L: LuaState, idx: number): void;
    lua_isinteger(L: LuaState, idx: number): boolean;
    lua_newtable(L: LuaState): void;
    lua_next(L: LuaState, idx: number): boolean;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_pop(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushcclosure(L: LuaState, f: LuaCFunction, n: number): void;
    lua_pushcfunction(L: LuaState, f: LuaCFunction): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushlightuserdata(L: LuaState, p: unknown): void;
    lua_pushliteral(L: LuaState, s: string): void;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: Uint8Array): void;
    lua_pushvalue(L: LuaState, idx: number): void;
    lua_rawequal(L: LuaState, a: number, b: number): boolean;
    lua_rawget(L: LuaState, idx: number): number;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_rawlen(L: LuaState, idx: number): number;
    lua_rawset(L: LuaState, idx: number): void;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_remove(L: LuaState, idx: number): void;
    lua_setfield(L: LuaState, idx: number, k: string | Uint8Array): void;
    lua_setglobal(L: LuaState, name: string | Uint8Array): void;
    lua_sethook(
      L: LuaState,
      f: ((L: LuaState, ar: LuaDebug) => void) | null,
      mask: number,
      count: number,
    ): void;
    lua_setmetatable(L: LuaState, idx: number): void;
    lua_settop(L: LuaState, idx: number): void;
    lua_setupvalue(L: LuaState, funcindex: number, n: number): Uint8Array | null;
    lua_toboolean(L: LuaState, idx: number): boolean;
    lua_tointeger(L: LuaState, idx: number): number;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_tostring(L: LuaState, idx: number): Uint8Array | null;
    lua_touserdata(L: LuaState, idx: number): unknown;
    lua_type(L: LuaState, idx: number): number;
    lua_upvalueindex(i: number): number;
  };

  export const lauxlib: {
    luaL_argerror(L: LuaState, arg: number, msg: string | Uint8Array): never;
    luaL_checkinteger(L: LuaState, arg: number): number;
    luaL_checklstring(L: LuaState, arg: number): Uint8Array;
    luaL_checknumber(L: LuaState, arg: number): number;
    luaL_checkstack(L: LuaState, sz: number, msg: string | null): void;
    luaL_checktype(L: LuaState, arg: number, t: number): void;
    luaL_error(L: LuaState, fmt: string | Uint8Array, ...args: unknown[]): never;
    luaL_loadbufferx(
      L: LuaState,
      buff: Uint8Array,
      size: number | null,
      name: Uint8Array,
      mode: Uint8Array | null,
    ): number;
    luaL_newstate(): LuaState;
    luaL_optinteger(L: LuaState, arg: number, def: number): number;
    luaL_ref(L: LuaState, t: number): number;
    luaL_unref(L: LuaState, t: number, ref: number): void;
    luaL_requiref(L: LuaState, name: Uint8Array, f: LuaCFunction, glb: number): void;
    luaL_tolstring(L: LuaState, idx: number): Uint8Array;
    luaL_where(L: LuaState, level: number): void;
  };

  export const lualib: {
    luaopen_base: LuaCFunction;
    luaopen_coroutine: LuaCFunction;
    luaopen_math: LuaCFunction;
    luaopen_string: LuaCFunction;
    luaopen_table: LuaCFunction;
  };

  export function to_luastring(s: string, cache?: boolean): Uint8Array;
  export function to_jsstring(
    s: Uint8Array,
    from?: number,
    to?: number,
    replacement?: boolean,
  ): string;
}

declare module 'fengari/src/lobject.js' {
  import type { LuaState } from 'fengari';
  /** A Lua value slot, as fengari's VM holds it. */
  interface TValue {
    value: number;
    ttisinteger(): boolean;
    setsvalue(s: unknown): void;
  }
  const lobject: { luaO_tostring: (L: LuaState, obj: TValue) => void };
  export default lobject;
}

declare module 'fengari/src/lstring.js' {
  import type { LuaState } from 'fengari';
  const lstring: { luaS_bless: (L: LuaState, s: Uint8Array) => unknown };
  export default lstring;
}
