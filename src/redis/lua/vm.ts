/**
 * The Lua VM scripts run in: a fengari state cachelab creates itself, one per script run.
 *
 * Safety is by construction, not by a list of names to block:
 * - Only base (minus its loaders and `print`), string (minus `dump`), table, math and coroutine
 *   are opened, plus Redis's `redis`, `cjson`, `cmsgpack`, `bit` and `struct`, implemented here. No package,
 *   io, os, debug, utf8 or JS bridge ever exists in the state; `loadstring`/`load` compile text
 *   only (never bytecode) into the script's own environment.
 * - The script is compiled alone (`luaL_loadbufferx`, nothing prepended) and its `_ENV` upvalue
 *   is a fresh, empty table that reads through to the read-only libraries and raises Redis's
 *   errors for unknown globals and for writes. No guard state lives in Lua.
 * - A new state per run: nothing a script does survives it, so nothing can be planted for a
 *   later script or check. That costs 5-25 ms per EVAL (measured in
 *   tests/redis/lua-fidelity.test.ts), fine for lessons that run a few dozen scripts.
 * - `redis.call` reads its arguments with the C API: only strings and numbers cross into
 *   commands, and only strings, numbers, booleans and tables of those come back.
 * - An instruction-count hook ends a script past its budget, string building is capped, and
 *   any JavaScript error inside the VM becomes a plain Lua error without host text.
 */
import { lauxlib, lua, lualib, to_luastring, type LuaCFunction, type LuaState } from 'fengari';
import { fromBytes, toText } from '../bytes.ts';
import { ReplyError } from '../reply-error.ts';
import type { Arg, Reply } from '../fidelity/types.ts';
import { openBit } from './bit.ts';
import { openCjson } from './cjson.ts';
import { addLua51Compat, MAX_STRING_BYTES } from './lua51-compat.ts';
import { openStruct } from './struct.ts';
import { openCmsgpack } from './cmsgpack.ts';
import { installLua51NumberText } from './lua51-numbers.ts';
import { pushField, pushReply, toReply } from './conversions.ts';
import { redisArgNumber } from './number-format.ts';
import { lua53Operator } from './lua51-syntax.ts';
import { isKnownCommand, scriptCommandError } from './script-commands.ts';
import { sha1Hex } from './sha1.ts';

installLua51NumberText();

/** How much work one script may do before it is stopped. */
export interface ScriptBudget {
  /** VM instructions (counted in steps of HOOK_STEP). */
  instructions: number;
  /** Wall-clock milliseconds. */
  wallMs: number;
}

/**
 * The default budget: about a second of fengari on a slow machine. Redis would let a script
 * run on and answer other clients BUSY; a sandbox must end it, and says so in the reply.
 */
export const DEFAULT_BUDGET: ScriptBudget = { instructions: 20_000_000, wallMs: 1_500 };

const HOOK_STEP = 10_000;

/** Where `redis.call` sends a script's commands. */
export interface CallTarget {
  /** Write commands are refused (EVAL_RO, or a function flagged `no-writes`). */
  readOnly: boolean;
  /** Runs one validated command on the script's connection and returns its reply. */
  call(argv: Arg[]): Reply;
}

/** One script run. */
export interface ScriptRun extends CallTarget {
  /** The script's source bytes. */
  body: Uint8Array;
  /** Its SHA-1 (Redis names scripts by it in errors). */
  sha: string;
  /** KEYS. */
  keys: Arg[];
  /** ARGV. */
  args: Arg[];
  /** Limits; DEFAULT_BUDGET when absent. */
  budget?: ScriptBudget;
}

const SOURCE = to_luastring('@user_script');
const TEXT_ONLY = to_luastring('t');
const READONLY = 'Attempt to modify a readonly table';

