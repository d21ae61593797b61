/**
 * Redis's `cmsgpack` (lua-cmsgpack 0.4.0 as bundled in Redis 7.0): pack/unpack between Lua values
 * and MessagePack bytes, byte for byte as redis-server 7.0.15 produces them (measured with EVAL),
 * with its error texts.
 *
 * Known differences, both from the host rather than the format:
 * - A table packed as a map lists its keys in the VM's table order; Lua 5.1's hash order differs,
 *   so maps of more than one key may come out in another order than Redis's (arrays never do).
 * - Every NaN packs as x86's default NaN (`cb ff f8 00 …`, what `0/0` gives on Redis); Redis keeps
 *   the sign of a negated NaN, which JavaScript numbers cannot carry.
 */
import { lauxlib, lua, to_luastring, type LuaCFunction, type LuaState } from 'fengari';
import { MAX_STRING_BYTES } from './lua51-compat.ts';

/** lua-cmsgpack encodes a table this deep as nil (it survives self-references that way). */
const MAX_NESTING = 16;
/**
 * Deepest nesting `unpack` follows. Redis runs out of Lua stack somewhere past 7,000 levels; the
 * decoder here recurses in JavaScript, so it stops earlier, with an error instead of a crash.
 */
const MAX_DECODE_DEPTH = 1000;

/**
 * Values one `pack` call may encode. Encoding is one uninterruptible call that the instruction
 * budget cannot stop, and a table holding itself a few times over is exponential work up to the
 * nesting limit (8 self-references, 16 deep: 8^16 values); this keeps one call well under a second.
 */
const MAX_ENCODED_VALUES = 100_000;

class Output {
  private buffer = new Uint8Array(64);
  length = 0;
  values = 0;
  constructor(private readonly L: LuaState) {}
  private room(n: number): void {
    if (this.length + n > MAX_STRING_BYTES)
      lauxlib.luaL_error(this.L, 'cachelab: MessagePack result too large');
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
  byte(...bytes: number[]): void {
    this.room(bytes.length);
    for (const b of bytes) this.buffer[this.length++] = b & 0xff;
  }
  uint(value: number, size: number): void {
    this.room(size);
    for (let i = size - 1; i >= 0; i--) this.buffer[this.length++] = (value / 2 ** (8 * i)) & 0xff;
  }
  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }
  take(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function encodeInteger(out: Output, n: bigint): void {
  if (n >= 0n) {
    if (n <= 127n) out.byte(Number(n));
    else if (n <= 0xffn) out.byte(0xcc, Number(n));
    else if (n <= 0xffffn) {
      out.byte(0xcd);
      out.uint(Number(n), 2);
    } else if (n <= 0xffffffffn) {
      out.byte(0xce);
      out.uint(Number(n), 4);
    } else {
      out.byte(0xcf);
      out.uint(Number(n >> 32n), 4);
      out.uint(Number(n & 0xffffffffn), 4);
    }
  } else if (n >= -32n) out.byte(Number(n) & 0xff);
  else if (n >= -128n) out.byte(0xd0, Number(n) & 0xff);
  else if (n >= -32768n) {
    out.byte(0xd1);
    out.uint(Number(n) & 0xffff, 2);
  } else if (n >= -(2n ** 31n)) {
    out.byte(0xd2);
    out.uint(Number(n) >>> 0, 4);
  } else {
    const u = BigInt.asUintN(64, n);
    out.byte(0xd3);
    out.uint(Number(u >> 32n), 4);
    out.uint(Number(u & 0xffffffffn), 4);
  }
}

function encodeNumber(out: Output, n: number): void {
  // IS_INT64_EQUIVALENT: finite and equal to its int64 cast (2^63 itself is not: the cast wraps).
  if (Number.isFinite(n) && Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63) {
    encodeInteger(out, BigInt(n));
    return;
  }
  const view = new DataView(new ArrayBuffer(8));
  // A float32 when it holds the value exactly (infinities included), as lua-cmsgpack's check.
  if (Math.fround(n) === n) {
    view.setFloat32(0, n);
    out.byte(0xca);
    out.raw(new Uint8Array(view.buffer, 0, 4));
  } else if (Number.isNaN(n)) {
    out.byte(0xcb, 0xff, 0xf8, 0, 0, 0, 0, 0, 0);
  } else {
    view.setFloat64(0, n);
    out.byte(0xcb);
    out.raw(new Uint8Array(view.buffer));
  }
}

function encodeString(out: Output, s: Uint8Array): void {
  const len = s.length;
  if (len < 32) out.byte(0xa0 | len);
  else if (len <= 0xff) out.byte(0xd9, len);
  else if (len <= 0xffff) {
    out.byte(0xda);
    out.uint(len, 2);
  } else {
    out.byte(0xdb);
    out.uint(len, 4);
  }
  out.raw(s);
}

/** table_is_an_array: only positive integer keys, and as many as the largest one. */
function isArray(L: LuaState, index: number): number | null {
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, index)) {
    lua.lua_pop(L, 1);
    const n = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : 0;
    if (!(n > 0 && Number.isInteger(n))) {
      lua.lua_pop(L, 1);
      return null;
    }
    count++;
    max = Math.max(max, n);
  }
  return max === count ? count : null;
}

