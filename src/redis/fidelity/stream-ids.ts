/** Stream id arguments, parsed exactly as t_stream.c's streamGenericParseIDOrReply does. */
import { replyError } from '../reply-error.ts';
import { toText } from '../bytes.ts';
import { MAX_ID, U64_MAX, ZERO_ID, nextId, prevId, type StreamId } from './stream-value.ts';
import type { Arg } from './types.ts';

/** Redis's message for any malformed stream id. */
export const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';

const INT64_MIN = -(2n ** 63n);

/**
 * string2ull: string2ll first (a negative result is invalid), then strtoull, which skips
 * leading spaces, takes a sign (a negative value wraps around) and must consume everything.
 */
function string2ull(s: string): bigint | null {
  if (/^(0|-?[1-9][0-9]*)$/.test(s)) {
    const n = BigInt(s);
    if (n >= INT64_MIN && n < 2n ** 63n) return n < 0n ? null : n;
  }
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (!m) return null;
  const magnitude = BigInt(m[2]);
  if (magnitude > U64_MAX) return null;
  return m[1] === '-' && magnitude !== 0n ? 2n ** 64n - magnitude : magnitude;
}

/** Options of one id parse. */
export interface IdParse {
  /** `-` and `+` are refused (XADD, XDEL, XREAD, ...). */
  strict?: boolean;
  /** The sequence of `<ms>` without `-<seq>` (0 for starts, max for ends). */
  missingSeq?: bigint;
  /** `<ms>-*` is allowed (XADD); the result then has `seqGiven: false`. */
  autoSeq?: boolean;
}

/** Parses an id; throws Redis's invalid-id error. */
export function parseId(arg: Arg, opts: IdParse = {}): StreamId & { seqGiven: boolean } {
  const text = toText(arg);
  const fail = () => replyError(INVALID_ID);
  if (text.length > 127) throw fail();
  if (text === '-' || text === '+') {
    if (opts.strict) throw fail();
    return { ...(text === '-' ? ZERO_ID : MAX_ID), seqGiven: true };
  }
  const dash = text.indexOf('-');
  const ms = string2ull(dash >= 0 ? text.slice(0, dash) : text);
  if (ms === null) throw fail();
  if (dash < 0) return { ms, seq: opts.missingSeq ?? 0n, seqGiven: true };
  const seqText = text.slice(dash + 1);
  if (opts.autoSeq && seqText === '*') return { ms, seq: 0n, seqGiven: false };
  const seq = string2ull(seqText);
  if (seq === null) throw fail();
  return { ms, seq, seqGiven: true };
}

/** streamParseIntervalIDOrReply: `(` makes a bound exclusive (the rest parsed strictly). */
export function parseIntervalId(
  arg: Arg,
  missingSeq: bigint,
): { id: StreamId; exclusive: boolean } {
  const text = toText(arg);
  if (text.length > 1 && text.startsWith('(')) {
    return { id: parseId(text.slice(1), { strict: true, missingSeq }), exclusive: true };
  }
  return { id: parseId(arg, { missingSeq }), exclusive: false };
}

/** An inclusive start from an interval bound. */
export function startBound(arg: Arg): StreamId {
  const { id, exclusive } = parseIntervalId(arg, 0n);
  if (!exclusive) return id;
  const next = nextId(id);
  if (!next) throw replyError('ERR invalid start ID for the interval');
  return next;
}

/** An inclusive end from an interval bound. */
export function endBound(arg: Arg): StreamId {
  const { id, exclusive } = parseIntervalId(arg, U64_MAX);
  if (!exclusive) return id;
  const prev = prevId(id);
  if (!prev) throw replyError('ERR invalid end ID for the interval');
  return prev;
}
