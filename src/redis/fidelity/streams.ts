/**
 * Stream commands, consumer groups included, following t_stream.c of Redis 7.0: argument order
 * and error texts, the listpack node layout behind `~` trimming, the entries-read/lag estimate,
 * and XREAD/XREADGROUP BLOCK through the engine's blocking machinery.
 */
import { ERR, replyError } from '../reply-error.ts';
import { compareBytes, toText, type RedisString } from '../bytes.ts';
import { parseInt64 } from './numbers.ts';
import { INVALID_ID, endBound, parseId, parseIntervalId, startBound } from './stream-ids.ts';
import {
  MAX_ID,
  StreamValue,
  U64_MAX,
  ZERO_ID,
  compareIds,
  formatId,
  nextId,
  storedStream,
  streamOf,
  type Consumer,
  type ConsumerGroup,
  type StreamId,
  type StreamItem,
} from './stream-value.ts';
import {
  BlockRequest,
  OK,
  type Arg,
  type Ctx,
  type FamilyModule,
  type Handler,
  type Reply,
} from './types.ts';

const NO_KEY = 'ERR no such key';
const GROUP_NEEDS_KEY =
  'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.';
const XREAD_BLOCKED_DEFAULT_COUNT = 1000;

const lower = (a: Arg) => toText(a).toLowerCase();

/** The stream at key, undefined when missing, WRONGTYPE for another type. */
function getStream(ctx: Ctx, key: string): StreamValue | undefined {
  if (!ctx.store.data.has(key)) return undefined;
  const stream = streamOf(ctx.store.data.get(key));
  if (!stream) throw replyError(ERR.wrongType);
  return stream;
}

function createStream(ctx: Ctx, key: string): StreamValue {
  const stream = new StreamValue();
  ctx.store.data.set(key, storedStream(stream));
  ctx.store.expires.delete(key);
  return stream;
}

function int64(arg: Arg, message: string = ERR.notInteger): bigint {
  const n = parseInt64(arg);
  if (n === null) throw replyError(message);
  return n;
}

function entryReply(item: StreamItem): Reply {
  return [formatId(item.id), [...item.fields]];
}

