/**
 * `HELP <command>` text in redis-cli's layout, from the generated command-docs.json
 * (scripts/gen-command-docs.mjs reads COMMAND DOCS from a real redis-server 7).
 */
import docs from './command-docs.json';
import { SUPPORTED_COMMANDS } from './fidelity/engine.ts';

/** One command's generated documentation. */
export interface CommandDoc {
  /** One-line summary from COMMAND DOCS. */
  summary: string;
  /** Redis version that introduced it. */
  since: string;
  /** Command group, e.g. `string`. */
  group: string;
  /** Argument syntax, built like redis-cli's help. */
  syntax: string;
  /** COMMAND INFO arity (negative: at least). */
  arity: number;
  /** Container subcommands (CONFIG GET, CLIENT KILL, ...). */
  subcommands?: Record<string, CommandDoc>;
}

const COMMANDS = docs.commands as Record<string, CommandDoc>;
const SUPPORTED = new Set(SUPPORTED_COMMANDS);

/** The generated docs of a command (or `container subcommand`), if Redis has it. */
export function commandDoc(name: string): CommandDoc | undefined {
  const [top, sub] = name.toLowerCase().trim().split(/\s+/);
  const doc = COMMANDS[top];
  return sub ? doc?.subcommands?.[sub] : doc;
}

function entry(title: string, doc: CommandDoc, supported: boolean): string[] {
  const lines = [
    `  ${title} ${doc.syntax}`.trimEnd(),
    `  summary: ${doc.summary}`,
    `  since: ${doc.since}`,
    `  group: ${doc.group}`,
  ];
  if (!supported) lines.push("  note: cachelab's sandbox does not support this command");
  return lines;
}

/** The general help shown for a bare `HELP`. */
export function generalHelp(): string {
  return [
    'cachelab cli: redis-cli over the sandbox store',
    'To get help about Redis commands type:',
    '      "help @<group>" to get a list of commands in <group>',
    '      "help <command>" for help on <command>',
    '      "clear" to clear the screen',
    '      "quit" to exit',
  ].join('\n');
}

/**
 * Help for `HELP <topic>`: a command (`set`), a container subcommand (`client kill`) or a
 * group (`@string`). Lines in redis-cli's layout; null when the topic is unknown.
 */
export function commandHelp(topic: string): string | null {
  const t = topic.trim().toLowerCase();
  if (t.startsWith('@')) {
    const group = t.slice(1);
    const names = Object.keys(COMMANDS).filter((n) => COMMANDS[n].group === group);
    if (names.length === 0) return null;
    return [
      '',
      ...names.flatMap((n) => [...entry(n.toUpperCase(), COMMANDS[n], SUPPORTED.has(n)), '']),
    ].join('\n');
  }
  const doc = commandDoc(t);
  if (!doc) return null;
  const top = t.split(/\s+/)[0];
  return ['', ...entry(t.toUpperCase().replace(/\s+/g, ' '), doc, SUPPORTED.has(top)), ''].join(
    '\n',
  );
}

/** Names of every Redis command, for completion. */
export function commandNames(): string[] {
  return Object.keys(COMMANDS);
}
