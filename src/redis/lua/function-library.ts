/**
 * A Redis 7 function library (FUNCTION LOAD's `#!lua name=<lib>` code) in a Lua VM of its own.
 *
 * - Loading runs the library code once, as Redis does, with only what Redis's loader offers:
 *   a `redis` table of `register_function`, `log` and the version/log constants. Every other
 *   global (even `error` and `string`) is a "nonexistent global variable" error, measured on
 *   redis-server 7.0.15. The load has its own budget, and Redis's 500 ms FUNCTION LOAD timeout.
 * - Afterwards the same VM serves FCALL: the callbacks see the same globals as an EVAL script
 *   (vm.ts's safe state: no host libraries, read-only globals) minus KEYS/ARGV and the debugger
 *   calls, and get KEYS and ARGV as their two arguments. Locals of the library keep their values
 *   from call to call, as on Redis (one VM per library; Redis has one for all, which no library
 *   can observe, because globals are read-only).
 * - Nothing in the VM reaches the host: `redis.call` goes to a target swapped in per FCALL, which
 *   reads only strings and numbers. A VM stopped by its budget is closed; the registry rebuilds it
 *   from the code on the next FCALL (`FunctionLibrary.load` is deterministic: the loader has no
 *   clock, no randomness and no commands).
 */
import { lauxlib, lua, to_luastring, type LuaCFunction, type LuaState } from 'fengari';
import { fromBytes, toText } from '../bytes.ts';
import { ReplyError } from '../reply-error.ts';
import type { Arg, Reply } from '../fidelity/types.ts';
import { pushField, toReply } from './conversions.ts';
import { lua53Operator } from './lua51-syntax.ts';
import {
  DEFAULT_BUDGET,
  addRedisConstants,
  budgetError,
  buildGlobals,
  closeState,
  errorMessage,
  errorText,
  exclusively,
  lua51SyntaxText,
  nativeErrorText,
  newState,
  protectedCall,
  pushStrings,
  type CallTarget,
  type ScriptBudget,
} from './vm.ts';

/** Redis's flags for functions, in the order FUNCTION LIST prints them. */
export const FUNCTION_FLAGS = [
  'no-writes',
  'allow-oom',
  'allow-stale',
  'no-cluster',
  'allow-cross-slot-keys',
] as const;

/** One registered function, as FUNCTION LIST describes it. */
export interface FunctionInfo {
  /** Its name as registered (FCALL looks it up case-insensitively). */
  name: string;
  /** `description`, or null. */
  description: string | null;
  /** Flags, in FUNCTION_FLAGS order. */
  flags: string[];
}

/** Redis's 500 ms FUNCTION LOAD timeout, and the usual instruction budget. */
export const LOAD_BUDGET: ScriptBudget = { instructions: DEFAULT_BUDGET.instructions, wallMs: 500 };

const SOURCE = '@user_function';
const CHUNK_NAME = to_luastring(SOURCE);
const TEXT_ONLY = to_luastring('t');

/** Redis's rule for library and function names (functionsVerifyName). */
export function validName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}

/** The same text for bad library and bad function names, as Redis 7.0 prints it. */
export const BAD_NAME =
  'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** Raises `{err = message}`: Redis's register_function errors carry no position. */
function raiseReply(L: LuaState, message: string): never {
  pushField(L, 'err', message);
  return lua.lua_error(L);
}

function textAt(L: LuaState, index: number): string {
  return toText(fromBytes(lua.lua_tostring(L, index) ?? new Uint8Array()));
}

/** A loaded library: its functions and the VM their callbacks live in. */
export class FunctionLibrary {
  private closed = false;

  private constructor(
    private readonly L: LuaState,
    /** The target `redis.call` uses; swapped for each FCALL. */
    private readonly target: { current: CallTarget },
    /** Registry references of the callbacks, by lower-case function name. */
    private readonly callbacks: Map<string, number>,
    /** The functions, in registration order. */
    readonly functions: readonly FunctionInfo[],
  ) {}

  /**
   * Runs the library code (the text after the shebang line, newline included, so line numbers
   * match Redis's) and returns the library, or Redis's error text without the `ERR ` prefix.
   */
  static load(code: Uint8Array, budget: ScriptBudget = LOAD_BUDGET): FunctionLibrary | string {
    return exclusively<FunctionLibrary | string>(
      () => {
        const L = newState();
        try {
          const loaded = FunctionLibrary.create(L, code, budget);
          if (typeof loaded === 'string') closeState(L);
          return loaded;
        } catch (error) {
          closeState(L);
          return `Error registering functions: ERR ${nativeErrorText(error)}`;
        }
      },
      (message) => message.replace(/^ERR /, ''),
    );
  }