function clock(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Raises a Lua error whose value is the string `message`, with no position prefix. */
export function raise(L: LuaState, message: string): never {
  lua.lua_pushstring(L, to_luastring(message));
  return lua.lua_error(L);
}

/** A JS failure inside the VM, as a Lua error message without host paths or source. */
export function nativeErrorText(error: unknown): string {
  if (error instanceof RangeError) {
    return /call stack/i.test(error.message) ? 'stack overflow' : 'not enough memory';
  }
  return 'cachelab: internal error in the Lua VM';
}

/** Compile errors as Redis reports them, or null when the script compiles. */
export function compileError(body: Uint8Array): string | null {
  const L = lauxlib.luaL_newstate();
  try {
    const status = lauxlib.luaL_loadbufferx(L, body, null, SOURCE, TEXT_ONLY);
    if (status !== lua.LUA_OK) return compileErrorText(errorText(L));
    const newer = lua53Operator(body);
    return newer
      ? compileErrorText(`user_script:${newer.line}: unexpected symbol near '${newer.near}'`)
      : null;
  } catch (error) {
    return `ERR Error compiling script (new function): ${nativeErrorText(error)}`;
  } finally {
    lua.lua_close(L);
  }
}

/** Lua 5.1 quotes `<eof>` in syntax errors ("near '<eof>'"); 5.3 does not. */
export function lua51SyntaxText(message: string): string {
  return message.replace(/ near <eof>$/, " near '<eof>'");
}

function compileErrorText(message: string): string {
  return `ERR Error compiling script (new function): ${lua51SyntaxText(message)}`;
}

/** The error value at the top of the stack as text. */
export function errorText(L: LuaState): string {
  const bytes = lua.lua_type(L, -1) === lua.LUA_TSTRING ? lua.lua_tostring(L, -1) : null;
  return bytes ? toText(fromBytes(bytes)) : 'unknown error';
}

let running = 0;

/**
 * Runs `body` as the only script in execution: a script (or function) that reaches another
 * through a bypassed command table gets Redis's refusal (`refused(message)`) instead of a nested VM.
 */
export function exclusively<T>(body: () => T, refused: (message: string) => T): T {
  // Defence in depth: the command table already refuses EVAL, FCALL & co. from scripts.
  if (running > 0) return refused('ERR This Redis command is not allowed from script');
  running++;
  try {
    return body();
  } finally {
    running--;
  }
}

const refusedReply = (message: string): Reply => new ReplyError(message);

/** Thrown from the count hook; only identity matters. */
const BUDGET_EXCEEDED = Object.freeze({ budgetExceeded: true });

/** Creates a state whose JavaScript failures become plain Lua errors (budget stops excepted). */
export function newState(): LuaState {
  const L = lauxlib.luaL_newstate();
  lua.lua_atnativeerror(L, (S) => {
    const error = lua.lua_touserdata(S, 1);
    // Rethrown, the stop skips every pcall/xpcall message handler (fengari reports status -1).
    if (error === BUDGET_EXCEEDED) throw error;
    return raise(S, nativeErrorText(error));
  });
  return L;
}

/** Closes a state, ignoring failures (closing only drops references). */
export function closeState(L: LuaState): void {
  try {
    lua.lua_close(L);
  } catch {
    // Nothing to report.
  }
}

/** Runs a script in a fresh VM and returns its reply, Redis 7's errors included. */
export function runScript(run: ScriptRun): Reply {
  return exclusively(() => {
    const L = newState();
    try {
      return execute(L, run);
    } catch (error) {
      return new ReplyError(`ERR ${nativeErrorText(error)} script: ${run.sha}`);
    } finally {
      closeState(L);
    }
  }, refusedReply);
}

/** How a protected call ended. */
export interface CallOutcome {
  /** lua_pcall's status (LUA_OK on success; the result or error value is then at the top). */
  status: number;
  /** The budget ran out: the state must not be used again. */
  timedOut: boolean;
  /** Where the error was raised, for Redis's "on @user_script:N." suffix. */
  where: { source: string; line: number };
}

/**
 * Calls the function below its `nargs` arguments at the top of the stack with one result, under
 * an instruction and wall-clock budget. A script past its budget is stopped by a JavaScript
 * throw no pcall, xpcall or coroutine can catch; its state is then unusable.
 */
export function protectedCall(
  L: LuaState,
  nargs: number,
  budget: ScriptBudget,
  source = '@user_script',
): CallOutcome {
  const outcome: CallOutcome = { status: lua.LUA_OK, timedOut: false, where: { source, line: 0 } };
  const deadline = clock() + budget.wallMs;
  let steps = 0;
  const hook = (S: LuaState): void => {
    steps += HOOK_STEP;
    if (outcome.timedOut || steps > budget.instructions || clock() > deadline) {
      outcome.timedOut = true;
      // From now on the hook fires on every instruction of every coroutine, and throws a JS
      // value, not a Lua error: no pcall, xpcall handler or coroutine can keep the script alive.
      lua.lua_sethook(S, hook, lua.LUA_MASKCOUNT, 1);
      throw BUDGET_EXCEEDED;
    }
  };
  lua.lua_sethook(L, hook, lua.LUA_MASKCOUNT, HOOK_STEP);

  // Message handler: remember where the error happened (Redis's "on @user_script:N.").
  lua.lua_pushcfunction(L, (S) => {
    const ar = new lua.lua_Debug();
    for (let level = 1; level <= 2; level++) {
      if (!lua.lua_getstack(S, level, ar)) break;
      lua.lua_getinfo(S, 'Sl', ar);
      // A C (here: JavaScript) function such as error() or redis.call has no line.
      if (ar.currentline < 0) continue;
      outcome.where = {
        source: ar.source ? toText(fromBytes(ar.source)) : '?',
        line: ar.currentline,
      };
      break;
    }
    return 1;
  });
  const handler = lua.lua_gettop(L) - nargs - 1;
  lua.lua_insert(L, handler);
  outcome.status = lua.lua_pcall(L, nargs, 1, handler);
  lua.lua_remove(L, handler);
  lua.lua_sethook(L, null, 0, 0);
  return outcome;
}

/** The reply for a script stopped by its budget. */
export function budgetError(budget: ScriptBudget, suffix: string): ReplyError {
  return new ReplyError(
    `ERR cachelab: script exceeded its time budget (${budget.instructions} instructions or ${budget.wallMs} ms); Redis would keep running it and answer other clients BUSY ${suffix}`,
  );
}

function execute(L: LuaState, run: ScriptRun): Reply {
  buildGlobals(L, run, 'eval', run.keys, run.args);
  // Stack: [1] env
  if (lauxlib.luaL_loadbufferx(L, run.body, null, SOURCE, TEXT_ONLY) !== lua.LUA_OK)
    return new ReplyError(compileErrorText(errorText(L)));
  lua.lua_pushvalue(L, 1);
  lua.lua_setupvalue(L, -2, 1);

  const budget = run.budget ?? DEFAULT_BUDGET;
  const outcome = protectedCall(L, 0, budget);
  if (outcome.timedOut) return budgetError(budget, `script: ${run.sha}`);
  if (outcome.status === lua.LUA_OK) return toReply(L);
  const { source, line } = outcome.where;
  const suffix = ` script: ${run.sha}, on ${source}:${line}.`;
  return new ReplyError(`${errorMessage(L)}${suffix}`.replace(/[\r\n]/g, ' '));
}

/**
 * Lua 5.3 names the culprit after the problem ("attempt to index a nil value (local 'x')");
 * Lua 5.1, which Redis reports, names it first ("attempt to index local 'x' (a nil value)").
 */
function lua51Wording(text: string): string {
  return text.replace(
    /attempt to (.+?) an? (\w+) value \((local|global|field|upvalue|method|constant) '([^']*)'\)/,
    "attempt to $1 $3 '$4' (a $2 value)",
  );
}

