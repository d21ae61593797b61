/** Why a check's store ended up empty, read from the commands the learner's code sent. */
import type { CheckResult } from '../../runner/report.ts';
import { formatDuration } from './insight-format.ts';

// Commands that create or change a key. Deletions are listed apart so the message can name them.
const WRITES = new Set(
  (
    'SET SETEX PSETEX SETNX SETRANGE MSET MSETNX APPEND GETSET INCR INCRBY INCRBYFLOAT DECR DECRBY ' +
    'HSET HMSET HSETNX HINCRBY HINCRBYFLOAT LPUSH RPUSH LPUSHX RPUSHX LINSERT LSET LMOVE RPOPLPUSH ' +
    'SADD SMOVE SUNIONSTORE SINTERSTORE SDIFFSTORE ZADD ZINCRBY ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ' +
    'RENAME RENAMENX COPY RESTORE EVAL EVALSHA EXEC'
  ).split(' '),
);
const DELETES = new Set([
  'DEL',
  'UNLINK',
  'GETDEL',
  'FLUSHDB',
  'FLUSHALL',
  'EXPIRE',
  'PEXPIRE',
  'EXPIREAT',
  'PEXPIREAT',
  'GETEX',
]);

/** One sentence saying that the store was empty when the check finished, and the likely reason. */
export function explainEmptyStore(check: CheckResult): string {
  const lead = 'The store was empty when this check finished';
  const sent = (check.trace ?? []).filter((e) => !e.reply.startsWith('(error)'));
  const omitted = check.traceOmitted ?? 0;
  if (check.trace && sent.length === 0 && omitted === 0) {
    return check.trace.length === 0
      ? `${lead}: your code sent no Redis commands during it.`
      : `${lead}: every command your code sent failed with an error, so nothing was written.`;
  }
  const names = sent.map((e) => e.command.toUpperCase());
  const wrote = names.some((n) => WRITES.has(n));
  const removed = names.filter((n) => DELETES.has(n));
  const clock = check.clockAdvancedMs ? formatDuration(check.clockAdvancedMs) : null;
  if (!check.trace || (!wrote && omitted > 0)) {
    return `${lead}: your code didn't write anything, or it deleted what it wrote.`;
  }
  if (!wrote) {
    const reads = [...new Set(names)].slice(0, 3).join(', ');
    return `${lead}: your code only read from it (${reads}) and never wrote a key.`;
  }
  if (clock) {
    return `${lead}: your code wrote keys, but they expired when the check moved the clock forward ${clock}, or were deleted.`;
  }
  if (removed.length > 0) {
    return `${lead}: your code wrote keys and then removed them (${[...new Set(removed)].join(', ')}).`;
  }
  return `${lead}: your code wrote keys, but the check removed them before it finished.`;
}
