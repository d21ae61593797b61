/**
 * Redis 7 functions: FUNCTION LOAD/LIST/DELETE/FLUSH/STATS/KILL/DUMP/RESTORE/HELP, FCALL and
 * FCALL_RO, with redis-server 7.0.15's replies and error texts.
 *
 * - The library registry is server-wide, like the script cache: one per engine (kept beside the
 *   engine's ScriptHost), shared by its connections, emptied by FUNCTION FLUSH only; FLUSHALL
 *   keeps it, as Redis 7.0 does. A new engine (the runner makes one per check) starts empty, so
 *   no library, and no value a library's locals hold, survives into another check or store.
 * - Each library runs in a Lua VM of its own (src/redis/lua/function-library.ts), kept between
 *   calls so a library's locals persist as on Redis. At most MAX_LIVE_VMS VMs stay open; past
 *   that the least recently used is closed and rebuilt from its code on its next FCALL (its
 *   locals start over: the one place the sandbox can differ, and only with that many libraries).
 * - A function's commands go through the engine (`ctx.scripts.call`) like an EVAL script's, so
 *   they are checked, logged and traced the same way.
 * - Library order in FUNCTION LIST and DUMP is hash-table order (dict.ts), as arbitrary as Redis's.
 */
import { toBytes, toText } from '../bytes.ts';
import { replyError } from '../reply-error.ts';
import { parseCliLine } from '../cli-parse.ts';
import {
  BAD_NAME,
  FunctionLibrary,
  validName,
  type FunctionInfo,
} from '../lua/function-library.ts';
import { dictOrder } from './dict.ts';
import { globMatch } from './keyspace.ts';
import { parseInt64 } from './numbers.ts';
import { dumpFunctions, parseFunctionsPayload } from './functions-dump.ts';
import { OK, Status, type Arg, type Ctx, type Reply, type ScriptHost } from './types.ts';

/** Open library VMs per engine; more libraries than this are rebuilt on demand. */
export const MAX_LIVE_VMS = 16;

/** A loaded library. */
interface Library {
  name: string;
  /** The whole FUNCTION LOAD argument, shebang included (LIST WITHCODE, DUMP). */
  code: Uint8Array;
  /** The code after the shebang line, newline included (what the VM runs). */
  body: Uint8Array;
  functions: readonly FunctionInfo[];
  vm: FunctionLibrary | null;
}

/** The registry of one engine. */
interface Registry {
  /** Libraries by name (case-sensitive, as Redis's). */
  libraries: Map<string, Library>;
  /** Functions by lower-case name (Redis compares function names case-insensitively). */
  functions: Map<string, { library: Library; info: FunctionInfo }>;
  /** Libraries with an open VM, least recently used first. */
  live: Library[];
}

const REGISTRIES = new WeakMap<ScriptHost, Registry>();

function registryOf(ctx: Ctx): Registry {
  let registry = REGISTRIES.get(ctx.scripts);
  if (!registry) {
    registry = { libraries: new Map(), functions: new Map(), live: [] };
    REGISTRIES.set(ctx.scripts, registry);
  }
  return registry;
}

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

/** functionExtractLibMetaData: engine, name and body of `#!<engine> name=<name>\n<body>`. */
function parseMetadata(code: Uint8Array): { engine: string; name: string; body: Uint8Array } {
  if (code[0] !== 0x23 || code[1] !== 0x21) throw replyError('ERR Missing library metadata');
  const end = code.indexOf(0x0a);
  if (end < 0) throw replyError('ERR Invalid library metadata');
  const parts = parseCliLine(new TextDecoder().decode(code.subarray(0, end)));
  if (!parts || parts.length === 0) throw replyError('ERR Invalid library metadata');
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const engine = text(parts[0]).slice(2);
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    const value = text(part);
    if (value.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null)
        throw replyError('ERR Invalid metadata value, name argument was given multiple times');
      name = value.slice(5);
      continue;
    }
    throw replyError(`ERR Invalid metadata value given: ${value}`);
  }
  if (name === null) throw replyError('ERR Library name was not given');
  return { engine, name, body: code.slice(end) };
}

function closeVm(registry: Registry, library: Library): void {
  library.vm?.close();
  library.vm = null;
  const i = registry.live.indexOf(library);
  if (i >= 0) registry.live.splice(i, 1);
}

/** Records `library` as just used, closing the least recently used VM past the cap. */
function markLive(registry: Registry, library: Library): void {
  const i = registry.live.indexOf(library);
  if (i >= 0) registry.live.splice(i, 1);
  registry.live.push(library);
  while (registry.live.length > MAX_LIVE_VMS) closeVm(registry, registry.live[0]);
}