/** The text of a raised error: a table's `err`, else `ERR ` plus the value as text. */
export function errorMessage(L: LuaState): string {
  const type = lua.lua_type(L, -1);
  if (type === lua.LUA_TTABLE) {
    lua.lua_getfield(L, -1, 'err');
    const err = lua.lua_type(L, -1) === lua.LUA_TSTRING ? lua.lua_tostring(L, -1) : null;
    lua.lua_pop(L, 1);
    return err ? toText(fromBytes(err)) : 'ERR script raised a table without an err field';
  }
  if (type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER)
    return `ERR ${lua51Wording(toText(fromBytes(lua.lua_tostring(L, -1) ?? new Uint8Array())))}`;
  if (type === lua.LUA_TBOOLEAN) return `ERR ${lua.lua_toboolean(L, -1)}`;
  if (type === lua.LUA_TNIL || type === lua.LUA_TNONE) return 'ERR nil';
  return 'ERR script raised a non-string error';
}

function setFunction(L: LuaState, name: string, fn: LuaCFunction): void {
  lua.lua_pushcfunction(L, fn);
  lua.lua_setfield(L, -2, name);
}

/** Reads redis.call's arguments from the stack: strings and numbers only, as Redis. */
function commandArgs(L: LuaState): Arg[] | string {
  const n = lua.lua_gettop(L);
  if (n === 0) return 'ERR Please specify at least one argument for this redis lib call';
  const argv: Arg[] = [];
  for (let i = 1; i <= n; i++) {
    const type = lua.lua_type(L, i);
    if (type === lua.LUA_TNUMBER) {
      argv.push(redisArgNumber(lua.lua_tonumber(L, i), lua.lua_isinteger(L, i)));
    } else if (type === lua.LUA_TSTRING) {
      argv.push(fromBytes(lua.lua_tostring(L, i) ?? new Uint8Array()));
    } else {
      return 'ERR Lua redis lib command arguments must be strings or integers';
    }
  }
  return argv;
}