function encodeHeader(out: Output, count: number, small: number, fix: number, big: number): void {
  if (count < small) out.byte(fix | count);
  else if (count <= 0xffff) {
    out.byte(big);
    out.uint(count, 2);
  } else {
    out.byte(big + 1);
    out.uint(count, 4);
  }
}

/** Encodes the value at the top of the stack and pops it. */
function encodeTop(L: LuaState, out: Output, level: number): void {
  lauxlib.luaL_checkstack(L, 3, 'in function mp_encode_lua_type');
  if (++out.values > MAX_ENCODED_VALUES)
    lauxlib.luaL_error(L, 'cachelab: MessagePack result too large');
  let type = lua.lua_type(L, -1);
  if (type === lua.LUA_TTABLE && level === MAX_NESTING) type = lua.LUA_TNIL;
  if (type === lua.LUA_TSTRING) encodeString(out, lua.lua_tostring(L, -1)!);
  else if (type === lua.LUA_TBOOLEAN) out.byte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
  else if (type === lua.LUA_TNUMBER) encodeNumber(out, lua.lua_tonumber(L, -1));
  else if (type === lua.LUA_TTABLE) {
    const table = lua.lua_gettop(L);
    const length = isArray(L, table);
    if (length !== null) {
      encodeHeader(out, length, 16, 0x90, 0xdc);
      for (let i = 1; i <= length; i++) {
        lua.lua_rawgeti(L, table, i);
        encodeTop(L, out, level + 1);
      }
    } else {
      let count = 0;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, table)) {
        lua.lua_pop(L, 1);
        count++;
      }
      encodeHeader(out, count, 16, 0x80, 0xde);
      lua.lua_pushnil(L);
      while (lua.lua_next(L, table)) {
        lua.lua_pushvalue(L, -2);
        encodeTop(L, out, level + 1);
        encodeTop(L, out, level + 1);
      }
    }
  } else out.byte(0xc0);
  lua.lua_pop(L, 1);
}

const EOF = 'Missing bytes in input.';
const BAD_FORMAT = 'Bad data format in input.';

class Cursor {
  constructor(
    readonly L: LuaState,
    readonly data: Uint8Array,
    public at: number,
  ) {}
  get left(): number {
    return this.data.length - this.at;
  }
  need(n: number): void {
    if (this.left < n) lauxlib.luaL_error(this.L, EOF);
  }
  uint(offset: number, size: number): number {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + this.data[this.at + offset + i];
    return v;
  }
  int64(offset: number): number {
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(this.data[this.at + offset + i]);
    return Number(BigInt.asIntN(64, v));
  }
  float(offset: number, size: 4 | 8): number {
    const view = new DataView(this.data.buffer, this.data.byteOffset + this.at + offset, size);
    return size === 4 ? view.getFloat32(0) : view.getFloat64(0);
  }
}

