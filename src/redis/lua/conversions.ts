/**
 * Redis 7's conversions between replies and Lua values (RESP2), measured on redis-server 7.0.15.
 * Only strings, numbers, booleans, nil and plain tables cross: no JavaScript object ever reaches
 * Lua, and nothing but bytes and numbers comes back.
 */
import { lua, to_luastring, type LuaState } from 'fengari';
import { fromBytes, toBytes } from '../bytes.ts';
import { ReplyError } from '../reply-error.ts';
import { Status, type Reply } from '../fidelity/types.ts';

/**
 * Redis answers `reached lua stack limit` for the element 7995 arrays deep; the conversion here
 * recurses in JavaScript, whose stack is smaller, so the same error comes at this depth.
 */
export const MAX_REPLY_DEPTH = 1000;
/** Elements a script reply may hold; a self-referencing table would otherwise never finish. */
export const MAX_REPLY_ELEMENTS = 1_000_000;

/**
 * Pushes a reply as Redis hands it to a script: integer → number, bulk → string, nil → false,
 * array → table, status → {ok=…}, error → {err=…}.
 *
 * Integers are pushed as Lua floats: Redis's Lua 5.1 numbers are doubles, and fengari's integers
 * are 32-bit, so arithmetic on a pushed integer (a TIME reply times 1000, say) would wrap.
 */
export function pushReply(L: LuaState, reply: Reply): void {
  lua.lua_checkstack(L, 3);
  if (reply === null) lua.lua_pushboolean(L, false);
  else if (typeof reply === 'number') lua.lua_pushnumber(L, reply);
  else if (typeof reply === 'bigint') lua.lua_pushnumber(L, Number(reply));
  else if (typeof reply === 'string' || reply instanceof Uint8Array)
    lua.lua_pushstring(L, toBytes(reply));
  else if (reply instanceof Status) pushField(L, 'ok', reply.text);
  else if (reply instanceof ReplyError) pushField(L, 'err', reply.message);
  else {
    lua.lua_createtable(L, reply.length, 0);
    reply.forEach((item, i) => {
      pushReply(L, item);
      lua.lua_rawseti(L, -2, i + 1);
    });
  }
}

/** Pushes `{[name] = text}`. */
export function pushField(L: LuaState, name: string, text: string): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushstring(L, to_luastring(text));
  lua.lua_setfield(L, -2, name);
}

const INT64_MIN = -(2n ** 63n);

/** A Lua number as Redis's integer reply: truncated toward zero, as C's `(long long)` cast. */
export function numberReply(n: number): number | bigint {
  if (!Number.isFinite(n) || n >= 2 ** 63 || n < -(2 ** 63)) return INT64_MIN;
  const t = Math.trunc(n);
  return Number.isSafeInteger(t) ? t + 0 : BigInt(t);
}

/** Reads a string field of the table at the top of the stack, or null. */
function stringField(L: LuaState, name: string): string | null {
  lua.lua_pushstring(L, to_luastring(name));
  lua.lua_rawget(L, -2);
  const text = lua.lua_type(L, -1) === lua.LUA_TSTRING ? lua.lua_tostring(L, -1) : null;
  lua.lua_pop(L, 1);
  return text === null ? null : new TextDecoder().decode(text);
}

/** Redis turns CR and LF in status and error texts into spaces. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

/** Converts the value at the top of the stack (left in place) to a reply, as Redis does. */
export function toReply(L: LuaState, budget = { left: MAX_REPLY_ELEMENTS }, depth = 0): Reply {
  if (--budget.left < 0) return new ReplyError('ERR cachelab: the script reply is too large');
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TSTRING:
      return fromBytes(lua.lua_tostring(L, -1) ?? new Uint8Array());
    case lua.LUA_TNUMBER:
      return lua.lua_isinteger(L, -1)
        ? lua.lua_tointeger(L, -1)
        : numberReply(lua.lua_tonumber(L, -1));
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, -1) ? 1 : null;
    case lua.LUA_TTABLE: {
      if (depth >= MAX_REPLY_DEPTH) return new ReplyError('ERR reached lua stack limit');
      const err = stringField(L, 'err');
      if (err !== null) return new ReplyError(oneLine(err));
      const ok = stringField(L, 'ok');
      if (ok !== null) return new Status(oneLine(ok));
      const items: Reply[] = [];
      lua.lua_checkstack(L, 2);
      for (let i = 1; ; i++) {
        if (lua.lua_rawgeti(L, -1, i) === lua.LUA_TNIL) {
          lua.lua_pop(L, 1);
          break;
        }
        items.push(toReply(L, budget, depth + 1));
        lua.lua_pop(L, 1);
        if (budget.left < 0) return new ReplyError('ERR cachelab: the script reply is too large');
      }
      return items;
    }
    default:
      return null;
  }
}