/** Redis's error_reply/status_reply/redis.call error texts: `-CODE msg`, else `ERR msg`. */
function errorReplyText(text: string): string {
  if (!text.startsWith('-')) return `ERR ${text}`;
  const space = text.indexOf(' ');
  return space < 0 ? `ERR ${text.slice(1)}` : `${text.slice(1, space)} ${text.slice(space + 1)}`;
}

/** Which API a state serves: EVAL's, or a function library's (no KEYS/ARGV, no debugger calls). */
export type ScriptKind = 'eval' | 'function';

function openRedis(L: LuaState, run: CallTarget, kind: ScriptKind): void {
  const callCommand =
    (raising: boolean): LuaCFunction =>
    (S) => {
      const argv = commandArgs(S);
      let reply: Reply;
      if (typeof argv === 'string') reply = new ReplyError(argv);
      else {
        const refused = scriptCommandError(argv, run.readOnly);
        reply = refused ? new ReplyError(refused) : run.call(argv);
      }
      lua.lua_settop(S, 0);
      if (raising && reply instanceof ReplyError) {
        pushField(S, 'err', reply.message);
        return lua.lua_error(S);
      }
      pushReply(S, reply);
      return 1;
    };
  const wrongArgs = (S: LuaState): number => {
    pushField(S, 'err', 'ERR wrong number or type of arguments');
    return 1;
  };

  lua.lua_createtable(L, 0, 24);
  setFunction(L, 'call', callCommand(true));
  setFunction(L, 'pcall', callCommand(false));
  setFunction(L, 'sha1hex', (S) => {
    if (lua.lua_gettop(S) !== 1) return lauxlib.luaL_error(S, 'wrong number of arguments');
    const bytes = lua.lua_tostring(S, 1) ?? new Uint8Array();
    lua.lua_pushstring(S, to_luastring(sha1Hex(bytes)));
    return 1;
  });
  setFunction(L, 'error_reply', (S) => {
    if (lua.lua_gettop(S) !== 1 || lua.lua_type(S, 1) !== lua.LUA_TSTRING) return wrongArgs(S);
    const text = toText(fromBytes(lua.lua_tostring(S, 1) ?? new Uint8Array()));
    pushField(S, 'err', errorReplyText(text.startsWith('-') ? text : `-${text}`));
    return 1;
  });
  setFunction(L, 'status_reply', (S) => {
    if (lua.lua_gettop(S) !== 1 || lua.lua_type(S, 1) !== lua.LUA_TSTRING) return wrongArgs(S);
    pushField(S, 'ok', toText(fromBytes(lua.lua_tostring(S, 1) ?? new Uint8Array())));
    return 1;
  });
  // Logging goes nowhere in the sandbox; the arguments are still checked as Redis does.
  setFunction(L, 'log', (S) => {
    if (lua.lua_gettop(S) < 2)
      return lauxlib.luaL_error(S, 'redis.log() requires two arguments or more.');
    if (lua.lua_type(S, 1) !== lua.LUA_TNUMBER)
      return lauxlib.luaL_error(S, 'First argument must be a number (log level).');
    return 0;
  });
  setFunction(L, 'setresp', (S) => {
    const resp = lua.lua_gettop(S) === 1 ? lua.lua_tonumber(S, 1) : 0;
    if (resp === 2) return 0;
    if (resp === 3) return raise(S, 'cachelab: RESP3 replies inside scripts are not supported');
    return lauxlib.luaL_error(S, 'RESP version must be 2 or 3.');
  });
  setFunction(L, 'set_repl', () => 0);
  // The sandbox has one user, allowed everything: known commands are permitted.
  setFunction(L, 'acl_check_cmd', (S) => {
    const argv = commandArgs(S);
    let refusal: string | null = typeof argv === 'string' ? argv : null;
    if (typeof argv !== 'string' && !isKnownCommand(argv))
      refusal = 'ERR Invalid command passed to redis.acl_check_cmd()';
    lua.lua_settop(S, 0);
    if (refusal !== null) {
      pushField(S, 'err', refusal);
      return lua.lua_error(S);
    }
    lua.lua_pushboolean(S, true);
    return 1;
  });
  if (kind === 'eval') {
    // Functions have none of these (measured on redis-server 7.0.15).
    setFunction(L, 'replicate_commands', (S) => {
      lua.lua_pushboolean(S, true);
      return 1;
    });
    setFunction(L, 'breakpoint', (S) => {
      lua.lua_pushboolean(S, false);
      return 1;
    });
    setFunction(L, 'debug', () => 0);
  }
  addRedisConstants(L);
}

