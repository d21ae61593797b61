/**
 * Byte-exact values for commands that build binary strings (HyperLogLog registers, SETBIT,
 * BITOP, BITFIELD): the corpus compares replies as text, where invalid UTF-8 turns into U+FFFD
 * on both sides and could hide a difference, so these compare the raw bytes (getBuffer) of the
 * sandbox's value with redis-server's. Sizes cover sparse HLLs, the promotion to dense, and merges
 * of both.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import { withFidelity, type FaithfulRedis } from '../../src/redis/faithful-client.ts';

const REDIS_URL = process.env.REDIS_URL;

describe.runIf(REDIS_URL)('binary string values match redis-server byte for byte', () => {
  let real: Redis;
  let sandbox: FaithfulRedis;

  beforeAll(async () => {
    real = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await real.connect();
    await real.flushall();
    sandbox = withFidelity(new RedisMock({ host: `binary-${Date.now()}` }));
  });

  afterAll(async () => {
    await real?.flushall();
    real?.disconnect();
  });

  async function both(...argv: string[]): Promise<void> {
    const [name, ...args] = argv;
    const a = await real.call(name, ...args).catch((e: Error) => e.message);
    const b = await sandbox.call(name, ...args).catch((e: Error) => e.message);
    expect(b, argv.join(' ')).toEqual(a);
  }

  async function sameBytes(key: string): Promise<void> {
    const a = await real.getBuffer(key);
    const b = await sandbox.getBuffer(key);
    expect(b === null ? null : Buffer.from(b as Uint8Array).toString('hex'), key).toBe(
      a === null ? null : a.toString('hex'),
    );
  }

  test('HyperLogLogs, sparse and dense, after PFADD, PFCOUNT and PFMERGE', async () => {
    const sizes = [0, 1, 2, 5, 40, 300, 900, 1500, 2200, 3500];
    for (const [i, n] of sizes.entries()) {
      const key = `hll${i}`;
      const elements = Array.from({ length: n }, (_, j) => `el${i}:${j}`);
      for (let at = 0; at === 0 || at < elements.length; at += 500)
        await both('pfadd', key, ...elements.slice(at, at + 500));
      await sameBytes(key);
      await both('pfcount', key);
      await sameBytes(key);
    }
    await both('pfmerge', 'merged', ...sizes.slice(0, 6).map((_, i) => `hll${i}`));
    await sameBytes('merged');
    await both('pfmerge', 'merged', 'hll9');
    await sameBytes('merged');
    await both('pfcount', 'merged', 'hll8', 'hll7');
  });

  test('SETBIT, BITOP and BITFIELD results', async () => {
    for (const bit of [0, 7, 8, 100, 1000, 4095]) await both('setbit', 'bits', String(bit), '1');
    await sameBytes('bits');
    await both('set', 'other', '\u00ff\u0001');
    for (const op of ['and', 'or', 'xor']) {
      await both('bitop', op, `r-${op}`, 'bits', 'other');
      await sameBytes(`r-${op}`);
    }
    await both('bitop', 'not', 'r-not', 'bits');
    await sameBytes('r-not');
    await both('bitfield', 'bf', 'set', 'i13', '#3', '-1234', 'incrby', 'u7', '100', '99');
    await sameBytes('bf');
  });
});