  private static create(
    L: LuaState,
    code: Uint8Array,
    budget: ScriptBudget,
  ): FunctionLibrary | string {
    const target = { current: IDLE };
    const proxy: CallTarget = {
      get readOnly() {
        return target.current.readOnly;
      },
      call: (argv) => target.current.call(argv),
    };
    buildGlobals(L, proxy, 'function');
    // Stack: [1] env, whose metatable reads through to the globals.
    lua.lua_getmetatable(L, 1);
    const meta = lua.lua_gettop(L); // 2
    lua.lua_getfield(L, meta, '__index');
    const globals = lua.lua_gettop(L); // 3

    const functions: FunctionInfo[] = [];
    const callbacks = new Map<string, number>();
    const phase = { loading: true };
    pushLoaderApi(L, (S) => registerFunction(S, phase, functions, callbacks));
    lua.lua_setfield(L, meta, '__index');

    if (lauxlib.luaL_loadbufferx(L, code, null, CHUNK_NAME, TEXT_ONLY) !== lua.LUA_OK)
      return `Error compiling function: ${lua51SyntaxText(errorText(L))}`;
    const newer = lua53Operator(code);
    if (newer)
      return `Error compiling function: user_function:${newer.line}: unexpected symbol near '${newer.near}'`;
    lua.lua_pushvalue(L, 1);
    lua.lua_setupvalue(L, -2, 1);
    const outcome = protectedCall(L, 0, budget, SOURCE);
    phase.loading = false;
    if (outcome.timedOut) return 'Error registering functions: ERR FUNCTION LOAD timeout';
    if (outcome.status !== lua.LUA_OK)
      return `Error registering functions: ${errorMessage(L)}`.replace(/[\r\n]/g, ' ');
    if (functions.length === 0) return 'No functions registered';

    // From now on the library's globals are the full ones.
    lua.lua_pushvalue(L, globals);
    lua.lua_setfield(L, meta, '__index');
    lua.lua_settop(L, 0);
    return new FunctionLibrary(L, target, callbacks, functions);
  }

  /**
   * Calls function `name` (registered here) with KEYS and ARGV, as FCALL does; the reply, or
   * Redis's error with its `script: <name>, on @user_function:N.` suffix.
   */
  call(
    name: string,
    keys: Arg[],
    args: Arg[],
    target: CallTarget,
    budget: ScriptBudget = DEFAULT_BUDGET,
  ): Reply {
    const ref = this.callbacks.get(name.toLowerCase());
    const info = this.functions.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (this.closed || ref === undefined || !info)
      return new ReplyError('ERR cachelab: this function library was closed');
    return exclusively(() => {
      const L = this.L;
      this.target.current = target;
      try {
        lua.lua_settop(L, 0);
        lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
        pushStrings(L, keys);
        pushStrings(L, args);
        const outcome = protectedCall(L, 2, budget, SOURCE);
        if (outcome.timedOut) {
          this.close();
          return budgetError(budget, `script: ${info.name}`);
        }
        const reply =
          outcome.status === lua.LUA_OK
            ? toReply(L)
            : new ReplyError(
                `${errorMessage(L)} script: ${info.name}, on ${outcome.where.source}:${outcome.where.line}.`.replace(
                  /[\r\n]/g,
                  ' ',
                ),
              );
        lua.lua_settop(L, 0);
        return reply;
      } catch (error) {
        // A JavaScript failure may have left the state half-way: never use it again.
        this.close();
        return new ReplyError(`ERR ${nativeErrorText(error)} script: ${info.name}`);
      } finally {
        this.target.current = IDLE;
      }
    }, refusedReply);
  }

  /** Whether the VM was closed (by a budget stop, a host error or `close`). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Frees the VM; later calls answer an error. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeState(this.L);
  }
}

const refusedReply = (message: string): Reply => new ReplyError(message);

/** Between calls `redis.call` has nowhere to go. */
const IDLE: CallTarget = {
  readOnly: true,
  call: () => new ReplyError('ERR cachelab: no function is running'),
};

/** The loader's globals: `redis` with register_function, log and constants; nothing else. */
function pushLoaderApi(L: LuaState, register: LuaCFunction): void {
  lua.lua_createtable(L, 0, 1);
  const api = lua.lua_gettop(L);
  lua.lua_createtable(L, 0, 12);
  lua.lua_pushcfunction(L, register);
  lua.lua_setfield(L, -2, 'register_function');
  lua.lua_pushcfunction(L, (S) => {
    if (lua.lua_gettop(S) < 2)
      return lauxlib.luaL_error(S, 'redis.log() requires two arguments or more.');
    if (lua.lua_type(S, 1) !== lua.LUA_TNUMBER)
      return lauxlib.luaL_error(S, 'First argument must be a number (log level).');
    return 0;
  });
  lua.lua_setfield(L, -2, 'log');
  addRedisConstants(L);
  for (const name of ['REPL_NONE', 'REPL_AOF', 'REPL_SLAVE', 'REPL_REPLICA', 'REPL_ALL']) {
    // The loader's redis table has the log and version constants only.
    lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, name);
  }
  setNonexistentError(L);
  lua.lua_setfield(L, api, 'redis');
  setNonexistentError(L);
}

