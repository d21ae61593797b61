/**
 * Redis's `cjson` (lua-cjson 2.1 defaults): encode/decode between Lua values and JSON bytes,
 * with its error texts for the cases learners hit. Strings are bytes; nothing is re-encoded.
 */
import { lauxlib, lua, type LuaCFunction, type LuaState } from 'fengari';
import { formatG } from './number-format.ts';
import { MAX_STRING_BYTES } from './lua51-compat.ts';

const MAX_DEPTH = 1000;
/** lua-cjson treats arrays with holes as arrays up to this ratio (and up to index 10 always). */
const SPARSE_RATIO = 2;
const SPARSE_SAFE = 10;

/** JSON null, as Redis's `cjson.null`: a light userdata that Redis turns into a nil reply. */
const JSON_NULL = Object.freeze({ jsonNull: true });

const encoder = new TextEncoder();

class Output {
  private chunks: Uint8Array[] = [];
  length = 0;
  constructor(private readonly L: LuaState) {}
  text(s: string): void {
    this.bytes(encoder.encode(s));
  }
  bytes(b: Uint8Array): void {
    this.length += b.length;
    if (this.length > MAX_STRING_BYTES)
      lauxlib.luaL_error(this.L, 'Cannot serialise: the result is too large');
    this.chunks.push(b);
  }
  join(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function escapeString(out: Output, s: Uint8Array): void {
  const parts: number[] = [0x22];
  for (const byte of s) {
    if (byte === 0x22) parts.push(0x5c, 0x22);
    else if (byte === 0x5c) parts.push(0x5c, 0x5c);
    else if (byte === 0x2f) parts.push(0x5c, 0x2f);
    else if (byte === 0x08) parts.push(0x5c, 0x62);
    else if (byte === 0x0c) parts.push(0x5c, 0x66);
    else if (byte === 0x0a) parts.push(0x5c, 0x6e);
    else if (byte === 0x0d) parts.push(0x5c, 0x72);
    else if (byte === 0x09) parts.push(0x5c, 0x74);
    else if (byte < 0x20 || byte === 0x7f)
      for (const c of `\\u${byte.toString(16).padStart(4, '0')}`) parts.push(c.charCodeAt(0));
    else parts.push(byte);
  }
  parts.push(0x22);
  out.bytes(Uint8Array.from(parts));
}

function encodeNumber(L: LuaState, out: Output, n: number): void {
  if (!Number.isFinite(n)) lauxlib.luaL_error(L, 'Cannot serialise number: must not be NaN or Inf');
  out.text(formatG(n, 14));
}

/** The array length lua-cjson would use, -1 for an object, or raises for a sparse array. */
function arrayLength(L: LuaState, index: number): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, index)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) !== lua.LUA_TNUMBER) {
      lua.lua_pop(L, 1);
      return -1;
    }
    const k = lua.lua_tonumber(L, -1);
    if (!Number.isInteger(k) || k < 1) {
      lua.lua_pop(L, 1);
      return -1;
    }
    max = Math.max(max, k);
    items++;
  }
  if (max > SPARSE_SAFE && max > items * SPARSE_RATIO)
    lauxlib.luaL_error(L, 'Cannot serialise table: excessively sparse array');
  return max;
}