/** redis.LOG_*, REPL_*, REDIS_VERSION and REDIS_VERSION_NUM into the table at the top. */
export function addRedisConstants(L: LuaState): void {
  const constants: [string, number][] = [
    ['LOG_DEBUG', 0],
    ['LOG_VERBOSE', 1],
    ['LOG_NOTICE', 2],
    ['LOG_WARNING', 3],
    ['REPL_NONE', 0],
    ['REPL_AOF', 1],
    ['REPL_SLAVE', 2],
    ['REPL_REPLICA', 2],
    ['REPL_ALL', 3],
    ['REDIS_VERSION_NUM', 0x07000f],
  ];
  for (const [name, value] of constants) {
    lua.lua_pushinteger(L, value);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushstring(L, to_luastring('7.0.15'));
  lua.lua_setfield(L, -2, 'REDIS_VERSION');
}

/** Pushes an array table of Redis strings. */
export function pushStrings(L: LuaState, items: Arg[]): void {
  lua.lua_createtable(L, items.length, 0);
  items.forEach((item, i) => {
    pushReply(L, item);
    lua.lua_rawseti(L, -2, i + 1);
  });
}

const LIBRARIES = [
  'string',
  'table',
  'math',
  'coroutine',
  'redis',
  'cjson',
  'bit',
  'struct',
  'cmsgpack',
];

/**
 * Builds the state's libraries and leaves the script's environment table on the stack (index 1).
 */
export function buildGlobals(
  L: LuaState,
  run: CallTarget,
  kind: ScriptKind,
  keys: Arg[] = [],
  args: Arg[] = [],
): void {
  const libs: [string, LuaCFunction][] = [
    ['_G', lualib.luaopen_base],
    ['string', lualib.luaopen_string],
    ['table', lualib.luaopen_table],
    ['math', lualib.luaopen_math],
    ['coroutine', lualib.luaopen_coroutine],
  ];
  for (const [name, open] of libs) {
    lauxlib.luaL_requiref(L, to_luastring(name), open, 1);
    lua.lua_pop(L, 1);
  }
  lua.lua_settop(L, 0);
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  const G = lua.lua_gettop(L); // 1: the real globals (the library table)

  for (const name of ['dofile', 'loadfile', 'load', 'print', 'require', 'rawlen', 'utf8'])
    clearField(L, G, name);
  lua.lua_getfield(L, G, 'string');
  clearField(L, -1, 'dump');
  lua.lua_pop(L, 1);

  openRedis(L, run, kind);
  lua.lua_setfield(L, G, 'redis');
  openCjson(L);
  lua.lua_setfield(L, G, 'cjson');
  openBit(L);
  lua.lua_setfield(L, G, 'bit');
  openStruct(L);
  lua.lua_setfield(L, G, 'struct');
  openCmsgpack(L);
  lua.lua_setfield(L, G, 'cmsgpack');
  if (kind === 'eval') {
    pushStrings(L, keys);
    lua.lua_setfield(L, G, 'KEYS');
    pushStrings(L, args);
    lua.lua_setfield(L, G, 'ARGV');
  }
  lua.lua_pushstring(L, to_luastring('Lua 5.1'));
  lua.lua_setfield(L, G, '_VERSION');

  addLua51Compat(L, G);

  // The set of read-only tables, kept as an upvalue of rawset/setmetatable only.
  lua.lua_newtable(L);
  const readonly = lua.lua_gettop(L);

  for (const name of LIBRARIES) {
    lua.lua_getfield(L, G, name);
    pushReadonlyProxy(L, readonly);
    lua.lua_setfield(L, G, name);
  }

  // The string metatable, read-only as Redis 7 makes it: getmetatable("") answers a read-only
  // proxy, and methods like ("x"):upper() read the string library through its read-only proxy.
  // A library's VM lives on between FCALLs, so nothing here may be writable.
  lua.lua_pushstring(L, to_luastring(''));
  lua.lua_getmetatable(L, -1);
  lua.lua_remove(L, -2);
  lua.lua_getfield(L, G, 'string');
  lua.lua_setfield(L, -2, '__index');
  pushReadonlyProxy(L, readonly);
  lua.lua_getfield(L, G, 'getmetatable');
  lua.lua_insert(L, -2);
  lua.lua_pushcclosure(L, guardedGetmetatable, 2);
  lua.lua_setfield(L, G, 'getmetatable');

  // The script's environment: a read-only proxy of G (empty, reading through, refusing writes;
  // pairs(_G) lists the globals, as on Redis).
  lua.lua_pushvalue(L, G);
  pushReadonlyProxy(L, readonly);
  const env = lua.lua_gettop(L);

  // G answers misses with Redis's error; it is only reachable through the environment.
  lua.lua_createtable(L, 0, 2);
  lua.lua_pushcfunction(L, (S) => {
    const key =
      lua.lua_type(S, 2) === lua.LUA_TSTRING ? toText(fromBytes(lua.lua_tostring(S, 2)!)) : '?';
    return lauxlib.luaL_error(S, `Script attempted to access nonexistent global variable '${key}'`);
  });
  lua.lua_setfield(L, -2, '__index');
  lua.lua_setmetatable(L, G);

  lua.lua_pushvalue(L, env);
  lua.lua_setfield(L, G, '_G');

  // Loaders compile text only, into the script's environment.
  lua.lua_pushvalue(L, env);
  lua.lua_pushcclosure(L, loadString, 1);
  lua.lua_setfield(L, G, 'loadstring');
  lua.lua_pushvalue(L, env);
  lua.lua_pushcclosure(L, loadFromReader, 1);
  lua.lua_setfield(L, G, 'load');

  // rawset and setmetatable refuse the read-only tables with Redis's text.
  for (const name of ['rawset', 'setmetatable']) {
    lua.lua_getfield(L, G, name);
    lua.lua_pushvalue(L, readonly);
    lua.lua_pushcclosure(L, guardedWrite, 2);
    lua.lua_setfield(L, G, name);
  }

  // Leave only the environment on the stack.
  lua.lua_pushvalue(L, env);
  lua.lua_insert(L, 1);
  lua.lua_settop(L, 1);
}

function clearField(L: LuaState, index: number, name: string): void {
  lua.lua_pushnil(L);
  lua.lua_setfield(L, index < 0 ? index - 1 : index, name);
}

function markReadonly(L: LuaState, readonly: number, index: number): void {
  lua.lua_pushvalue(L, index);
  lua.lua_pushboolean(L, true);
  lua.lua_rawset(L, readonly);
}

/** Replaces the table at the top with a read-only proxy of it (reads through; writes raise). */
function pushReadonlyProxy(L: LuaState, readonly: number): void {
  const real = lua.lua_gettop(L);
  lua.lua_newtable(L);
  const proxy = lua.lua_gettop(L);
  lua.lua_createtable(L, 0, 4);
  lua.lua_pushvalue(L, real);
  lua.lua_setfield(L, -2, '__index');
  lua.lua_pushcfunction(L, (S) => lauxlib.luaL_error(S, READONLY));
  lua.lua_setfield(L, -2, '__newindex');
  lua.lua_pushvalue(L, real);
  lua.lua_pushcclosure(L, pairsOfUpvalue, 1);
  lua.lua_setfield(L, -2, '__pairs');
  lua.lua_pushboolean(L, false);
  lua.lua_setfield(L, -2, '__metatable');
  lua.lua_setmetatable(L, proxy);
  markReadonly(L, readonly, proxy);
  lua.lua_remove(L, real);
}

function pairsOfUpvalue(L: LuaState): number {
  lua.lua_getglobal(L, 'next');
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_pushnil(L);
  return 3;
}

/** getmetatable that hands out the string metatable's read-only proxy (upvalue 2) for strings. */
function guardedGetmetatable(L: LuaState): number {
  if (lua.lua_type(L, 1) === lua.LUA_TSTRING) {
    lua.lua_pushvalue(L, lua.lua_upvalueindex(2));
    return 1;
  }
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_insert(L, 1);
  lua.lua_call(L, lua.lua_gettop(L) - 1, lua.LUA_MULTRET);
  return lua.lua_gettop(L);
}

function guardedWrite(L: LuaState): number {
  if (lua.lua_type(L, 1) === lua.LUA_TTABLE) {
    lua.lua_pushvalue(L, 1);
    if (lua.lua_rawget(L, lua.lua_upvalueindex(2)) !== lua.LUA_TNIL) raise(L, READONLY);
    lua.lua_pop(L, 1);
  }
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_insert(L, 1);
  lua.lua_call(L, lua.lua_gettop(L) - 1, lua.LUA_MULTRET);
  return lua.lua_gettop(L);
}

function compileInto(L: LuaState, code: Uint8Array, name: Uint8Array): number {
  if (code.length > MAX_STRING_BYTES) raise(L, 'not enough memory');
  if (lauxlib.luaL_loadbufferx(L, code, null, name, TEXT_ONLY) !== lua.LUA_OK) {
    lua.lua_pushnil(L);
    lua.lua_insert(L, -2);
    return 2;
  }
  lua.lua_pushvalue(L, lua.lua_upvalueindex(1));
  lua.lua_setupvalue(L, -2, 1);
  return 1;
}

/** Lua 5.1's loadstring(text [, chunkname]), text only, in the script's environment. */
function loadString(L: LuaState): number {
  const code = lauxlib.luaL_checklstring(L, 1);
  const name = lua.lua_type(L, 2) === lua.LUA_TSTRING ? lua.lua_tostring(L, 2)! : code;
  return compileInto(L, code, name);
}

/** Lua 5.1's load(reader [, chunkname]): pieces from a function, text only. */
function loadFromReader(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION);
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    lua.lua_pushvalue(L, 1);
    lua.lua_call(L, 0, 1);
    if (lua.lua_type(L, -1) === lua.LUA_TNIL) break;
    if (lua.lua_type(L, -1) !== lua.LUA_TSTRING)
      return lauxlib.luaL_error(L, 'reader function must return a string');
    const piece = lua.lua_tostring(L, -1)!;
    lua.lua_pop(L, 1);
    if (piece.length === 0) break;
    total += piece.length;
    if (total > MAX_STRING_BYTES) raise(L, 'not enough memory');
    pieces.push(piece);
  }
  lua.lua_pop(L, 1);
  const code = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    code.set(piece, at);
    at += piece.length;
  }
  const name =
    lua.lua_type(L, 2) === lua.LUA_TSTRING ? lua.lua_tostring(L, 2)! : to_luastring('=(load)');
  return compileInto(L, code, name);
}