/** Reading a missing field of the table at the top raises Redis's nonexistent-global error. */
function setNonexistentError(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  lua.lua_pushcfunction(L, (S) => {
    const key = lua.lua_type(S, 2) === lua.LUA_TSTRING ? textAt(S, 2) : '?';
    return lauxlib.luaL_error(S, `Script attempted to access nonexistent global variable '${key}'`);
  });
  lua.lua_setfield(L, -2, '__index');
  lua.lua_pushcfunction(L, (S) => lauxlib.luaL_error(S, 'Attempt to modify a readonly table'));
  lua.lua_setfield(L, -2, '__newindex');
  lua.lua_pushboolean(L, false);
  lua.lua_setfield(L, -2, '__metatable');
  lua.lua_setmetatable(L, -2);
}

/** redis.register_function(name, callback) or redis.register_function{...}, Redis's checks. */
function registerFunction(
  L: LuaState,
  phase: { loading: boolean },
  functions: FunctionInfo[],
  callbacks: Map<string, number>,
): number {
  if (!phase.loading)
    return raiseReply(L, 'ERR redis.register_function can only be called on FUNCTION LOAD command');
  const argc = lua.lua_gettop(L);
  let name: string | null = null;
  let description: string | null = null;
  const flags = new Set<string>();
  if (argc === 1) {
    if (lua.lua_type(L, 1) !== lua.LUA_TTABLE)
      return raiseReply(
        L,
        'ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).',
      );
    lua.lua_settop(L, 1);
    lua.lua_pushnil(L); // [2]: the callback, once found
    lua.lua_pushnil(L);
    while (lua.lua_next(L, 1)) {
      // Stack: table, callback, key, value.
      const keyType = lua.lua_type(L, -2);
      if (keyType !== lua.LUA_TSTRING && keyType !== lua.LUA_TNUMBER)
        return raiseReply(
          L,
          'ERR named argument key given to redis.register_function is not a string',
        );
      lua.lua_pushvalue(L, -2);
      const key = textAt(L, -1).toLowerCase();
      lua.lua_pop(L, 1);
      if (key === 'function_name') {
        if (!lua.lua_isstring(L, -1))
          return raiseReply(
            L,
            'ERR function_name argument given to redis.register_function must be a string',
          );
        name = textAt(L, -1);
      } else if (key === 'description') {
        if (!lua.lua_isstring(L, -1))
          return raiseReply(
            L,
            'ERR description argument given to redis.register_function must be a string',
          );
        description = textAt(L, -1);
      } else if (key === 'callback') {
        if (lua.lua_type(L, -1) !== lua.LUA_TFUNCTION)
          return raiseReply(
            L,
            'ERR callback argument given to redis.register_function must be a function',
          );
        lua.lua_pushvalue(L, -1);
        lua.lua_replace(L, 2);
      } else if (key === 'flags') {
        if (lua.lua_type(L, -1) !== lua.LUA_TTABLE)
          return raiseReply(
            L,
            'ERR flags argument to redis.register_function must be a table representing function flags',
          );
        const table = lua.lua_gettop(L);
        for (let i = 1; ; i++) {
          lua.lua_rawgeti(L, table, i);
          if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
            lua.lua_pop(L, 1);
            break;
          }
          const flag = lua.lua_isstring(L, -1) ? textAt(L, -1).toLowerCase() : '';
          lua.lua_pop(L, 1);
          if (!(FUNCTION_FLAGS as readonly string[]).includes(flag))
            return raiseReply(L, 'ERR unknown flag given');
          flags.add(flag);
        }
      } else return raiseReply(L, 'ERR unknown argument given to redis.register_function');
      lua.lua_pop(L, 1);
    }
    if (name === null)
      return raiseReply(L, 'ERR redis.register_function must get a function name argument');
    if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION)
      return raiseReply(L, 'ERR redis.register_function must get a callback argument');
  } else {
    if (argc !== 2)
      return raiseReply(L, 'ERR wrong number of arguments to redis.register_function');
    if (!lua.lua_isstring(L, 1))
      return raiseReply(L, 'ERR first argument to redis.register_function must be a string');
    if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION)
      return raiseReply(L, 'ERR second argument to redis.register_function must be a function');
    name = textAt(L, 1);
  }
  if (!validName(name)) return raiseReply(L, `ERR ${BAD_NAME}`);
  const key = name.toLowerCase();
  if (callbacks.has(key)) return raiseReply(L, 'ERR Function already exists in the library');
  lua.lua_settop(L, 2);
  callbacks.set(key, lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX));
  functions.push({
    name,
    description,
    flags: FUNCTION_FLAGS.filter((f) => flags.has(f)),
  });
  return 0;
}
