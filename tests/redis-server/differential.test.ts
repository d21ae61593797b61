/**
 * Differential test: every command of every tests/redis-server/corpus*.redis file goes to a real
 * redis-server (through ioredis 5) and to the sandbox's faithful client (ioredis-mock + fidelity
 * layer), both with `call()`.
 * Replies must be identical once printed the redis-cli way; errors compare by message.
 *
 * Two kinds of reply cannot be byte-identical, and are compared more loosely, by stated rules:
 * - Time: TTL/PTTL/EXPIRETIME/PEXPIRETIME read two different clocks a few ms apart, so they
 *   match within 1 s (seconds) or 1000 ms (milliseconds).
 * - Order: Redis does not define the order of SMEMBERS, SINTER/SUNION/SDIFF, HGETALL/HKEYS/HVALS,
 *   KEYS and the SCAN family's elements (it depends on the hash table), so those compare as
 *   sorted multisets. Their cursors still compare exactly.
 * Each corpus file is one test and starts from FLUSHALL on both sides (not counted).
 * Writes bench-results/fidelity.json with the per-family match rate, once all files ran.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import { withFidelity, type FaithfulRedis } from '../../src/redis/faithful-client.ts';
import { typedFromClient } from '../../src/redis/cli-format.ts';
import { canonicalReply, withinTimeBound } from '../redis/canonical.ts';
import { readCorpora, toText, type CorpusCommand } from './corpus.ts';

const REDIS_URL = process.env.REDIS_URL;
const corpora = readCorpora(new URL('./', import.meta.url));

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/** The raw mock as a baseline: its method for the command, if it has one. */
async function sendRaw(
  mock: Record<string, unknown>,
  argv: (string | Uint8Array)[],
): Promise<Outcome> {
  const [name, ...args] = argv;
  const method = mock[toText(name).toLowerCase()];
  if (typeof method !== 'function')
    return { ok: false, error: `(raw mock has no ${toText(name)} method)` };
  try {
    return { ok: true, value: await method.apply(mock, args) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

async function send(
  client: Redis | FaithfulRedis,
  argv: (string | Uint8Array)[],
): Promise<Outcome> {
  try {
    const [name, ...args] = argv;
    return { ok: true, value: await client.call(toText(name), ...(args as string[])) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** The reply as redis-cli would print it, with Redis-unordered collections put in order. */
function canonical(command: CorpusCommand, outcome: Outcome): string {
  if (!outcome.ok) return `(error) ${outcome.error}`;
  const name = toText(command.argv[0]);
  const typed = typedFromClient(outcome.value, {
    command: name,
    args: command.argv.slice(1).map(toText),
  });
  return canonicalReply(name, typed);
}

function timeMatch(command: CorpusCommand, real: Outcome, sandbox: Outcome): boolean {
  return (
    real.ok && sandbox.ok && withinTimeBound(toText(command.argv[0]), real.value, sandbox.value)
  );
}

interface FamilyStats {
  sent: number;
  identical: number;
  withinBound: number;
  /** Baseline: replies of plain ioredis-mock 8.13.1 that match. */
  rawMock: number;
}

describe.runIf(REDIS_URL)('the faithful client against a real redis-server', () => {
  let real: Redis;
  let sandbox: FaithfulRedis;
  let rawMock: Record<string, unknown>;
  const families = new Map<string, FamilyStats>();
  let version = '';

  beforeAll(async () => {
    real = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await real.connect();
    const info = await real.info('server');
    version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    await real.flushall();
    sandbox = withFidelity(new RedisMock({ host: `differential-${Date.now()}` }));
    rawMock = new RedisMock({ host: `differential-raw-${Date.now()}` }) as unknown as Record<
      string,
      unknown
    >;
  });

  afterAll(async () => {
    if (families.size > 0) report(version, families);
    await real?.flushall();
    real?.disconnect();
  });

  for (const file of corpora)
    test(`answers ${file.name} (${file.commands.length} commands) exactly as redis-server does`, async () => {
      const mismatches: string[] = [];
      await real.flushall();
      await sandbox.call('flushall');
      await (rawMock.flushall as () => Promise<unknown>).call(rawMock);
      for (const command of file.commands) {
        const realOutcome = await send(real, command.argv);
        const sandboxOutcome = await send(sandbox, command.argv);
        let rawOutcome: Outcome;
        try {
          rawOutcome = await sendRaw(rawMock, command.argv);
        } catch (err) {
          rawOutcome = { ok: false, error: `(raw mock threw: ${(err as Error).message})` };
        }
        const stats = families.get(command.family) ?? {
          sent: 0,
          identical: 0,
          withinBound: 0,
          rawMock: 0,
        };
        families.set(command.family, stats);
        stats.sent++;
        const expected = canonical(command, realOutcome);
        const actual = canonical(command, sandboxOutcome);
        let rawText: string;
        try {
          rawText = canonical(command, rawOutcome);
        } catch {
          // ioredis-mock's own Lua hands back fengari-interop proxies that cannot be printed.
          rawText = '(raw mock reply unreadable)';
        }
        if (expected === rawText || timeMatch(command, realOutcome, rawOutcome)) stats.rawMock++;
        if (expected === actual) stats.identical++;
        else if (timeMatch(command, realOutcome, sandboxOutcome)) stats.withinBound++;
        else
          mismatches.push(
            `${file.name} line ${command.line} [${command.family}]: ${command.text}\n  redis:   ${expected}\n  sandbox: ${actual}`,
          );
      }
      expect(mismatches, mismatches.join('\n')).toEqual([]);
    });
});

function report(version: string, families: Map<string, FamilyStats>): void {
  const rows = [...families].map(([family, s]) => ({
    family,
    sent: s.sent,
    identical: s.identical,
    withinBound: s.withinBound,
    matchRate: Number(((s.identical + s.withinBound) / s.sent).toFixed(4)),
    rawMockMatchRate: Number((s.rawMock / s.sent).toFixed(4)),
  }));
  const total = rows.reduce(
    (t, r) => ({
      sent: t.sent + r.sent,
      identical: t.identical + r.identical,
      withinBound: t.withinBound + r.withinBound,
      rawMock: t.rawMock + Math.round(r.rawMockMatchRate * r.sent),
    }),
    { sent: 0, identical: 0, withinBound: 0, rawMock: 0 },
  );
  const path = new URL('../../bench-results/fidelity.json', import.meta.url);
  mkdirSync(new URL('.', path), { recursive: true });
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // first run
  }
  const result = {
    ...previous,
    generatedAt: new Date().toISOString(),
    redisVersion: version,
    commands: {
      ...total,
      matchRate: Number(((total.identical + total.withinBound) / total.sent).toFixed(4)),
      rawMockMatchRate: Number((total.rawMock / total.sent).toFixed(4)),
      timeBound: 'TTL/EXPIRETIME within 1 s, PTTL/PEXPIRETIME within 1000 ms',
      families: rows,
    },
  };
  writeFileSync(path, JSON.stringify(result, null, 2) + '\n');
  console.log(
    `\nFidelity vs redis-server ${version}: ${total.identical + total.withinBound}/${total.sent} replies match ` +
      `(plain ioredis-mock: ${total.rawMock}/${total.sent})`,
  );
  console.table(rows);
}
