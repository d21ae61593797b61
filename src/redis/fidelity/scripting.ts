/**
 * Scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, over cachelab's own Lua VM
 * (src/redis/lua/vm.ts), plus TIME, which scripts use as their clock.
 *
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
      const error = compileError(body);
      if (error) throw replyError(error);
      ctx.scripts.cache.set(sha, body);
    }
  }
  const n = Number(numkeys);
  const scriptConn = { ...ctx.conn, multi: null, watched: new Map() };
  return runScript({
    body,
    sha,
    keys: rest.slice(0, n),
    args: rest.slice(n),
    readOnly,
    call: (argv) => ctx.scripts.call(scriptConn, argv),
  });
}

function scriptCommand(ctx: Ctx, [sub, ...args]: Arg[]): Reply {
  switch (toText(sub).toLowerCase()) {
    case 'load': {
      const body = toBytes(args[0]);
      const error = compileError(body);
      if (error) throw replyError(error);
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
    time: (ctx) => {
      const ms = ctx.now();
      const seconds = Math.floor(ms / 1000);
      const micros = Math.floor((ms - seconds * 1000) * 1000);
      return [String(seconds), String(micros)];
    },
  },
};
