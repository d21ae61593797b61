/**
 * `cachelab cli`: redis-cli over the sandbox store (ioredis-mock's Node build behind the
 * fidelity layer). Interactive with a prompt and history when stdin is a terminal; otherwise one
 * command per line, each reply printed exactly as `redis-cli --no-raw` prints it.
 */
import { createInterface } from 'node:readline';
import RedisMock from 'ioredis-mock';
import { parseCliLine, INVALID_ARGUMENTS } from '../redis/cli-parse.ts';
import { formatReply } from '../redis/cli-format.ts';
import { commandHelp, commandNames, generalHelp } from '../redis/command-help.ts';
import { withFidelity, type FaithfulClient } from '../redis/faithful-client.ts';
import { fromBytes, toText } from '../redis/bytes.ts';

/** Streams and terminal-ness of the process running the cli. */
export interface RedisCliIo {
  /** Where commands come from. */
  stdin: NodeJS.ReadableStream;
  /** Where replies go. */
  stdout: NodeJS.WritableStream;
  /** Where usage errors go. */
  stderr: NodeJS.WritableStream;
  /** Interactive (prompt, history) when true. */
  isTTY: boolean;
}

const USAGE = `Usage: cachelab cli [--no-raw] [command [arg ...]]

redis-cli over cachelab's sandbox store (ioredis-mock answering like Redis 7).
With a command, runs it and prints the reply. Without one, reads commands from stdin:
interactively with a prompt when stdin is a terminal, else one command per line.
Type HELP <command> for its syntax, CLEAR to clear the screen, QUIT to leave.
`;

/** What one input line did: keep going, or stop (QUIT/EXIT). */
type LineOutcome = 'continue' | 'quit';

/** A redis-cli session on one store: parses lines, runs them, formats replies. */
export class RedisCliSession {
  private readonly client: FaithfulClient;

  constructor(client?: FaithfulClient) {
    this.client = client ?? withFidelity(new RedisMock({ host: `cachelab-cli-${process.pid}` }));
  }

  /** The prompt redis-cli would show: `cachelab>`, `cachelab[1]>`, `cachelab(TX)>`. */
  prompt(): string {
    const { db, inTransaction } = this.client;
    return `cachelab${db ? `[${db}]` : ''}${inTransaction ? '(TX)' : ''}> `;
  }

  /** Runs one line; `write` receives each line of output (without newline). */
  runLine(line: string, write: (text: string) => void, clear: () => void = () => {}): LineOutcome {
    const argv = parseCliLine(line);
    if (argv === null) {
      write(INVALID_ARGUMENTS);
      return 'continue';
    }
    if (argv.length === 0) return 'continue';
    const first = toText(argv[0]).toLowerCase();
    if (first === 'quit' || first === 'exit') return 'quit';
    if (first === 'clear') {
      clear();
      return 'continue';
    }
    if (first === 'help' || first === '?') {
      const topic = argv.slice(1).map(toText).join(' ');
      write(topic ? (commandHelp(topic) ?? '') : generalHelp());
      return 'continue';
    }
    // redis-cli repeats a command given a leading count: `3 INCR hits`.
    let repeat = 1;
    let command = argv;
    if (argv.length > 1 && /^-?[0-9]+$/.test(toText(argv[0]))) {
      repeat = Number(toText(argv[0]));
      command = argv.slice(1);
    }
    const args = command.map((a) => fromBytes(a));
    for (let i = 0; i < repeat; i++) {
      try {
        write(formatReply(this.client.executeRaw(args)));
      } catch (err) {
        write(`(error) ERR cachelab internal error: ${(err as Error).message}`);
      }
    }
    return 'continue';
  }
}

const COMPLETIONS = [...commandNames(), 'help', 'clear', 'quit', 'exit'].map((n) =>
  n.toUpperCase(),
);

/** Tab completion of the command name (the first word), like redis-cli's. */
export function completeCommand(line: string): [string[], string] {
  if (/\s/.test(line.trimStart())) return [[], line];
  const word = line.trimStart().toUpperCase();
  const hits = COMPLETIONS.filter((c) => c.startsWith(word));
  return [hits.map((h) => line.slice(0, line.length - line.trimStart().length) + h), line];
}

/** Entry point of `cachelab cli`; resolves to the exit code. */
export async function runRedisCli(args: string[], io: RedisCliIo): Promise<number> {
  // As in redis-cli, options come first: from the command name on, every word is an argument
  // of the command, so `cachelab cli echo -h` echoes "-h".
  let first = 0;
  while (first < args.length && args[first]!.startsWith('-')) {
    const option = args[first]!;
    if (option === '--help' || option === '-h') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (option !== '--no-raw') {
      io.stderr.write(`Unrecognized option: ${option}\n\n${USAGE}`);
      return 1;
    }
    first++;
  }
  const rest = args.slice(first);
  const session = new RedisCliSession();
  const write = (text: string) => io.stdout.write(`${text}\n`);
  const run = (line: string) =>
    session.runLine(line, write, () => io.stdout.write('\x1b[H\x1b[2J'));

  if (rest.length > 0) {
    // Arguments are already split by the shell, so quote each for the parser.
    const line = rest.map((a) => `"${a.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(' ');
    run(line);
    return 0;
  }

  const rl = createInterface({
    input: io.stdin,
    output: io.isTTY ? io.stdout : undefined,
    terminal: io.isTTY,
    historySize: 1000,
    completer: completeCommand,
  });
  if (io.isTTY) {
    rl.setPrompt(session.prompt());
    rl.prompt();
  }
  for await (const line of rl) {
    if (run(line) === 'quit') break;
    if (io.isTTY) {
      rl.setPrompt(session.prompt());
      rl.prompt();
    }
  }
  rl.close();
  return 0;
}
