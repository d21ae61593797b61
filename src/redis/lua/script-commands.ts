/** What `redis.call` checks before a script's command reaches the engine, with Redis 7's texts. */
import docs from '../command-docs.json';
import { toText } from '../bytes.ts';
import type { Arg } from '../fidelity/types.ts';
import { NOSCRIPT, WRITE } from './command-flags.ts';

const COMMAND_DOCS: Record<
  string,
  { arity: number; subcommands?: Record<string, { arity: number }> }
> = docs.commands;

/** lookupCommand: whether Redis knows this command (and subcommand, for container commands). */
export function isKnownCommand(argv: Arg[]): boolean {
  const name = toText(argv[0]).toLowerCase();
  const doc = Object.hasOwn(COMMAND_DOCS, name) ? COMMAND_DOCS[name] : undefined;
  if (!doc) return false;
  if (!doc.subcommands || argv.length < 2) return true;
  return Object.hasOwn(doc.subcommands, toText(argv[1]).toLowerCase());
}

/** Commands whose first argument names a subcommand with its own flags. */
const WITH_SUBCOMMANDS = new Set([
  'acl',
  'client',
  'cluster',
  'config',
  'function',
  'latency',
  'module',
  'script',
  'xgroup',
]);

function flagName(name: string, argv: Arg[]): string {
  return WITH_SUBCOMMANDS.has(name) && argv.length > 1
    ? `${name}|${toText(argv[1]).toLowerCase()}`
    : name;
}

/**
 * Redis's refusal (checked in Redis's order: unknown, arity, noscript, write) for a command a script may not run, or null. The name is looked up exactly
 * (lower-cased, as Redis does): no trimming, no aliases, nothing but the command table.
 */
export function scriptCommandError(argv: Arg[], readOnly: boolean): string | null {
  const name = toText(argv[0]).toLowerCase();
  const doc = Object.hasOwn(COMMAND_DOCS, name) ? COMMAND_DOCS[name] : undefined;
  if (!doc) return 'ERR Unknown Redis command called from script';
  if ((doc.arity > 0 && doc.arity !== argv.length) || argv.length < -doc.arity)
    return 'ERR Wrong number of args calling Redis command from script';
  const flag = flagName(name, argv);
  if (NOSCRIPT.has(name) || NOSCRIPT.has(flag))
    return 'ERR This Redis command is not allowed from script';
  if (readOnly && (WRITE.has(name) || WRITE.has(flag)))
    return 'ERR Write commands are not allowed from read-only scripts.';
  return null;
}
