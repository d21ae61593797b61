/** Redis's `bit` library (LuaBitOp): 32-bit operations on numbers, results as signed numbers. */
import { lauxlib, lua, to_luastring, type LuaCFunction, type LuaState } from 'fengari';

/** LuaBitOp's normalisation: the number modulo 2^32, as a signed 32-bit value. */
function tobit(n: number): number {
  if (!Number.isFinite(n)) return 0;
  return Number(BigInt.asIntN(32, BigInt(Math.round(n) % 2 ** 32)));
}

function arg(L: LuaState, i: number): number {
  return tobit(lauxlib.luaL_checknumber(L, i));
}

function result(L: LuaState, n: number): number {
  lua.lua_pushnumber(L, n | 0);
  return 1;
}

function fold(op: (a: number, b: number) => number): LuaCFunction {
  return (L) => {
    let acc = arg(L, 1);
    for (let i = 2; i <= lua.lua_gettop(L); i++) acc = op(acc, arg(L, i));
    return result(L, acc);
  };
}

/** Pushes the `bit` table. */
export function openBit(L: LuaState): void {
  const fns: Record<string, LuaCFunction> = {
    tobit: (S) => result(S, arg(S, 1)),
    bnot: (S) => result(S, ~arg(S, 1)),
    band: fold((a, b) => a & b),
    bor: fold((a, b) => a | b),
    bxor: fold((a, b) => a ^ b),
    lshift: (S) => result(S, arg(S, 1) << (arg(S, 2) & 31)),
    rshift: (S) => result(S, arg(S, 1) >>> (arg(S, 2) & 31)),
    arshift: (S) => result(S, arg(S, 1) >> (arg(S, 2) & 31)),
    rol: (S) => {
      const x = arg(S, 1);
      const n = arg(S, 2) & 31;
      return result(S, (x << n) | (x >>> (32 - n)));
    },
    ror: (S) => {
      const x = arg(S, 1);
      const n = arg(S, 2) & 31;
      return result(S, (x >>> n) | (x << (32 - n)));
    },
    bswap: (S) => {
      const x = arg(S, 1);
      return result(
        S,
        ((x >>> 24) & 0xff) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | ((x & 0xff) << 24),
      );
    },
    tohex: (S) => {
      const x = arg(S, 1);
      let n = lua.lua_isnoneornil(S, 2) ? 8 : arg(S, 2);
      const upper = n < 0;
      if (upper) n = -n;
      n = Math.min(n, 8);
      let hex = (x >>> 0)
        .toString(16)
        .padStart(8, '0')
        .slice(8 - n);
      if (upper) hex = hex.toUpperCase();
      lua.lua_pushstring(S, to_luastring(hex));
      return 1;
    },
  };
  lua.lua_createtable(L, 0, Object.keys(fns).length);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