function encodeValue(L: LuaState, out: Output, index: number, depth: number): void {
  const type = lua.lua_type(L, index);
  switch (type) {
    case lua.LUA_TSTRING:
      escapeString(out, lua.lua_tostring(L, index)!);
      return;
    case lua.LUA_TNUMBER:
      encodeNumber(L, out, lua.lua_tonumber(L, index));
      return;
    case lua.LUA_TBOOLEAN:
      out.text(lua.lua_toboolean(L, index) ? 'true' : 'false');
      return;
    case lua.LUA_TNIL:
      out.text('null');
      return;
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, index) === JSON_NULL) {
        out.text('null');
        return;
      }
      break;
    case lua.LUA_TTABLE: {
      if (depth >= MAX_DEPTH)
        lauxlib.luaL_error(L, `Cannot serialise, excessive nesting (${depth + 1})`);
      lua.lua_checkstack(L, 4);
      const abs = index < 0 ? lua.lua_gettop(L) + index + 1 : index;
      const length = arrayLength(L, abs);
      if (length > 0) {
        out.text('[');
        for (let i = 1; i <= length; i++) {
          if (i > 1) out.text(',');
          lua.lua_rawgeti(L, abs, i);
          encodeValue(L, out, lua.lua_gettop(L), depth + 1);
          lua.lua_pop(L, 1);
        }
        out.text(']');
        return;
      }
      out.text('{');
      let first = true;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, abs)) {
        if (!first) out.text(',');
        first = false;
        const keyType = lua.lua_type(L, -2);
        if (keyType === lua.LUA_TSTRING) escapeString(out, lua.lua_tostring(L, -2)!);
        else if (keyType === lua.LUA_TNUMBER) {
          out.text('"');
          encodeNumber(L, out, lua.lua_tonumber(L, -2));
          out.text('"');
        } else
          lauxlib.luaL_error(L, 'Cannot serialise table: table key must be a number or string');
        out.text(':');
        encodeValue(L, out, lua.lua_gettop(L), depth + 1);
        lua.lua_pop(L, 1);
      }
      out.text('}');
      return;
    }
  }
  lauxlib.luaL_error(L, `Cannot serialise ${typeName(type)}: type not supported`);
}

function typeName(type: number): string {
  if (type === lua.LUA_TFUNCTION) return 'function';
  if (type === lua.LUA_TLIGHTUSERDATA) return 'userdata';
  return type === lua.LUA_TTABLE ? 'table' : type === 8 ? 'thread' : 'userdata';
}

/** A JSON decoder over bytes with lua-cjson's error texts. */
class Decoder {
  at = 0;
  constructor(
    private readonly L: LuaState,
    private readonly s: Uint8Array,
  ) {}

  fail(expected: string): never {
    this.skipSpace();
    const found = this.at >= this.s.length ? 'end' : this.tokenName();
    return lauxlib.luaL_error(
      this.L,
      `Expected ${expected} but found ${found} at character ${this.at + 1}`,
    );
  }

  tokenName(): string {
    const c = String.fromCharCode(this.s[this.at]);
    if (c === '{') return 'T_OBJ_BEGIN';
    if (c === '}') return 'T_OBJ_END';
    if (c === '[') return 'T_ARR_BEGIN';
    if (c === ']') return 'T_ARR_END';
    if (c === ',') return 'comma';
    if (c === ':') return 'colon';
    if (c === '"') return 'string';
    return 'invalid token';
  }

  skipSpace(): void {
    while (this.at < this.s.length && [0x20, 0x09, 0x0a, 0x0d].includes(this.s[this.at])) this.at++;
  }

