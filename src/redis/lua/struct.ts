/**
 * Redis's `struct` library (Roberto Ierusalimschy's struct.c): pack, unpack and size of binary
 * records. Formats: `<` `>` `=` `!n` endianness/alignment, `b B h H l L T i[n] I[n]` integers,
 * `f d` floats, `s` zero-terminated and `c[n]` fixed strings, `x` padding. Sizes follow 64-bit
 * Linux (long = size_t = 8).
 */
import { lauxlib, lua, type LuaCFunction, type LuaState } from 'fengari';
import { MAX_STRING_BYTES } from './lua51-compat.ts';

interface Item {
  kind: string;
  size: number;
}

/** Parses a format into items, tracking endianness. */
function* items(L: LuaState, fmt: string): Generator<Item & { little: boolean }> {
  let little = true;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    let digits = '';
    while (i + 1 < fmt.length && /\d/.test(fmt[i + 1])) digits += fmt[++i];
    const n = digits === '' ? null : Number(digits);
    switch (c) {
      case '<':
        little = true;
        break;
      case '>':
        little = false;
        break;
      case '=':
        little = true;
        break;
      case '!':
      case ' ':
        break;
      case 'b':
      case 'B':
      case 'x':
        yield { kind: c, size: 1, little };
        break;
      case 'h':
      case 'H':
        yield { kind: c, size: 2, little };
        break;
      case 'l':
      case 'L':
      case 'T':
        yield { kind: c, size: 8, little };
        break;
      case 'i':
      case 'I': {
        const size = n ?? 4;
        if (size < 1 || size > 8)
          lauxlib.luaL_error(L, `integral size ${size} is larger than limit of 8`);
        yield { kind: c, size, little };
        break;
      }
      case 'f':
        yield { kind: c, size: 4, little };
        break;
      case 'd':
        yield { kind: c, size: 8, little };
        break;
      case 's':
        yield { kind: c, size: 0, little };
        break;
      case 'c':
        if (n !== null && n > MAX_STRING_BYTES) lauxlib.luaL_error(L, 'string too large');
        yield { kind: c, size: n ?? 1, little };
        break;
      default:
        lauxlib.luaL_error(L, `invalid format option '${c}'`);
    }
  }
}

function writeInt(value: bigint, size: number, little: boolean): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    out[little ? i : size - 1 - i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function readInt(bytes: Uint8Array, signed: boolean, little: boolean): number {
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[little ? bytes.length - 1 - i : i];
    v = (v << 8n) | BigInt(byte);
  }
  return Number(signed ? BigInt.asIntN(bytes.length * 8, v) : v);
}

const pack: LuaCFunction = (L) => {
  const fmt = new TextDecoder().decode(lauxlib.luaL_checklstring(L, 1));
  const parts: Uint8Array[] = [];
  let total = 0;
  let arg = 2;
  for (const item of items(L, fmt)) {
    let bytes: Uint8Array;
    if (item.kind === 'x') bytes = new Uint8Array(1);
    else if (item.kind === 'f' || item.kind === 'd') {
      const view = new DataView(new ArrayBuffer(item.size));
      const n = lauxlib.luaL_checknumber(L, arg++);
      if (item.size === 4) view.setFloat32(0, n, item.little);
      else view.setFloat64(0, n, item.little);
      bytes = new Uint8Array(view.buffer);
    } else if (item.kind === 's' || item.kind === 'c') {
      const s = lauxlib.luaL_checklstring(L, arg++);
      if (item.kind === 's') {
        bytes = new Uint8Array(s.length + 1);
        bytes.set(s);
      } else {
        const size = item.size === 0 ? s.length : item.size;
        if (s.length < size) lauxlib.luaL_argerror(L, arg - 1, 'string too short');
        bytes = s.slice(0, size);
      }
    } else {
      const n = lauxlib.luaL_checknumber(L, arg++);
      bytes = writeInt(BigInt(Math.trunc(n)), item.size, item.little);
    }
    total += bytes.length;
    if (total > MAX_STRING_BYTES) return lauxlib.luaL_error(L, 'resulting string too large');
    parts.push(bytes);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  lua.lua_pushstring(L, out);
  return 1;
};

const unpack: LuaCFunction = (L) => {
  const fmt = new TextDecoder().decode(lauxlib.luaL_checklstring(L, 1));
  const data = lauxlib.luaL_checklstring(L, 2);
  let pos = lauxlib.luaL_optinteger(L, 3, 1) - 1;
  if (pos < 0) lauxlib.luaL_argerror(L, 3, 'offset must be 1 or greater');
  let count = 0;
  let lastInt = 0;
  const need = (size: number) => {
    if (pos + size > data.length) lauxlib.luaL_argerror(L, 2, 'data string too short');
  };
  for (const item of items(L, fmt)) {
    lua.lua_checkstack(L, 2);
    if (item.kind === 'x') {
      pos += 1;
      continue;
    }
    if (item.kind === 'f' || item.kind === 'd') {
      need(item.size);
      const view = new DataView(data.buffer, data.byteOffset + pos, item.size);
      lua.lua_pushnumber(
        L,
        item.size === 4 ? view.getFloat32(0, item.little) : view.getFloat64(0, item.little),
      );
      pos += item.size;
    } else if (item.kind === 's') {
      let end = pos;
      while (end < data.length && data[end] !== 0) end++;
      if (end >= data.length) lauxlib.luaL_argerror(L, 2, 'unfinished string in data');
      lua.lua_pushstring(L, data.slice(pos, end));
      pos = end + 1;
    } else if (item.kind === 'c') {
      const size = item.size === 0 ? lastInt : item.size;
      need(size);
      lua.lua_pushstring(L, data.slice(pos, pos + size));
      pos += size;
    } else {
      need(item.size);
      const signed = item.kind === item.kind.toLowerCase();
      lastInt = readInt(data.subarray(pos, pos + item.size), signed, item.little);
      lua.lua_pushnumber(L, lastInt);
      pos += item.size;
    }
    count++;
  }
  lua.lua_pushnumber(L, pos + 1);
  return count + 1;
};

const size: LuaCFunction = (L) => {
  const fmt = new TextDecoder().decode(lauxlib.luaL_checklstring(L, 1));
  let total = 0;
  for (const item of items(L, fmt)) {
    if (item.kind === 's' || (item.kind === 'c' && item.size === 0))
      lauxlib.luaL_argerror(L, 1, "options 'c0' - 's' have undefined sizes");
    total += item.size;
  }
  lua.lua_pushnumber(L, total);
  return 1;
};

/** Pushes the `struct` table. */
export function openStruct(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  for (const [name, fn] of Object.entries({ pack, unpack, size })) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
