/**
 * The store behind the in-page redis-cli console, as plain TypeScript: the worker in
 * src/runner/browser/playground-worker.ts is a thin host around it, and tests drive it in Node.
 *
 * A line goes through redis-cli's own parser, then the fidelity engine (so replies are Redis 7's),
 * and comes back printed as `redis-cli --no-raw` prints it. EVAL and friends run in the engine's
 * own Lua VM (src/redis/lua), like every other command.
 */
import { formatReply } from '../redis/cli-format.ts';
import { INVALID_ARGUMENTS, parseCliLine } from '../redis/cli-parse.ts';
import { commandHelp } from '../redis/command-help.ts';

const GENERAL_HELP = [
  'This console is redis-cli over a playground store of its own.',
  'It starts as a copy of what your last run left, and your checks never see it.',
  '      "help <command>" for help on <command>, e.g. "help set"',
  '      "help @<group>" to list the commands in <group>, e.g. "help @string"',
  '      "clear" to clear the screen; Up and Down walk your history',
].join('\n');
import { fromBytes, toText, type RedisString } from '../redis/bytes.ts';
import { withFidelity, type FaithfulRedis } from '../redis/faithful-client.ts';
import { ReplyError } from '../redis/reply-error.ts';
import { snapshotCommands, type KeyspaceSnapshot } from './keyspace-snapshot.ts';
import {
  fromPlaygroundSchema,
  toPlaygroundSchema,
  type FromPlayground,
} from './playground-protocol.ts';

/** What the console prints for one line. */
export interface PlaygroundOutput {
  /** The text redis-cli would print (no trailing newline). */
  text: string;
  /** Whether it is an error reply. */
  error: boolean;
  /** Whether a MULTI is open after this line (redis-cli's `(TX)` prompt). */
  transaction: boolean;
}

/** The console's store. */
export interface Playground {
  /** Runs one line of redis-cli input. */
  exec(line: string): Promise<PlaygroundOutput>;
  /** Empties the store and, given a snapshot, fills it with that snapshot's keys. */
  load(snapshot: KeyspaceSnapshot | null): number;
}

/** Creates a playground over a fresh ioredis-mock instance. */
export function createPlayground(newMock: () => object): Playground {
  let client: FaithfulRedis = withFidelity(newMock());
  let inMulti = false;

  const run = async (argv: RedisString[]): Promise<PlaygroundOutput> => {
    const name = toText(argv[0]).toLowerCase();
    const args = argv.slice(1).map(toText);
    if (name === 'help') return { text: help(args), error: false, transaction: inMulti };
    const reply = client.executeRaw(argv);
    const text = formatReply(reply);
    const error = reply instanceof ReplyError;
    // redis-cli's own bookkeeping for the (TX) prompt.
    if (name === 'multi' && argv.length === 1 && !error) inMulti = true;
    else if ((name === 'exec' || name === 'discard') && argv.length === 1 && inMulti)
      inMulti = false;
    return { text, error, transaction: inMulti };
  };

  return {
    async exec(line) {
      const argv = parseCliLine(line);
      if (argv === null) return { text: INVALID_ARGUMENTS, error: true, transaction: inMulti };
      if (argv.length === 0) return { text: '', error: false, transaction: inMulti };
      // Valid UTF-8 stays a string, other bytes a Buffer: the representation the mock's store keeps.
      return run(argv.map(fromBytes));
    },
    load(snapshot) {
      // A new connection drops any open MULTI or WATCH before the store is replaced.
      client = client.duplicate() as FaithfulRedis;
      inMulti = false;
      client.executeRaw(['flushall']);
      if (!snapshot) return 0;
      for (const argv of snapshotCommands(snapshot)) client.executeRaw(argv);
      const size = client.executeRaw(['dbsize']);
      return typeof size === 'number' ? size : 0;
    },
  };
}

function help(args: string[]): string {
  if (args.length === 0) return GENERAL_HELP;
  const topic = args.join(' ');
  return (
    commandHelp(topic) ?? `No help for "${topic}". Try "help set", or "help @string" for a group.`
  );
}

/**
 * The worker's message handling: parse what arrived, run it, build the reply. Requests are
 * handled strictly one after another, so replies come back in the order lines were sent.
 * Anything that does not parse is dropped.
 */
export function createPlaygroundHost(
  playground: Playground,
  post: (message: FromPlayground) => void,
) {
  let queue: Promise<void> = Promise.resolve();
  const handle = async (data: unknown): Promise<FromPlayground | null> => {
    const parsed = toPlaygroundSchema.safeParse(data);
    if (!parsed.success) return null;
    const message = parsed.data;
    if (message.type === 'load')
      return { type: 'loaded', id: message.id, keys: playground.load(message.snapshot) };
    try {
      return { type: 'output', id: message.id, ...(await playground.exec(message.line)) };
    } catch (thrown) {
      // An engine bug must not kill the console: show it as an error reply.
      const text = `(error) ${thrown instanceof Error ? thrown.message : String(thrown)}`;
      return { type: 'output', id: message.id, text, error: true, transaction: false };
    }
  };
  return (data: unknown): Promise<void> => {
    queue = queue
      .then(async () => {
        const reply = await handle(data);
        if (reply) post(fromPlaygroundSchema.parse(reply));
      })
      // A failure here leaves the page's request to time out; the queue itself must go on.
      .catch(() => undefined);
    return queue;
  };
}