  value(depth: number): void {
    const L = this.L;
    this.skipSpace();
    if (this.at >= this.s.length) this.fail('value');
    const c = this.s[this.at];
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH)
        lauxlib.luaL_error(
          L,
          `Found too many nested data structures (${depth + 1}) at character ${this.at + 1}`,
        );
      lua.lua_checkstack(L, 4);
      this.at++;
      lua.lua_newtable(L);
      if (c === 0x5b) this.array(depth);
      else this.object(depth);
      return;
    }
    if (c === 0x22) {
      lua.lua_pushstring(L, this.string());
      return;
    }
    for (const [word, push] of [
      ['true', () => lua.lua_pushboolean(L, true)],
      ['false', () => lua.lua_pushboolean(L, false)],
      ['null', () => lua.lua_pushlightuserdata(L, JSON_NULL)],
    ] as const) {
      if (this.matches(word)) {
        this.at += word.length;
        push();
        return;
      }
    }
    const rest = new TextDecoder().decode(this.s.subarray(this.at, this.at + 400));
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
    if (!number) this.fail('value');
    this.at += number[0].length;
    lua.lua_pushnumber(L, Number(number[0]));
  }

  matches(word: string): boolean {
    for (let i = 0; i < word.length; i++)
      if (this.s[this.at + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  array(depth: number): void {
    this.skipSpace();
    if (this.s[this.at] === 0x5d) {
      this.at++;
      return;
    }
    for (let i = 1; ; i++) {
      this.value(depth + 1);
      lua.lua_rawseti(this.L, -2, i);
      this.skipSpace();
      if (this.s[this.at] === 0x2c) this.at++;
      else if (this.s[this.at] === 0x5d) {
        this.at++;
        return;
      } else this.fail('comma or array end');
    }
  }

  object(depth: number): void {
    this.skipSpace();
    if (this.s[this.at] === 0x7d) {
      this.at++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.s[this.at] !== 0x22) this.fail('object key string');
      lua.lua_pushstring(this.L, this.string());
      this.skipSpace();
      if (this.s[this.at] !== 0x3a) this.fail('colon');
      this.at++;
      this.value(depth + 1);
      lua.lua_rawset(this.L, -3);
      this.skipSpace();
      if (this.s[this.at] === 0x2c) this.at++;
      else if (this.s[this.at] === 0x7d) {
        this.at++;
        return;
      } else this.fail('comma or object end');
    }
  }

  string(): Uint8Array {
    const start = this.at;
    this.at++;
    const out: number[] = [];
    for (;;) {
      if (this.at >= this.s.length) {
        this.at = start;
        this.fail('value');
      }
      const c = this.s[this.at++];
      if (c === 0x22) return Uint8Array.from(out);
      if (c !== 0x5c) {
        out.push(c);
        continue;
      }
      const e = String.fromCharCode(this.s[this.at++]);
      const simple: Record<string, number> = {
        '"': 0x22,
        '\\': 0x5c,
        '/': 0x2f,
        b: 8,
        f: 12,
        n: 10,
        r: 13,
        t: 9,
      };
      if (e in simple) out.push(simple[e]);
      else if (e === 'u') {
        let code = parseInt(new TextDecoder().decode(this.s.subarray(this.at, this.at + 4)), 16);
        this.at += 4;
        if (
          code >= 0xd800 &&
          code < 0xdc00 &&
          this.s[this.at] === 0x5c &&
          this.s[this.at + 1] === 0x75
        ) {
          const low = parseInt(
            new TextDecoder().decode(this.s.subarray(this.at + 2, this.at + 6)),
            16,
          );
          if (low >= 0xdc00 && low < 0xe000) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            this.at += 6;
          }
        }
        if (Number.isNaN(code)) {
          this.at = start;
          this.fail('value');
        }
        out.push(...encoder.encode(String.fromCodePoint(code)));
      } else {
        this.at = start;
        this.fail('value');
      }
    }
  }
}

/** Pushes the `cjson` table. */
export function openCjson(L: LuaState): void {
  const fns: Record<string, LuaCFunction> = {
    encode: (S) => {
      if (lua.lua_gettop(S) !== 1) return lauxlib.luaL_error(S, 'expected 1 argument');
      const out = new Output(S);
      encodeValue(S, out, 1, 0);
      lua.lua_pushstring(S, out.join());
      return 1;
    },
    decode: (S) => {
      if (lua.lua_gettop(S) !== 1) return lauxlib.luaL_error(S, 'expected 1 argument');
      const text = lauxlib.luaL_checklstring(S, 1);
      const decoder = new Decoder(S, text);
      decoder.value(0);
      decoder.skipSpace();
      if (decoder.at < text.length) decoder.fail('the end');
      return 1;
    },
  };
  lua.lua_createtable(L, 0, 3);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushlightuserdata(L, JSON_NULL);
  lua.lua_setfield(L, -2, 'null');
}
