/**
 * Scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, over cachelab's own Lua VM
 * (src/redis/lua/vm.ts), FUNCTION/FCALL/FCALL_RO (functions.ts), plus TIME, which scripts use
 * as their clock.
 *
 * - Redis 7's `#!lua flags=...` shebang is read before compiling (the line is left out, its
 *   newline kept, so error lines match); its `no-writes` flag governs EVAL_RO and writes.
 * - Every run gets a fresh Lua state; the script cache (per engine, shared by its connections,
 *   as Redis's is server-wide) holds only source bytes.
 * - A script's commands run on a connection of its own that starts in the caller's database:
 *   a SELECT inside the script does not move the caller (Redis 7), and MULTI/WATCH never leak.
 * - Every command a script runs goes through the engine (`ctx.scripts.call`), so it is checked,
 *   executed and reported to the engine's `observe` hook like any client command.
 * - TIME reads the engine clock (`ctx.now()`), the fake clock in lessons, so a script's notion of
 *   "now" agrees with key expiry.
 */
import { toBytes, toText } from '../bytes.ts';
import { ERR, replyError } from '../reply-error.ts';
import { compileError, runScript } from '../lua/vm.ts';
import { sha1Hex } from '../lua/sha1.ts';
import { parseCliLine } from '../cli-parse.ts';
import { FUNCTION_FLAGS } from '../lua/function-library.ts';
import { functionCommands } from './functions.ts';
import { parseInt64 } from './numbers.ts';
import { OK, Status, type Arg, type Ctx, type FamilyModule, type Reply } from './types.ts';

const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

/** A script's Redis 7 shebang (`#!lua flags=no-writes,...`): its flags and how long the line is. */
interface Shebang {
  /** Null without a shebang (Redis's "EVAL compat mode"). */
  flags: Set<string> | null;
  /** Bytes before the newline that ends the shebang (0 without one). */
  length: number;
}

/** evalExtractShebangFlags, with Redis's texts; throws its errors. */
function scriptShebang(body: Uint8Array): Shebang {
  if (body[0] !== 0x23 || body[1] !== 0x21) return { flags: null, length: 0 };
  const end = body.indexOf(0x0a);
  if (end < 0) throw replyError('ERR Invalid script shebang');
  const parts = parseCliLine(new TextDecoder().decode(body.subarray(0, end)));
  if (!parts || parts.length === 0) throw replyError('ERR Invalid engine in script shebang');
  const [engine, ...options] = parts.map((p) => new TextDecoder().decode(p));
  if (engine !== '#!lua') throw replyError(`ERR Unexpected engine in script shebang: ${engine}`);
  const flags = new Set<string>();
  for (const option of options) {
    if (!option.startsWith('flags=')) throw replyError(`ERR Unknown lua shebang option: ${option}`);
    const list = option.slice(6);
    // sdssplitlen of an empty string gives no flags; of "a,,b" an empty one, which is unknown.
    for (const flag of list === '' ? [] : list.split(',')) {
      if (!(FUNCTION_FLAGS as readonly string[]).includes(flag))
        throw replyError(`ERR Unexpected flag in script shebang: ${flag}`);
      flags.add(flag);
    }
  }
  return { flags, length: end };
}

/** Compile errors of a script as Redis reports them, shebang errors first; throws them. */
function checkScript(body: Uint8Array): void {
  const { length } = scriptShebang(body);
  const error = compileError(body.subarray(length));
  if (error) throw replyError(error);
}

function evalCommand(ctx: Ctx, args: Arg[], readOnly: boolean, bySha: boolean): Reply {
  const [source, numkeysArg, ...rest] = args;
  const numkeys = parseInt64(numkeysArg);
  if (numkeys === null) throw replyError(ERR.notInteger);
  if (numkeys > BigInt(rest.length))
    throw replyError("ERR Number of keys can't be greater than number of args");
  if (numkeys < 0n) throw replyError("ERR Number of keys can't be negative");
  let body: Uint8Array;
  let sha: string;
  if (bySha) {
    sha = toText(source).toLowerCase();
    const cached = sha.length === 40 ? ctx.scripts.cache.get(sha) : undefined;
    if (!cached) throw replyError(NOSCRIPT);
    body = cached;
  } else {
    body = toBytes(source);
    sha = sha1Hex(body);
    if (!ctx.scripts.cache.has(sha)) {
      checkScript(body);
      ctx.scripts.cache.set(sha, body);
    }
  }
  const shebang = scriptShebang(body);
  // With a shebang the flags decide (Redis 7): EVAL_RO needs no-writes, and no-writes refuses
  // writes under EVAL too. Without one, only EVAL_RO refuses writes, when they are called.
  if (shebang.flags && readOnly && !shebang.flags.has('no-writes'))
    throw replyError('ERR Can not execute a script with write flag using *_ro command.');
  const n = Number(numkeys);
  const scriptConn = { ...ctx.conn, multi: null, watched: new Map() };
  return runScript({
    // The shebang line is left out, its newline kept, so line numbers match Redis's.
    body: body.subarray(shebang.length),
    sha,
    keys: rest.slice(0, n),
    args: rest.slice(n),
    readOnly: readOnly || Boolean(shebang.flags?.has('no-writes')),
    call: (argv) => ctx.scripts.call(scriptConn, argv),
  });
}

function scriptCommand(ctx: Ctx, [sub, ...args]: Arg[]): Reply {
  switch (toText(sub).toLowerCase()) {
    case 'load': {
      const body = toBytes(args[0]);
      checkScript(body);
      const sha = sha1Hex(body);
      ctx.scripts.cache.set(sha, body);
      return sha;
    }
    case 'exists':
      return args.map((sha) => (ctx.scripts.cache.has(toText(sha).toLowerCase()) ? 1 : 0));
    case 'flush': {
      const mode = args.length === 1 ? toText(args[0]).toLowerCase() : '';
      if (args.length > 1 || (args.length === 1 && mode !== 'sync' && mode !== 'async'))
        throw replyError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
      ctx.scripts.cache.clear();
      return OK;
    }
    case 'kill':
      // Scripts run to completion before any other command is read, so none is ever running.
      throw replyError('NOTBUSY No scripts in execution right now.');
    case 'help':
      return SCRIPT_HELP.map((line) => new Status(line));
    default:
      throw replyError(
        `ERR cachelab's sandbox does not support 'SCRIPT ${toText(sub).toUpperCase()}'`,
      );
  }
}

/** The scripting family. */
export const scripting: FamilyModule = {
  family: 'scripting',
  commands: {
    eval: (ctx, args) => evalCommand(ctx, args, false, false),
    eval_ro: (ctx, args) => evalCommand(ctx, args, true, false),
    evalsha: (ctx, args) => evalCommand(ctx, args, false, true),
    evalsha_ro: (ctx, args) => evalCommand(ctx, args, true, true),
    script: scriptCommand,
    ...functionCommands,
    time: (ctx) => {
      const ms = ctx.now();
      const seconds = Math.floor(ms / 1000);
      const micros = Math.floor((ms - seconds * 1000) * 1000);
      return [String(seconds), String(micros)];
    },
  },
};