/** Pushes one decoded value (mp_decode_to_lua_type). Numbers are Lua 5.1 doubles. */
function decodeValue(c: Cursor, depth: number): void {
  const L = c.L;
  if (depth > MAX_DECODE_DEPTH)
    lauxlib.luaL_error(L, 'cachelab: MessagePack input nested too deeply');
  lauxlib.luaL_checkstack(L, 3, 'in function mp_decode_to_lua_type');
  c.need(1);
  const tag = c.data[c.at];
  const number = (size: number, value: () => number): void => {
    c.need(1 + size);
    lua.lua_pushnumber(L, value());
    c.at += 1 + size;
  };
  const bytes = (header: number, length: () => number): void => {
    c.need(1 + header);
    const len = length();
    c.need(1 + header + len);
    const start = c.at + 1 + header;
    lua.lua_pushstring(L, c.data.slice(start, start + len));
    c.at = start + len;
  };
  const array = (header: number, length: () => number): void => {
    c.need(1 + header);
    const len = length();
    c.at += 1 + header;
    lua.lua_createtable(L, 0, 0);
    for (let i = 1; i <= len; i++) {
      decodeValue(c, depth + 1);
      lua.lua_rawseti(L, -2, i);
    }
  };
  const map = (header: number, length: () => number): void => {
    c.need(1 + header);
    const len = length();
    c.at += 1 + header;
    lua.lua_createtable(L, 0, 0);
    for (let i = 0; i < len; i++) {
      decodeValue(c, depth + 1);
      decodeValue(c, depth + 1);
      lua.lua_settable(L, -3);
    }
  };
  if (tag <= 0x7f) number(0, () => tag);
  else if (tag >= 0xe0) number(0, () => tag - 0x100);
  else if (tag >= 0xa0 && tag <= 0xbf) bytes(0, () => tag & 0x1f);
  else if (tag >= 0x90 && tag <= 0x9f) array(0, () => tag & 0x0f);
  else if (tag >= 0x80 && tag <= 0x8f) map(0, () => tag & 0x0f);
  else
    switch (tag) {
      case 0xc0:
        lua.lua_pushnil(L);
        c.at += 1;
        break;
      case 0xc2:
      case 0xc3:
        lua.lua_pushboolean(L, tag === 0xc3);
        c.at += 1;
        break;
      case 0xca:
        number(4, () => c.float(1, 4));
        break;
      case 0xcb:
        number(8, () => c.float(1, 8));
        break;
      case 0xcc:
        number(1, () => c.uint(1, 1));
        break;
      case 0xcd:
        number(2, () => c.uint(1, 2));
        break;
      case 0xce:
        number(4, () => c.uint(1, 4));
        break;
      // lua-cmsgpack reads uint64 through a signed 64-bit integer.
      case 0xcf:
      case 0xd3:
        number(8, () => c.int64(1));
        break;
      case 0xd0:
        number(1, () => (c.uint(1, 1) << 24) >> 24);
        break;
      case 0xd1:
        number(2, () => (c.uint(1, 2) << 16) >> 16);
        break;
      case 0xd2:
        number(4, () => c.uint(1, 4) | 0);
        break;
      // lua-cmsgpack 0.4.0 has no bin 8/16/32 (0xc4-0xc6): they are bad data, as on Redis.
      case 0xd9:
        bytes(1, () => c.uint(1, 1));
        break;
      case 0xda:
        bytes(2, () => c.uint(1, 2));
        break;
      case 0xdb:
        bytes(4, () => c.uint(1, 4));
        break;
      case 0xdc:
        array(2, () => c.uint(1, 2));
        break;
      case 0xdd:
        array(4, () => c.uint(1, 4));
        break;
      case 0xde:
        map(2, () => c.uint(1, 2));
        break;
      case 0xdf:
        map(4, () => c.uint(1, 4));
        break;
      default:
        lauxlib.luaL_error(L, BAD_FORMAT);
    }
}

/** mp_unpack_full: all values (limit and offset 0), else `limit` values after the next offset. */
function unpackFull(L: LuaState, limit: number, offset: number): number {
  const data = lauxlib.luaL_checklstring(L, 1);
  const decodeAll = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0)
    return lauxlib.luaL_error(
      L,
      to_luastring(
        `Invalid request to unpack with offset of ${offset} and limit of ${data.length}.`,
      ),
    );
  if (offset > data.length)
    return lauxlib.luaL_error(
      L,
      to_luastring(`Start offset ${offset} greater than input length ${data.length}.`),
    );
  const cursor = new Cursor(L, data, offset);
  const max = decodeAll ? Infinity : limit;
  let count = 0;
  for (; cursor.left > 0 && count < max; count++) decodeValue(cursor, 0);
  if (decodeAll) return count;
  lua.lua_pushinteger(L, cursor.left === 0 ? -1 : cursor.at);
  lua.lua_insert(L, 2);
  return count + 1;
}

/** C's `(int)` of a Lua number argument, as luaL_checkinteger reads it in Lua 5.1. */
function intArg(L: LuaState, index: number, fallback: number | null): number {
  if (fallback !== null && lua.lua_isnoneornil(L, index)) return fallback;
  const n = lauxlib.luaL_checknumber(L, index);
  return Math.trunc(n) | 0;
}

/** Pushes the `cmsgpack` table. */
export function openCmsgpack(L: LuaState): void {
  const fns: Record<string, LuaCFunction> = {
    pack: (S) => {
      const nargs = lua.lua_gettop(S);
      if (nargs === 0) return lauxlib.luaL_argerror(S, 0, 'MessagePack pack needs input.');
      const out = new Output(S);
      for (let i = 1; i <= nargs; i++) {
        lua.lua_pushvalue(S, i);
        encodeTop(S, out, 0);
      }
      lua.lua_pushstring(S, out.take());
      return 1;
    },
    unpack: (S) => unpackFull(S, 0, 0),
    unpack_one: (S) => {
      const offset = intArg(S, 2, 0);
      lua.lua_settop(S, 1);
      return unpackFull(S, 1, offset);
    },
    unpack_limit: (S) => {
      const limit = intArg(S, 2, null);
      const offset = intArg(S, 3, 0);
      lua.lua_settop(S, 1);
      return unpackFull(S, limit, offset);
    },
  };
  lua.lua_createtable(L, 0, 8);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  const fields: [string, string][] = [
    ['_NAME', 'cmsgpack'],
    ['_VERSION', 'lua-cmsgpack 0.4.0'],
    ['_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo'],
    ['_DESCRIPTION', 'MessagePack C implementation for Lua'],
  ];
  for (const [name, value] of fields) {
    lua.lua_pushstring(L, to_luastring(value));
    lua.lua_setfield(L, -2, name);
  }
}