function unlink(registry: Registry, library: Library): void {
  registry.libraries.delete(library.name);
  for (const f of library.functions) registry.functions.delete(f.name.toLowerCase());
}

function link(registry: Registry, library: Library): void {
  registry.libraries.set(library.name, library);
  for (const info of library.functions)
    registry.functions.set(info.name.toLowerCase(), { library, info });
}

/**
 * functionsCreateWithLibraryCtx's checks and the load itself: a library not yet linked, or
 * Redis's error (thrown). `exists` says whether a library of that name blocks the load.
 */
export function createLibrary(code: Uint8Array, exists: (name: string) => boolean): Library {
  const { engine, name, body } = parseMetadata(code);
  if (!validName(name)) throw replyError(`ERR ${BAD_NAME}`);
  if (engine.toLowerCase() !== 'lua') throw replyError(`ERR Engine '${engine}' not found`);
  if (exists(name)) throw replyError(`ERR Library '${name}' already exists`);
  const vm = FunctionLibrary.load(body);
  if (typeof vm === 'string') throw replyError(`ERR ${vm}`);
  return { name, code, body, functions: vm.functions, vm };
}

function functionLoad(ctx: Ctx, args: Arg[]): Reply {
  let replace = false;
  for (const option of args.slice(0, -1)) {
    if (toText(option).toLowerCase() !== 'replace')
      throw replyError(`ERR Unknown option given: ${toText(option)}`);
    replace = true;
  }
  const registry = registryOf(ctx);
  const library = createLibrary(toBytes(args[args.length - 1]), (name) =>
    replace ? false : registry.libraries.has(name),
  );
  const old = registry.libraries.get(library.name);
  for (const info of library.functions) {
    const clash = registry.functions.get(info.name.toLowerCase());
    if (clash && clash.library !== old) {
      library.vm?.close();
      throw replyError(`ERR Function ${info.name} already exists`);
    }
  }
  if (old) {
    unlink(registry, old);
    closeVm(registry, old);
  }
  link(registry, library);
  markLive(registry, library);
  return library.name;
}

function functionList(ctx: Ctx, args: Arg[]): Reply {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = toText(args[i]);
    if (!withCode && arg.toLowerCase() === 'withcode') {
      withCode = true;
      continue;
    }
    if (pattern === null && arg.toLowerCase() === 'libraryname') {
      if (i >= args.length - 1) throw replyError('ERR library name argument was not given');
      pattern = toText(args[++i]);
      continue;
    }
    throw replyError(`ERR Unknown argument ${arg}`);
  }
  const registry = registryOf(ctx);
  const out: Reply[] = [];
  for (const name of dictOrder([...registry.libraries.keys()])) {
    // LIBRARYNAME matches without regard to case (stringmatchlen with nocase).
    if (pattern !== null && !globMatch(pattern.toLowerCase(), name.toLowerCase())) continue;
    const library = registry.libraries.get(name)!;
    const byName = new Map(library.functions.map((f) => [f.name, f]));
    const functions = dictOrder(library.functions.map((f) => f.name)).map((fname) => {
      const f = byName.get(fname)!;
      return [
        'name',
        f.name,
        'description',
        f.description,
        'flags',
        f.flags.map((flag) => new Status(flag)),
      ];
    });
    const entry: Reply[] = ['library_name', name, 'engine', 'LUA', 'functions', functions];
    if (withCode) entry.push('library_code', library.code);
    out.push(entry);
  }
  return out;
}

function subcommandSyntaxError(sub: Arg): never {
  throw replyError(
    `ERR unknown subcommand or wrong number of arguments for '${toText(sub).slice(0, 128)}'. Try FUNCTION HELP.`,
  );
}

function flushAll(registry: Registry): void {
  for (const library of registry.libraries.values()) closeVm(registry, library);
  registry.libraries.clear();
  registry.functions.clear();
}

