/**
 * Replies printed exactly as `redis-cli --no-raw` prints them (cliFormatReplyTTY), and commands
 * printed MONITOR-style for traces.
 *
 * Two entry points, because ioredis erases one distinction redis-cli shows: a status reply
 * (`+OK`, printed bare) and a bulk string (printed quoted) are both JS strings to ioredis.
 * - `formatReply` takes the fidelity engine's typed replies (`Status` vs bulk), so it is exact;
 *   `cachelab cli` and the in-page console use it.
 * - `formatClientReply` takes what an ioredis client returned, plus the command, and decides
 *   status vs bulk from STATUS_REPLY_COMMANDS below (the commands whose success reply is a
 *   status in Redis 7; SET only without its GET option). The command trace uses it.
 */
import { ReplyError } from './reply-error.ts';
import { toBytes, type RedisString } from './bytes.ts';
import { Status, type Reply } from './fidelity/types.ts';

/** Commands whose non-error, non-nil string reply is a status reply (printed bare). */
export const STATUS_REPLY_COMMANDS: ReadonlySet<string> = new Set([
  'set',
  'setex',
  'psetex',
  'mset',
  'rename',
  'type',
  'ping',
  'select',
  'flushdb',
  'flushall',
  'lset',
  'ltrim',
  'hmset',
  'multi',
  'discard',
  'watch',
  'unwatch',
  'quit',
  'auth',
  'save',
  'bgsave',
  'bgrewriteaof',
  'restore',
  'migrate',
  'swapdb',
  'shutdown',
  'replicaof',
  'slaveof',
  'reset',
  'readonly',
  'readwrite',
  'asking',
  'pfmerge',
]);

/** Strings whose every character is printable ASCII other than `\` and `"`. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** Strings whose every character is printable ASCII. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** sdscatrepr: a quoted string with redis-cli's escapes; bytes outside 0x20–0x7e become \xNN. */
export function quoteBytes(value: RedisString): string {
  // Fast path: printable ASCII without `\` or `"` is its own byte-for-byte rendering.
  if (typeof value === 'string' && PLAIN_ASCII.test(value)) return `"${value}"`;
  // Printable ASCII (JSON, mostly): each character is its own byte; only `\` and `"` escape.
  if (typeof value === 'string' && PRINTABLE_ASCII.test(value))
    return `"${value.replace(/["\\]/g, '\\$&')}"`;
  let out = '"';
  for (const b of toBytes(value)) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x22) out += '\\"';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x07) out += '\\a';
    else if (b === 0x08) out += '\\b';
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** A reply as redis-cli prints it, without the final newline. */
export function formatReply(reply: Reply): string {
  const text = format(reply, '');
  // Not a /\n$/ regex: that scans a long reply from every position.
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

function format(reply: Reply, prefix: string): string {
  if (reply instanceof ReplyError) return `(error) ${reply.message}\n`;
  if (reply instanceof Status) return `${reply.text}\n`;
  if (reply === null) return '(nil)\n';
  if (typeof reply === 'number' || typeof reply === 'bigint') return `(integer) ${reply}\n`;
  if (typeof reply === 'string' || reply instanceof Uint8Array) return `${quoteBytes(reply)}\n`;
  if (reply.length === 0) return '(empty array)\n';
  const idxlen = String(reply.length).length;
  const nested = prefix + ' '.repeat(idxlen + 2);
  let out = '';
  reply.forEach((item, i) => {
    out += `${i === 0 ? '' : prefix}${String(i + 1).padStart(idxlen)}) `;
    out += format(item, nested);
  });
  return out;
}

/** Options for formatting what an ioredis client returned. */
export interface ClientReplyContext {
  /** The command's name, any case. */
  command: string;
  /** Its arguments (SET's GET option changes the reply type). */
  args?: readonly string[];
  /** The reply is an error (e.g. the rejection of the command's promise). */
  isError?: boolean;
}

/** Converts an ioredis-style reply into a typed one, using the command to spot status replies. */
export function typedFromClient(value: unknown, ctx: ClientReplyContext): Reply {
  const command = ctx.command.toLowerCase();
  if (ctx.isError || value instanceof Error) {
    const message = value instanceof Error ? value.message : String(value);
    return value instanceof ReplyError ? value : new ReplyError(message);
  }
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const status =
      STATUS_REPLY_COMMANDS.has(command) &&
      !(command === 'set' && (ctx.args ?? []).some((a) => a.toLowerCase() === 'get')) &&
      !(command === 'ping' && (ctx.args ?? []).length > 0);
    return status ? new Status(value) : value;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? value : String(value);
  if (typeof value === 'bigint') return value;
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    if (command === 'exec' && isResultPairs(value)) {
      // ioredis's multi().exec() shape; the queued commands are unknown here, so strings stay bulk.
      return value.map(([err, reply]) =>
        err
          ? typedFromClient(err, { command: '', isError: true })
          : typedFromClient(reply, { command: '' }),
      );
    }
    return value.map((v) => typedFromClient(v, { command: '' }));
  }
  const proto = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    // HGETALL's object: redis-cli shows the field/value pairs it came from.
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
      k,
      typedFromClient(v, { command: '' }),
    ]);
  }
  return String(value);
}

/** ioredis's `[err, reply][]` from `exec()`, as opposed to EXEC's raw array (from `call`). */
function isResultPairs(value: unknown[]): value is [unknown, unknown][] {
  return value.every(
    (e) =>
      Array.isArray(e) &&
      ((e.length === 2 && e[0] === null) || (e.length === 1 && e[0] instanceof Error)),
  );
}

/** What an ioredis client returned for a command, printed as redis-cli would print it. */
export function formatClientReply(value: unknown, ctx: ClientReplyContext): string {
  return formatReply(typedFromClient(value, ctx));
}

/** A command as MONITOR-style trace text: the name bare, each argument quoted like redis-cli. */
export function formatMonitorCommand(command: string, args: readonly RedisString[]): string {
  return [command, ...args.map(quoteBytes)].join(' ');
}