/** subcommand syntax error, as addReplySubcommandSyntaxError words it. */
function subcommandError(container: string, sub: Arg): never {
  throw replyError(
    `ERR unknown subcommand or wrong number of arguments for '${toText(sub).slice(0, 128)}'. Try ${container} HELP.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Consumer groups: entries-read and lag (streamEstimateDistanceFromFirstEverEntry & co.)

function rangeHasTombstones(s: StreamValue, start: StreamId | null): boolean {
  if (s.length === 0 || compareIds(s.maxDeletedId, ZERO_ID) === 0) return false;
  if (compareIds(s.firstId, s.maxDeletedId) > 0) return false;
  const from = start ?? ZERO_ID;
  return compareIds(from, s.maxDeletedId) <= 0;
}

/** streamEstimateDistanceFromFirstEverEntry: entries-read at `id`, or null when unknown. */
export function estimateDistance(s: StreamValue, id: StreamId): bigint | null {
  if (s.entriesAdded === 0n) return 0n;
  if (s.length === 0 && compareIds(id, s.lastId) < 1) return s.entriesAdded;
  const cmpLast = compareIds(id, s.lastId);
  if (cmpLast === 0) return s.entriesAdded;
  if (cmpLast > 0) return null;
  const cmpFirst = compareIds(id, s.firstId);
  if (compareIds(s.maxDeletedId, ZERO_ID) === 0 || compareIds(s.maxDeletedId, s.firstId) < 0) {
    if (cmpFirst < 0) return s.entriesAdded - BigInt(s.length);
    if (cmpFirst === 0) return s.entriesAdded - BigInt(s.length) + 1n;
  }
  return null;
}

function groupLag(s: StreamValue, g: ConsumerGroup): Reply {
  if (s.entriesAdded === 0n) return 0;
  if (g.entriesRead !== null && !rangeHasTombstones(s, g.lastId))
    return Number(s.entriesAdded - g.entriesRead);
  const read = estimateDistance(s, g.lastId);
  return read === null ? null : Number(s.entriesAdded - read);
}

function lookupConsumer(ctx: Ctx, g: ConsumerGroup, name: string, refresh: boolean) {
  const c = g.consumers.get(name);
  if (c && refresh) c.seenTime = ctx.now();
  return c;
}

function consumerFor(ctx: Ctx, g: ConsumerGroup, name: string): Consumer {
  let c = lookupConsumer(ctx, g, name, true);
  if (!c) {
    c = { name, seenTime: ctx.now(), pending: new Set() };
    g.consumers.set(name, c);
  }
  return c;
}

/** streamReplyWithRange for a group reading new entries (`>`): moves last-id, fills the PEL. */
function deliverNew(
  ctx: Ctx,
  s: StreamValue,
  g: ConsumerGroup,
  consumer: Consumer,
  start: StreamId,
  count: number,
  noack: boolean,
): Reply[] {
  const out: Reply[] = [];
  for (const item of s.range(start, MAX_ID)) {
    if (count && out.length >= count) break;
    if (compareIds(item.id, g.lastId) > 0) {
      if (g.entriesRead !== null && !rangeHasTombstones(s, item.id)) g.entriesRead++;
      else if (s.entriesAdded) g.entriesRead = estimateDistance(s, item.id);
      g.lastId = item.id;
    }
    if (!noack) {
      const key = formatId(item.id);
      const existing = g.pel.get(key);
      if (existing) g.consumers.get(existing.consumer)?.pending.delete(key);
      g.pel.set(key, {
        id: item.id,
        consumer: consumer.name,
        deliveryTime: ctx.now(),
        deliveryCount: 1,
      });
      consumer.pending.add(key);
    }
    out.push(entryReply(item));
  }
  return out;
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's history; deleted entries as [id, nil]. */
function deliverHistory(
  ctx: Ctx,
  s: StreamValue,
  g: ConsumerGroup,
  consumer: Consumer,
  start: StreamId,
  count: number,
): Reply[] {
  const ids = sortedPel(g)
    .filter((p) => p.consumer === consumer.name && compareIds(p.id, start) >= 0)
    .slice(0, count || undefined);
  return ids.map((p) => {
    const item = s.find(p.id);
    p.deliveryTime = ctx.now();
    p.deliveryCount++;
    return item ? entryReply(item) : [formatId(p.id), null];
  });
}

function sortedPel(g: ConsumerGroup) {
  return [...g.pel.values()].sort((a, b) => compareIds(a.id, b.id));
}

function sortedConsumers(g: ConsumerGroup): Consumer[] {
  return [...g.consumers.values()].sort((a, b) => compareBytes(a.name, b.name));
}

// ---------------------------------------------------------------------------------------------
// XADD / XTRIM

interface TrimArgs {
  strategy: { maxlen: number } | { minid: StreamId } | null;
  approx: boolean;
  limit: number;
}

/** streamParseAddOrTrimArgsOrReply; returns the trim arguments and the index of the id (XADD). */
function parseAddOrTrim(args: Arg[], xadd: boolean) {
  const trim: TrimArgs = { strategy: null, approx: false, limit: 0 };
  let limitGiven = false;
  let noMkStream = false;
  let id: (StreamId & { seqGiven: boolean }) | null = null;
  let i = 1;
  for (; i < args.length; i++) {
    const moreargs = args.length - 1 - i;
    const opt = toText(args[i]);
    const o = opt.toLowerCase();
    if (xadd && opt === '*') break;
    if ((o === 'maxlen' || o === 'minid') && moreargs) {
      if (trim.strategy)
        throw replyError(
          'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
        );
      trim.approx = false;
      const next = toText(args[i + 1]);
      if (moreargs >= 2 && next === '~') {
        trim.approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') i++;
      if (o === 'maxlen') {
        const maxlen = int64(args[i + 1]);
        if (maxlen < 0n) throw replyError('ERR The MAXLEN argument must be >= 0.');
        trim.strategy = { maxlen: Number(maxlen) };
      } else {
        trim.strategy = { minid: parseId(args[i + 1], { strict: true }) };
      }
      i++;
    } else if (o === 'limit' && moreargs) {
      const limit = int64(args[i + 1]);
      if (limit < 0n) throw replyError('ERR The LIMIT argument must be >= 0.');
      trim.limit = Number(limit);
      limitGiven = true;
      i++;
    } else if (xadd && o === 'nomkstream') {
      noMkStream = true;
    } else if (xadd) {
      id = parseId(args[i], { strict: true, autoSeq: true });
      break;
    } else {
      throw replyError(ERR.syntax);
    }
  }
  if (limitGiven && !trim.strategy)
    throw replyError(
      'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
    );
  if (!xadd && !trim.strategy)
    throw replyError('ERR syntax error, XTRIM must be called with a trimming strategy');
  if (limitGiven) {
    if (!trim.approx)
      throw replyError('ERR syntax error, LIMIT cannot be used without the special ~ option');
  } else {
    // 100 * stream-node-max-entries for `~`; exact trimming is never limited.
    trim.limit = trim.approx ? 10000 : 0;
  }
  return { trim, noMkStream, id, idIndex: i };
}

function applyTrim(s: StreamValue, trim: TrimArgs): number {
  if (!trim.strategy) return 0;
  return s.trim(trim.strategy, trim.approx, trim.limit);
}

function xadd(ctx: Ctx, args: Arg[]): Reply {
  const key = toText(args[0]);
  const { trim, noMkStream, id: given, idIndex } = parseAddOrTrim(args, true);
  const fieldPos = idIndex + 1;
  const nfields = args.length - fieldPos;
  if (nfields < 2 || nfields % 2 === 1) throw replyError(ERR.arity('xadd'));
  if (given && given.seqGiven && given.ms === 0n && given.seq === 0n)
    throw replyError('ERR The ID specified in XADD must be greater than 0-0');
  let s = getStream(ctx, key);
  if (!s) {
    if (noMkStream) return null;
    s = createStream(ctx, key);
  }
  if (s.lastId.ms === U64_MAX && s.lastId.seq === U64_MAX)
    throw replyError('ERR The stream has exhausted the last possible ID, unable to add more items');
  let id: StreamId;
  if (given) {
    if (given.seqGiven) id = given;
    else if (s.lastId.ms === given.ms) {
      // Measured on 7.0.15: an exhausted sequence reports this text, not the EDOM one.
      if (s.lastId.seq === U64_MAX) throw replyError('ERR Elements are too large to be stored');
      id = { ms: given.ms, seq: s.lastId.seq + 1n };
    } else id = { ms: given.ms, seq: 0n };
  } else {
    const ms = BigInt(Math.floor(ctx.now()));
    id = ms > s.lastId.ms ? { ms, seq: 0n } : nextId(s.lastId)!;
  }
  if (compareIds(id, s.lastId) <= 0)
    throw replyError(
      'ERR The ID specified in XADD is equal or smaller than the target stream top item',
    );
  s.append(id, args.slice(fieldPos));
  applyTrim(s, trim);
  ctx.touch(key);
  return formatId(id);
}

function xtrim(ctx: Ctx, args: Arg[]): Reply {
  const key = toText(args[0]);
  const { trim } = parseAddOrTrim(args, false);
  const s = getStream(ctx, key);
  if (!s) return 0;
  const deleted = applyTrim(s, trim);
  if (deleted) ctx.touch(key);
  return deleted;
}

// ---------------------------------------------------------------------------------------------
// XRANGE / XREVRANGE / XLEN / XDEL

function range(reverse: boolean): Handler {
  return (ctx, args) => {
    const start = startBound(reverse ? args[2] : args[1]);
    const end = endBound(reverse ? args[1] : args[2]);
    let count = -1;
    for (let j = 3; j < args.length; j++) {
      if (lower(args[j]) === 'count' && j + 1 < args.length) {
        const n = int64(args[++j]);
        count = n < 0n ? 0 : Number(n);
      } else throw replyError(ERR.syntax);
    }
    const s = getStream(ctx, toText(args[0]));
    if (!s) return [];
    if (count === 0) return null;
    const out: Reply[] = [];
    for (const item of s.range(start, end, reverse)) {
      if (count > 0 && out.length >= count) break;
      out.push(entryReply(item));
    }
    return out;
  };
}

function xdel(ctx: Ctx, args: Arg[]): Reply {
  const key = toText(args[0]);
  const ids = args.slice(1).map((a) => parseId(a, { strict: true }));
  const s = getStream(ctx, key);
  if (!s) return 0;
  let deleted = 0;
  let firstDeleted = false;
  for (const id of ids) {
    if (!s.delete(id)) continue;
    if (compareIds(id, s.firstId) === 0) firstDeleted = true;
    if (compareIds(id, s.maxDeletedId) > 0) s.maxDeletedId = { ms: id.ms, seq: id.seq };
    deleted++;
  }
  if (deleted) {
    if (s.length === 0) s.firstId = ZERO_ID;
    else if (firstDeleted) s.refreshFirstId();
    ctx.touch(key);
  }
  return deleted;
}

// ---------------------------------------------------------------------------------------------
// XREAD / XREADGROUP

/** getTimeoutFromObjectOrReply in milliseconds; -1 when absent. */
function blockTimeout(arg: Arg): number {
  const n = parseInt64(arg);
  if (n === null) throw replyError('ERR timeout is not an integer or out of range');
  if (n < 0n) throw replyError('ERR timeout is negative');
  return Number(n);
}

function xread(group: boolean): Handler {
  return (ctx, args) => {
    let timeout = -1;
    let count = 0;
    let streamsArg = -1;
    let streamCount = 0;
    let groupName: string | null = null;
    let consumerName = '';
    let noack = false;
    for (let i = 0; i < args.length; i++) {
      const moreargs = args.length - i - 1;
      const o = lower(args[i]);
      if (o === 'block' && moreargs) {
        timeout = blockTimeout(args[++i]);
      } else if (o === 'count' && moreargs) {
        const n = int64(args[++i]);
        count = n < 0n ? 0 : Number(n);
      } else if (o === 'streams' && moreargs) {
        streamsArg = i + 1;
        streamCount = args.length - streamsArg;
        if (streamCount % 2 !== 0)
          // 7.0.15 words it the same for XREADGROUP (measured); 7.2 names the command.
          throw replyError(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
          );
        streamCount /= 2;
        break;
      } else if (o === 'group' && moreargs >= 2) {
        if (!group)
          throw replyError(
            'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.',
          );
        groupName = toText(args[i + 1]);
        consumerName = toText(args[i + 2]);
        i += 2;
      } else if (o === 'noack') {
        if (!group)
          throw replyError(
            'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.',
          );
        noack = true;
      } else throw replyError(ERR.syntax);
    }
    if (streamsArg < 0) throw replyError(ERR.syntax);
    if (group && groupName === null) throw replyError('ERR Missing GROUP option for XREADGROUP');

    const keys: string[] = [];
    const ids: StreamId[] = [];
    const groups: (ConsumerGroup | null)[] = [];
    for (let n = 0; n < streamCount; n++) {
      const key = toText(args[streamsArg + n]);
      const idArg = toText(args[streamsArg + streamCount + n]);
      const s = getStream(ctx, key);
      keys.push(key);
      let g: ConsumerGroup | null = null;
      if (groupName !== null) {
        g = s?.groups.get(groupName) ?? null;
        if (!g)
          throw replyError(
            `NOGROUP No such key '${key}' or consumer group '${groupName}' in XREADGROUP with GROUP option`,
          );
      }
      groups.push(g);
      if (idArg === '$') {
        if (group)
          throw replyError(
            'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
          );
        ids.push(s ? s.lastId : ZERO_ID);
      } else if (idArg === '>') {
        if (!group)
          throw replyError(
            'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
          );
        ids.push(MAX_ID);
      } else ids.push(parseId(idArg, { strict: true }));
    }

    const served: Reply[] = [];
    for (let n = 0; n < streamCount; n++) {
      const s = getStream(ctx, keys[n]);
      if (!s) continue;
      const g = groups[n];
      let gt = ids[n];
      let serve = false;
      let history = false;
      if (g) {
        if (compareIds(gt, MAX_ID) !== 0) {
          serve = true;
          history = true;
        } else if (s.length && compareIds(lastValidId(s), g.lastId) > 0) {
          serve = true;
          gt = g.lastId;
        }
      } else if (s.length && compareIds(lastValidId(s), gt) > 0) serve = true;
      if (!serve) continue;
      const start = nextId(gt) ?? gt;
      if (g) {
        const consumer = consumerFor(ctx, g, consumerName);
        served.push([
          keys[n],
          history
            ? deliverHistory(ctx, s, g, consumer, start, count)
            : deliverNew(ctx, s, g, consumer, start, count, noack),
        ]);
      } else {
        served.push([keys[n], readRange(s, start, count)]);
      }
    }
    if (served.length) return served;
    if (timeout === -1 || !ctx.mayBlock) return null;

    const db = ctx.conn.db;
    const blockedCount = count || XREAD_BLOCKED_DEFAULT_COUNT;
    const serveKey = (c: Ctx, key: string): Reply | undefined => {
      const n = keys.indexOf(key);
      if (n < 0 || c.conn.db !== db || !c.store.data.has(key)) return undefined;
      const s = streamOf(c.store.data.get(key));
      if (!s) return undefined;
      if (groupName !== null) {
        const g = s.groups.get(groupName);
        if (!g)
          return replyError(
            'NOGROUP the consumer group this client was blocked on no longer exists',
          );
        const gt = compareIds(ids[n], MAX_ID) === 0 ? g.lastId : ids[n];
        if (compareIds(s.lastId, gt) <= 0) return undefined;
        const consumer = consumerFor(c, g, consumerName);
        return [[key, deliverNew(c, s, g, consumer, nextId(gt)!, blockedCount, noack)]];
      }
      if (compareIds(s.lastId, ids[n]) <= 0) return undefined;
      return [[key, readRange(s, nextId(ids[n])!, blockedCount)]];
    };
    throw new BlockRequest(keys, timeout === 0 ? 0 : ctx.now() + timeout, serveKey, null);
  };
}

function lastValidId(s: StreamValue): StreamId {
  for (const item of s.range(ZERO_ID, MAX_ID, true)) return item.id;
  return ZERO_ID;
}

function readRange(s: StreamValue, start: StreamId, count: number): Reply[] {
  const out: Reply[] = [];
  for (const item of s.range(start, MAX_ID)) {
    if (count && out.length >= count) break;
    out.push(entryReply(item));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// XGROUP / XSETID / XACK / XPENDING / XCLAIM / XAUTOCLAIM

const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

function entriesReadArg(arg: Arg): bigint | null {
  const n = int64(arg);
  if (n < 0n && n !== -1n) throw replyError('ERR value for ENTRIESREAD must be positive or -1');
  return n === -1n ? null : n;
}

function xgroup(ctx: Ctx, args: Arg[]): Reply {
  const opt = lower(args[0]);
  const argc = args.length + 1;
  let s: StreamValue | undefined;
  let g: ConsumerGroup | undefined;
  let mkstream = false;
  let entriesRead: bigint | null = null;
  const key = args.length > 1 ? toText(args[1]) : '';
  const groupName = args.length > 2 ? toText(args[2]) : '';
  if (argc >= 4) {
    if (opt === 'create' && argc >= 6) {
      for (let i = 4; i < args.length;) {
        const o = lower(args[i]);
        if (o === 'mkstream') {
          mkstream = true;
          i++;
        } else if (o === 'entriesread' && i + 1 < args.length) {
          entriesRead = entriesReadArg(args[i + 1]);
          i += 2;
        } else subcommandError('XGROUP', args[0]);
      }
    }
    s = getStream(ctx, key);
    if (!mkstream) {
      if (!s) throw replyError(GROUP_NEEDS_KEY);
      g = s.groups.get(groupName);
      if (!g && (opt === 'setid' || opt === 'createconsumer' || opt === 'delconsumer'))
        throw replyError(`NOGROUP No such consumer group '${groupName}' for key name '${key}'`);
    }
  }
  if (argc === 2 && opt === 'help') return [...XGROUP_HELP];
  if (opt === 'create' && argc >= 5 && argc <= 8) {
    const idText = toText(args[3]);
    const id = idText === '$' ? (s?.lastId ?? ZERO_ID) : parseId(args[3], { strict: true });
    if (!s) {
      s = createStream(ctx, key);
      ctx.touch(key);
    }
    if (s.groups.has(groupName)) throw replyError('BUSYGROUP Consumer Group name already exists');
    s.groups.set(groupName, {
      name: groupName,
      lastId: { ms: id.ms, seq: id.seq },
      entriesRead,
      pel: new Map(),
      consumers: new Map(),
    });
    return OK;
  }
  if (opt === 'setid' && (argc === 5 || argc === 7)) {
    const idText = toText(args[3]);
    const id = idText === '$' ? s!.lastId : parseId(args[3]);
    if (argc === 7) {
      if (lower(args[4]) !== 'entriesread' || parseInt64(args[5]) === null)
        subcommandError('XGROUP', args[0]);
      entriesRead = entriesReadArg(args[5]);
    }
    g!.lastId = { ms: id.ms, seq: id.seq };
    g!.entriesRead = entriesRead;
    return OK;
  }
  if (opt === 'destroy' && argc === 4) {
    if (!g) return 0;
    s!.groups.delete(groupName);
    ctx.touch(key);
    return 1;
  }
  if (opt === 'createconsumer' && argc === 5) {
    const name = toText(args[3]);
    if (g!.consumers.has(name)) return 0;
    g!.consumers.set(name, { name, seenTime: ctx.now(), pending: new Set() });
    return 1;
  }
  if (opt === 'delconsumer' && argc === 5) {
    const consumer = g!.consumers.get(toText(args[3]));
    if (!consumer) return 0;
    for (const id of consumer.pending) g!.pel.delete(id);
    g!.consumers.delete(consumer.name);
    return consumer.pending.size;
  }
  subcommandError('XGROUP', args[0]);
}

function xsetid(ctx: Ctx, args: Arg[]): Reply {
  const id = parseId(args[1], { strict: true });
  let entriesAdded = -1n;
  let maxDeleted: StreamId = ZERO_ID;
  for (let i = 2; i < args.length;) {
    const moreargs = args.length - 1 - i;
    const o = lower(args[i]);
    if (o === 'entriesadded' && moreargs) {
      entriesAdded = int64(args[i + 1]);
      if (entriesAdded < 0n) throw replyError('ERR entries_added must be positive');
      i += 2;
    } else if (o === 'maxdeletedid' && moreargs) {
      maxDeleted = parseId(args[i + 1], { strict: true });
      if (compareIds(id, maxDeleted) < 0)
        throw replyError(
          'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
        );
      i += 2;
    } else throw replyError(ERR.syntax);
  }
  const key = toText(args[0]);
  const s = getStream(ctx, key);
  if (!s) throw replyError(NO_KEY);
  if (compareIds(id, s.maxDeletedId) < 0)
    throw replyError('ERR The ID specified in XSETID is smaller than current max_deleted_entry_id');
  if (s.length > 0) {
    if (compareIds(id, lastValidId(s)) < 0)
      throw replyError('ERR The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded)
      throw replyError(
        'ERR The entries_added specified in XSETID is smaller than the target stream length',
      );
  }
  s.lastId = { ms: id.ms, seq: id.seq };
  if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
  if (compareIds(maxDeleted, ZERO_ID) !== 0) s.maxDeletedId = maxDeleted;
  ctx.touch(key);
  return OK;
}

function xack(ctx: Ctx, args: Arg[]): Reply {
  const key = toText(args[0]);
  const s = getStream(ctx, key);
  const g = s?.groups.get(toText(args[1]));
  const ids = args.slice(2).map((a) => parseId(a, { strict: true }));
  if (!s || !g) return 0;
  let acked = 0;
  for (const id of ids) {
    const k = formatId(id);
    const p = g.pel.get(k);
    if (!p) continue;
    g.pel.delete(k);
    g.consumers.get(p.consumer)?.pending.delete(k);
    acked++;
  }
  return acked;
}

function noGroup(key: string, group: string): never {
  throw replyError(`NOGROUP No such key '${key}' or consumer group '${group}'`);
}

function xpending(ctx: Ctx, args: Arg[]): Reply {
  const argc = args.length + 1;
  const key = toText(args[0]);
  const groupName = toText(args[1]);
  const justInfo = argc === 3;
  if (argc !== 3 && (argc < 6 || argc > 9)) throw replyError(ERR.syntax);
  let minIdle = 0;
  let start = ZERO_ID;
  let end = MAX_ID;
  let count = 0;
  let consumerName: string | null = null;
  if (argc >= 6) {
    let at = 2;
    if (lower(args[2]) === 'idle') {
      minIdle = Number(int64(args[3]));
      if (argc < 8) throw replyError(ERR.syntax);
      at += 2;
    }
    const n = int64(args[at + 2]);
    count = n < 0n ? 0 : Number(n);
    start = startBound(args[at]);
    end = endBound(args[at + 1]);
    if (at + 3 < args.length) consumerName = toText(args[at + 3]);
  }
  const s = getStream(ctx, key);
  const g = s?.groups.get(groupName);
  if (!s || !g) noGroup(key, groupName);
  const pel = sortedPel(g);
  if (justInfo) {
    if (pel.length === 0) return [0, null, null, null];
    const perConsumer = sortedConsumers(g)
      .filter((c) => c.pending.size > 0)
      .map((c) => [c.name, String(c.pending.size)] as Reply);
    return [pel.length, formatId(pel[0].id), formatId(pel[pel.length - 1].id), perConsumer];
  }
  let entries = pel;
  if (consumerName !== null) {
    if (!g.consumers.has(consumerName)) return [];
    entries = entries.filter((p) => p.consumer === consumerName);
  }
  const now = ctx.now();
  const out: Reply[] = [];
  for (const p of entries) {
    if (out.length >= count) break;
    if (compareIds(p.id, start) < 0 || compareIds(p.id, end) > 0) continue;
    const idle = now - p.deliveryTime;
    if (minIdle && idle < minIdle) continue;
    out.push([formatId(p.id), p.consumer, idle, p.deliveryCount]);
  }
  return out;
}

function xclaim(ctx: Ctx, args: Arg[]): Reply {
  const key = toText(args[0]);
  const groupName = toText(args[1]);
  const s = getStream(ctx, key);
  const g = s?.groups.get(groupName);
  if (!s || !g) noGroup(key, groupName);
  let minIdle = Number(int64(args[3], 'ERR Invalid min-idle-time argument for XCLAIM'));
  if (minIdle < 0) minIdle = 0;
  const ids: StreamId[] = [];
  let j = 4;
  for (; j < args.length; j++) {
    try {
      ids.push(parseId(args[j], { strict: true }));
    } catch {
      break;
    }
  }
  const now = ctx.now();
  let retryCount = -1n;
  let deliveryTime = -1;
  let force = false;
  let justId = false;
  let lastId = ZERO_ID;
  for (; j < args.length; j++) {
    const moreargs = args.length - 1 - j;
    const o = lower(args[j]);
    if (o === 'force') force = true;
    else if (o === 'justid') justId = true;
    else if (o === 'idle' && moreargs) {
      deliveryTime = now - Number(int64(args[++j], 'ERR Invalid IDLE option argument for XCLAIM'));
    } else if (o === 'time' && moreargs) {
      deliveryTime = Number(int64(args[++j], 'ERR Invalid TIME option argument for XCLAIM'));
    } else if (o === 'retrycount' && moreargs) {
      retryCount = int64(args[++j], 'ERR Invalid RETRYCOUNT option argument for XCLAIM');
    } else if (o === 'lastid' && moreargs) {
      lastId = parseId(args[++j], { strict: true });
    } else throw replyError(`ERR Unrecognized XCLAIM option '${toText(args[j])}'`);
  }
  if (compareIds(lastId, g.lastId) > 0) g.lastId = { ms: lastId.ms, seq: lastId.seq };
  if (deliveryTime !== -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else deliveryTime = now;
  let consumer: Consumer | null = null;
  const out: Reply[] = [];
  for (const id of ids) {
    const k = formatId(id);
    let nack = g.pel.get(k);
    const item = s.find(id);
    if (!item) {
      if (nack) {
        g.pel.delete(k);
        g.consumers.get(nack.consumer)?.pending.delete(k);
      }
      continue;
    }
    let fresh = false;
    if (force && !nack) {
      nack = { id, consumer: '', deliveryTime: now, deliveryCount: 1 };
      g.pel.set(k, nack);
      fresh = true;
    }
    if (!nack) continue;
    if (!fresh && minIdle && now - nack.deliveryTime < minIdle) continue;
    consumer ??= consumerFor(ctx, g, toText(args[2]));
    if (!fresh && nack.consumer !== consumer.name)
      g.consumers.get(nack.consumer)?.pending.delete(k);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0n) nack.deliveryCount = Number(retryCount);
    else if (!justId) nack.deliveryCount++;
    nack.consumer = consumer.name;
    consumer.pending.add(k);
    out.push(justId ? k : entryReply(item));
  }
  return out;
}

function xautoclaim(ctx: Ctx, args: Arg[]): Reply {
  const key = toText(args[0]);
  const groupName = toText(args[1]);
  let minIdle = Number(int64(args[3], 'ERR Invalid min-idle-time argument for XAUTOCLAIM'));
  if (minIdle < 0) minIdle = 0;
  const start = startBound(args[4]);
  let count = 100;
  let justId = false;
  for (let j = 5; j < args.length; j++) {
    const moreargs = args.length - 1 - j;
    const o = lower(args[j]);
    if (o === 'count' && moreargs) {
      const n = parseInt64(args[j + 1]);
      if (n === null || n < 1n || n > 2n ** 63n / 16n) throw replyError('ERR COUNT must be > 0');
      count = Number(n);
      j++;
    } else if (o === 'justid') justId = true;
    else throw replyError(ERR.syntax);
  }
  const s = getStream(ctx, key);
  const g = s?.groups.get(groupName);
  if (!s || !g) noGroup(key, groupName);
  let attempts = count * 10;
  const now = ctx.now();
  const pel = sortedPel(g).filter((p) => compareIds(p.id, start) >= 0);
  let consumer: Consumer | null = null;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let i = 0;
  while (attempts-- > 0 && count > 0 && i < pel.length) {
    const nack = pel[i++];
    const k = formatId(nack.id);
    const item = s.find(nack.id);
    if (!item) {
      g.pel.delete(k);
      g.consumers.get(nack.consumer)?.pending.delete(k);
      deleted.push(k);
      count--;
      continue;
    }
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    consumer ??= consumerFor(ctx, g, toText(args[2]));
    if (nack.consumer !== consumer.name) g.consumers.get(nack.consumer)?.pending.delete(k);
    nack.deliveryTime = now;
    if (!justId) nack.deliveryCount++;
    nack.consumer = consumer.name;
    consumer.pending.add(k);
    claimed.push(justId ? k : entryReply(item));
    count--;
  }
  const cursor = i < pel.length ? formatId(pel[i].id) : '0-0';
  return [cursor, claimed, deleted];
}

// ---------------------------------------------------------------------------------------------
// XINFO

const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

function xinfo(ctx: Ctx, args: Arg[]): Reply {
  const opt = lower(args[0]);
  const argc = args.length + 1;
  if (opt === 'help') {
    if (argc !== 2) subcommandError('XINFO', args[0]);
    return [...XINFO_HELP];
  }
  if (argc < 3) subcommandError('XINFO', args[0]);
  const key = toText(args[1]);
  const s = getStream(ctx, key);
  if (!s) throw replyError(NO_KEY);
  const now = ctx.now();
  if (opt === 'consumers' && argc === 4) {
    const g = s.groups.get(toText(args[2]));
    if (!g)
      throw replyError(`NOGROUP No such consumer group '${toText(args[2])}' for key name '${key}'`);
    return sortedConsumers(g).map((c) => [
      'name',
      c.name,
      'pending',
      c.pending.size,
      'idle',
      now - c.seenTime,
    ]);
  }
  if (opt === 'groups' && argc === 3) {
    return s
      .sortedGroups()
      .map((g) => [
        'name',
        g.name,
        'consumers',
        g.consumers.size,
        'pending',
        g.pel.size,
        'last-delivered-id',
        formatId(g.lastId),
        'entries-read',
        g.entriesRead === null ? null : Number(g.entriesRead),
        'lag',
        groupLag(s, g),
      ]);
  }
  if (opt === 'stream') {
    let full = false;
    let count = 10;
    if (argc > 3) {
      if (lower(args[2]) !== 'full') subcommandError('XINFO', args[0]);
      full = true;
      if (argc > 4) {
        if (argc !== 6 || lower(args[3]) !== 'count') subcommandError('XINFO', args[0]);
        const n = int64(args[4]);
        count = n < 0n ? 10 : Number(n);
      }
    }
    const head: Reply[] = [
      'length',
      s.length,
      'radix-tree-keys',
      s.nodes.length,
      'radix-tree-nodes',
      s.raxNodes(),
      'last-generated-id',
      formatId(s.lastId),
      'max-deleted-entry-id',
      formatId(s.maxDeletedId),
      'entries-added',
      Number(s.entriesAdded),
      'recorded-first-entry-id',
      formatId(s.firstId),
    ];
    if (!full) {
      let first: Reply = null;
      for (const item of s.range(ZERO_ID, MAX_ID)) {
        first = entryReply(item);
        break;
      }
      let last: Reply = null;
      for (const item of s.range(ZERO_ID, MAX_ID, true)) {
        last = entryReply(item);
        break;
      }
      return [...head, 'groups', s.groups.size, 'first-entry', first, 'last-entry', last];
    }
    const limit = (n: number) => (count === 0 ? n : Math.min(n, count));
    const entries = readRange(s, ZERO_ID, count);
    const groups = s.sortedGroups().map((g) => {
      const pel = sortedPel(g);
      return [
        'name',
        g.name,
        'last-delivered-id',
        formatId(g.lastId),
        'entries-read',
        g.entriesRead === null ? null : Number(g.entriesRead),
        'lag',
        groupLag(s, g),
        'pel-count',
        pel.length,
        'pending',
        pel
          .slice(0, limit(pel.length))
          .map((p) => [formatId(p.id), p.consumer, p.deliveryTime, p.deliveryCount]),
        'consumers',
        sortedConsumers(g).map((c) => {
          const own = pel.filter((p) => p.consumer === c.name);
          return [
            'name',
            c.name,
            'seen-time',
            c.seenTime,
            'pel-count',
            own.length,
            'pending',
            own
              .slice(0, limit(own.length))
              .map((p) => [formatId(p.id), p.deliveryTime, p.deliveryCount]),
          ];
        }),
      ] as Reply;
    });
    return [...head, 'entries', entries, 'groups', groups];
  }
  subcommandError('XINFO', args[0]);
}

/** Ids of a stream's first/last live entries are part of XINFO; re-exported for tests. */
export { INVALID_ID, parseIntervalId };

/** A copy of the stream stored at a raw value, for COPY (null if the value is not a stream). */
export function cloneStoredStream(value: unknown): unknown {
  const s = streamOf(value);
  return s ? storedStream(s.clone()) : null;
}

/** Type guard used by keyspace readers: the raw value's stream, or null. */
export { streamOf };

/** Field/value pairs of a raw string list, for tests and snapshots. */
export function streamEntries(value: unknown): [string, RedisString[]][] {
  const s = streamOf(value);
  if (!s) return [];
  return [...s.range(ZERO_ID, MAX_ID)].map((i) => [formatId(i.id), [...i.fields]]);
}

/** The streams family. */
export const streams: FamilyModule = {
  family: 'streams',
  commands: {
    xadd,
    xlen: (ctx, [key]) => getStream(ctx, toText(key))?.length ?? 0,
    xrange: range(false),
    xrevrange: range(true),
    xdel,
    xtrim,
    xread: xread(false),
    xreadgroup: xread(true),
    xgroup,
    xsetid,
    xack,
    xpending,
    xclaim,
    xautoclaim,
    xinfo,
  },
};