function functionRestore(ctx: Ctx, sub: Arg, args: Arg[]): Reply {
  if (args.length > 2) subcommandSyntaxError(sub);
  let policy = 'append';
  if (args.length === 2) {
    policy = toText(args[1]).toLowerCase();
    if (policy !== 'append' && policy !== 'replace' && policy !== 'flush')
      throw replyError(
        'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.',
      );
  }
  const codes = parseFunctionsPayload(toBytes(args[0]));
  if (typeof codes === 'string') throw replyError(`ERR ${codes}`);
  // Load every library into a registry of its own first, as Redis's functionsLibCtx.
  const incoming: Registry = { libraries: new Map(), functions: new Map(), live: [] };
  const release = () => {
    for (const library of incoming.libraries.values()) library.vm?.close();
  };
  try {
    for (const code of codes) {
      const library = createLibrary(code, (name) => incoming.libraries.has(name));
      for (const info of library.functions)
        if (incoming.functions.has(info.name.toLowerCase())) {
          library.vm?.close();
          throw replyError(`ERR Function ${info.name} already exists`);
        }
      // A payload may hold many libraries: their VMs are rebuilt on first FCALL instead.
      library.vm?.close();
      library.vm = null;
      link(incoming, library);
    }
  } catch (error) {
    release();
    throw error;
  }
  const registry = registryOf(ctx);
  if (policy === 'flush') flushAll(registry);
  const replaced: Library[] = [];
  const fail = (message: string): never => {
    for (const old of replaced) link(registry, old);
    release();
    throw replyError(`ERR ${message}`);
  };
  for (const library of incoming.libraries.values()) {
    const old = registry.libraries.get(library.name);
    if (!old) continue;
    if (policy !== 'replace') fail(`Library ${library.name} already exists`);
    unlink(registry, old);
    replaced.push(old);
  }
  for (const { info } of incoming.functions.values())
    if (registry.functions.has(info.name.toLowerCase()))
      fail(`Function ${info.name} already exists`);
  for (const old of replaced) closeVm(registry, old);
  for (const library of incoming.libraries.values()) link(registry, library);
  return OK;
}

function functionCommand(ctx: Ctx, [sub, ...args]: Arg[]): Reply {
  const registry = registryOf(ctx);
  switch (toText(sub).toLowerCase()) {
    case 'load':
      return functionLoad(ctx, args);
    case 'list':
      return functionList(ctx, args);
    case 'delete': {
      const library = registry.libraries.get(toText(args[0]));
      if (!library) throw replyError('ERR Library not found');
      unlink(registry, library);
      closeVm(registry, library);
      return OK;
    }
    case 'flush': {
      if (args.length > 1) subcommandSyntaxError(sub);
      const mode = args.length === 1 ? toText(args[0]).toLowerCase() : 'sync';
      if (mode !== 'sync' && mode !== 'async')
        throw replyError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
      flushAll(registry);
      return OK;
    }
    case 'stats':
      // A function runs to completion before the next command is read: none is ever running.
      return [
        'running_script',
        null,
        'engines',
        [
          'LUA',
          ['libraries_count', registry.libraries.size, 'functions_count', registry.functions.size],
        ],
      ];
    case 'kill':
      throw replyError('NOTBUSY No scripts in execution right now.');
    case 'dump':
      return dumpFunctions(
        dictOrder([...registry.libraries.keys()]).map((n) => registry.libraries.get(n)!.code),
      );
    case 'restore':
      return functionRestore(ctx, sub, args);
    case 'help':
      return FUNCTION_HELP.map((line) => new Status(line));
    default:
      throw replyError(`ERR unknown subcommand '${toText(sub).slice(0, 128)}'. Try FUNCTION HELP.`);
  }
}

function fcall(ctx: Ctx, args: Arg[], readOnlyCommand: boolean): Reply {
  const [nameArg, numkeysArg, ...rest] = args;
  const registry = registryOf(ctx);
  const entry = registry.functions.get(toText(nameArg).toLowerCase());
  if (!entry) throw replyError('ERR Function not found');
  const noWrites = entry.info.flags.includes('no-writes');
  if (readOnlyCommand && !noWrites)
    throw replyError('ERR Can not execute a script with write flag using *_ro command.');
  const numkeys = parseInt64(numkeysArg);
  if (numkeys === null) throw replyError('ERR Bad number of keys provided');
  if (numkeys > BigInt(rest.length))
    throw replyError("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0n) throw replyError("ERR Number of keys can't be negative");
  const { library } = entry;
  if (!library.vm || library.vm.isClosed) {
    // Closed by the LRU cap or a budget stop: rebuild it from the code (the loader is pure).
    const vm = FunctionLibrary.load(library.body);
    if (typeof vm === 'string') throw replyError(`ERR ${vm}`);
    library.vm = vm;
  }
  markLive(registry, library);
  const n = Number(numkeys);
  const scriptConn = { ...ctx.conn, multi: null, watched: new Map() };
  return library.vm.call(entry.info.name, rest.slice(0, n), rest.slice(n), {
    readOnly: noWrites,
    call: (argv) => ctx.scripts.call(scriptConn, argv),
  });
}

/** FCALL, FCALL_RO and FUNCTION, for the scripting family's command table. */
export const functionCommands = {
  fcall: (ctx: Ctx, args: Arg[]) => fcall(ctx, args, false),
  fcall_ro: (ctx: Ctx, args: Arg[]) => fcall(ctx, args, true),
  function: functionCommand,
};
