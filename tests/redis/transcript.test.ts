/**
 * Replays the differential corpus against replies recorded from a real redis-server 7.0
 * (tests/redis/fixtures/redis-transcript.json, made by scripts/record-transcript.mjs), so
 * `npm test` holds the fidelity layer to Redis's answers without a server. The clock is set to
 * each command's recorded time, so TTLs and absolute expiry times line up.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import RedisMock from 'ioredis-mock';
import { withFidelity } from '../../src/redis/faithful-client.ts';
import { parseCliLine } from '../../src/redis/cli-parse.ts';
import { fromBytes, toText } from '../../src/redis/bytes.ts';
import { ReplyError } from '../../src/redis/reply-error.ts';
import { Status, type Reply } from '../../src/redis/fidelity/types.ts';
import { canonicalReply, withinTimeBound } from './canonical.ts';

interface Entry {
  family: string;
  command: string;
  at: number;
  resp: string;
}

const transcript: { recordedFrom: string; entries: Entry[] } = JSON.parse(
  readFileSync(new URL('./fixtures/redis-transcript.json', import.meta.url), 'utf8'),
);
const corpusLines = readFileSync(new URL('../redis-server/corpus.redis', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => !l.startsWith('#') && l.trim() !== '');

/** Parses one recorded RESP2 reply (bytes kept as latin1 chars) into a typed reply. */
function parseResp(raw: string): Reply {
  const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  let pos = 0;
  const line = () => {
    const end = raw.indexOf('\r\n', pos);
    const text = raw.slice(pos, end);
    pos = end + 2;
    return text;
  };
  const read = (): Reply => {
    const head = line();
    const type = head[0];
    const rest = head.slice(1);
    if (type === '+') return new Status(rest);
    if (type === '-')
      return new ReplyError(
        new TextDecoder().decode(Uint8Array.from(rest, (c) => c.charCodeAt(0))),
      );
    if (type === ':')
      return BigInt(rest) <= BigInt(Number.MAX_SAFE_INTEGER) &&
        BigInt(rest) >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(rest)
        : BigInt(rest);
    const n = Number(rest);
    if (n < 0) return null;
    if (type === '$') {
      const value = fromBytes(bytes.slice(pos, pos + n));
      pos += n + 2;
      return value;
    }
    return Array.from({ length: n }, read);
  };
  return read();
}

describe('the fidelity layer replays a real redis-server transcript', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  test('the transcript was recorded from the current corpus', () => {
    expect(
      transcript.entries.map((e) => e.command),
      'run: node scripts/record-transcript.mjs',
    ).toEqual(corpusLines);
  });

  test(`answers all ${transcript.entries.length} recorded commands as ${transcript.recordedFrom} did`, () => {
    const client = withFidelity(new RedisMock({ host: 'transcript-replay' }));
    const mismatches: string[] = [];
    for (const entry of transcript.entries) {
      vi.setSystemTime(entry.at);
      const argv = parseCliLine(entry.command)!.map(fromBytes);
      const name = toText(argv[0]);
      const expected = parseResp(entry.resp);
      const actual = client.executeRaw(argv);
      const [e, a] = [canonicalReply(name, expected), canonicalReply(name, actual)];
      if (e !== a && !withinTimeBound(name, expected, actual))
        mismatches.push(`${entry.command}\n  redis:   ${e}\n  sandbox: ${a}`);
    }
    expect(mismatches, mismatches.join('\n')).toEqual([]);
  });
});
