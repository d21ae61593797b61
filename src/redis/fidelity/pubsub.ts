/**
 * Pub/sub: SUBSCRIBE and friends, PUBLISH/SPUBLISH and PUBSUB introspection, over the engine's
 * server-wide registry. Messages go to other connections through their `push` sink.
 *
 * One RESP2 subtlety shapes the API: (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE answer with one reply
 * frame per channel. Their handlers return the list of frames, and the commands are listed in
 * MULTI_FRAME_COMMANDS so that clients can tell such a list from an ordinary array reply
 * (ioredis resolves the last frame's count; redis-cli prints every frame).
 */
import { replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import { dictOrder } from './dict.ts';
import { globMatch } from './keyspace.ts';
import {
  Status,
  type Arg,
  type Connection,
  type Ctx,
  type FamilyModule,
  type Reply,
} from './types.ts';

/** Commands whose reply is a list of separate RESP2 frames. */
export const MULTI_FRAME_COMMANDS: ReadonlySet<string> = new Set([
  'subscribe',
  'unsubscribe',
  'psubscribe',
  'punsubscribe',
  'ssubscribe',
  'sunsubscribe',
]);

/** Commands a subscribed RESP2 connection may still run. */
export const ALLOWED_WHILE_SUBSCRIBED: ReadonlySet<string> = new Set([
  ...MULTI_FRAME_COMMANDS,
  'ping',
  'quit',
  'reset',
]);

/** Whether a connection holds any subscription (Redis's CLIENT_PUBSUB flag). */
export function isSubscribed(conn: Connection): boolean {
  const s = conn.subscriptions;
  return s.channels.size + s.patterns.size + s.shards.size > 0;
}

/** The error for a command a subscribed connection may not run. */
export function subscribedContextError(fullname: string): string {
  return `ERR Can't execute '${fullname}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
}

type Kind = 'channels' | 'patterns' | 'shards';

const count = (conn: Connection, kind: Kind) =>
  kind === 'shards'
    ? conn.subscriptions.shards.size
    : conn.subscriptions.channels.size + conn.subscriptions.patterns.size;

function subscribe(kind: Kind, word: string) {
  return (ctx: Ctx, args: Arg[]): Reply => {
    const frames: Reply[] = [];
    const registry = ctx.server[kind];
    for (const arg of args) {
      const name = toText(arg);
      const mine = ctx.conn.subscriptions[kind];
      if (!mine.has(name)) {
        mine.add(name);
        const subs = registry.get(name) ?? new Set<Connection>();
        subs.add(ctx.conn);
        registry.set(name, subs);
      }
      frames.push([word, arg, count(ctx.conn, kind)]);
    }
    return frames;
  };
}

function unsubscribe(kind: Kind, word: string) {
  return (ctx: Ctx, args: Arg[]): Reply => {
    const mine = ctx.conn.subscriptions[kind];
    const names = args.length ? args.map(toText) : dictOrder([...mine]);
    const frames: Reply[] = [];
    for (const name of names) {
      if (mine.delete(name)) {
        const subs = ctx.server[kind].get(name);
        subs?.delete(ctx.conn);
        if (subs && subs.size === 0) ctx.server[kind].delete(name);
      }
      frames.push([word, name, count(ctx.conn, kind)]);
    }
    if (frames.length === 0) frames.push([word, null, count(ctx.conn, kind)]);
    return frames;
  };
}

/** Drops every subscription of a connection (on disconnect). */
export function unsubscribeAll(server: Ctx['server'], conn: Connection): void {
  for (const kind of ['channels', 'patterns', 'shards'] as const) {
    for (const name of conn.subscriptions[kind]) {
      const subs = server[kind].get(name);
      subs?.delete(conn);
      if (subs && subs.size === 0) server[kind].delete(name);
    }
    conn.subscriptions[kind].clear();
  }
}

function deliver(conn: Connection, message: Reply): void {
  // A connection without a listener still counts as a receiver, as a socket nobody reads would.
  conn.push?.(message);
}

function publish(ctx: Ctx, [channelArg, message]: Arg[]): Reply {
  const channel = toText(channelArg);
  let receivers = 0;
  for (const conn of ctx.server.channels.get(channel) ?? []) {
    deliver(conn, ['message', channelArg, message]);
    receivers++;
  }
  for (const pattern of dictOrder([...ctx.server.patterns.keys()])) {
    if (!globMatch(pattern, channel)) continue;
    for (const conn of ctx.server.patterns.get(pattern) ?? []) {
      deliver(conn, ['pmessage', pattern, channelArg, message]);
      receivers++;
    }
  }
  return receivers;
}

function spublish(ctx: Ctx, [channelArg, message]: Arg[]): Reply {
  let receivers = 0;
  for (const conn of ctx.server.shards.get(toText(channelArg)) ?? []) {
    deliver(conn, ['smessage', channelArg, message]);
    receivers++;
  }
  return receivers;
}

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

function pubsub(ctx: Ctx, args: Arg[]): Reply {
  const sub = toText(args[0]).toLowerCase();
  const argc = args.length + 1;
  const channels = (registry: Map<string, Set<Connection>>) => {
    const pattern = args.length > 1 ? toText(args[1]) : null;
    return dictOrder([...registry.keys()]).filter((c) => pattern === null || globMatch(pattern, c));
  };
  if (sub === 'help' && argc === 2) return PUBSUB_HELP.map((line) => new Status(line));
  if (sub === 'channels' && (argc === 2 || argc === 3)) return channels(ctx.server.channels);
  if (sub === 'shardchannels' && (argc === 2 || argc === 3)) return channels(ctx.server.shards);
  if (sub === 'numsub' || sub === 'shardnumsub') {
    const registry = sub === 'numsub' ? ctx.server.channels : ctx.server.shards;
    return args.slice(1).flatMap((c) => [c, registry.get(toText(c))?.size ?? 0]);
  }
  if (sub === 'numpat' && argc === 2) return ctx.server.patterns.size;
  throw replyError(
    `ERR unknown subcommand or wrong number of arguments for '${toText(args[0]).slice(0, 128)}'. Try PUBSUB HELP.`,
  );
}

/** The pubsub family. */
export const pubsubFamily: FamilyModule = {
  family: 'pubsub',
  commands: {
    subscribe: subscribe('channels', 'subscribe'),
    psubscribe: subscribe('patterns', 'psubscribe'),
    ssubscribe: subscribe('shards', 'ssubscribe'),
    unsubscribe: unsubscribe('channels', 'unsubscribe'),
    punsubscribe: unsubscribe('patterns', 'punsubscribe'),
    sunsubscribe: unsubscribe('shards', 'sunsubscribe'),
    publish,
    spublish,
    pubsub,
  },
};
