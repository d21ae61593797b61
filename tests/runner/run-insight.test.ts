import { describe, expect, it } from 'vitest';
import { LOG_LIMIT } from '../../src/runner/command-recorder.ts';
import { checks, run, type AnyContext } from './harness.ts';

/**
 * `insight: false` (the CLI's runner child): results carry no trace, keyspace or final snapshot,
 * which nobody there shows. Everything a check judges must be unchanged: the command log, its
 * overflow, the store, and every verdict and message.
 */

const SOURCE = `
import Redis from 'ioredis';
export async function save(redis: Redis, id: number) {
  await redis.set('user:' + id, JSON.stringify({ id }));
  await redis.expire('user:' + id, 60);
}
export async function flood(redis: Redis, n: number) {
  for (let i = 0; i < n; i++) await redis.ping();
}
`;

const suite = checks(
  async ({ learner, client, redis, log, expect }: AnyContext) => {
    await learner.save(client, 7);
    expect(log.names()).to.deep.equal(['set', 'expire']);
    expect(log.only('SET')[0]!.args).to.deep.equal(['user:7', '{"id":7}']);
    expect(await redis.ttl('user:7')).to.equal(60);
  },
  async ({ learner, client, log, expect }: AnyContext) => {
    await learner.save(client, 8);
    // Fails on purpose: the message must be the same with and without insight.
    expect(log.names(), 'commands sent').to.deep.equal(['get']);
  },
  async ({ learner, client, log }: AnyContext) => {
    await learner.flood(client, LOG_LIMIT + 1);
    log.names();
  },
);

describe('runLesson with insight off', () => {
  it('keeps every verdict and message, and leaves out trace, keyspace and snapshot', async () => {
    const off = await run(SOURCE, suite, { insight: false, checkTimeoutMs: 20_000 });
    const on = await run(SOURCE, suite, { checkTimeoutMs: 20_000 });
    const verdicts = (r: typeof on) =>
      r.checks.map(({ name, passed, message }) => ({ name, passed, message }));
    expect(verdicts(off)).toEqual(verdicts(on));
    expect(verdicts(off).map((v) => v.passed)).toEqual([true, false, false]);
    expect(off.checks[1]!.message).toContain('commands sent');
    expect(off.checks[2]!.message).toContain('too many Redis commands');
    for (const check of off.checks) {
      expect(check.trace).toBeUndefined();
      expect(check.keyspace).toBeUndefined();
      expect(check.traceOmitted).toBeUndefined();
    }
    expect(off.snapshot).toBeUndefined();
    // Control: with insight (the default), the same run carries all three.
    expect(on.checks[0]!.trace!.map((e) => e.command)).toEqual(['SET', 'EXPIRE']);
    expect(on.checks[0]!.keyspace!.map((e) => e.key)).toEqual(['user:7']);
    expect(on.checks[2]!.traceOmitted).toBeGreaterThan(0);
    expect(on.snapshot).toBeDefined();
  }, 60_000);
});

describe('ctx.log, made on first use', () => {
  it('is one hardened view per check, and each check reads only its own commands', async () => {
    const seen: { same: boolean; frozen: boolean; names: string[] }[] = [];
    let first: AnyContext['log'] | undefined;
    const probe = checks(
      async ({ learner, client, log }: AnyContext) => {
        await learner.save(client, 1);
        first = log;
      },
      async (ctx: AnyContext) => {
        await ctx.learner.save(ctx.client, 2);
        await ctx.learner.save(ctx.client, 3);
        seen.push({
          same: ctx.log === ctx.log,
          frozen: Object.isFrozen(ctx.log) && Object.isFrozen(ctx.log.names),
          names: ctx.log.names(),
        });
        // Control: the first check's view is another object, with the first check's commands.
        seen.push({ same: first === ctx.log, frozen: true, names: first!.names() });
      },
    );
    const report = await run(SOURCE, probe);
    expect(report.checks.map((c) => c.passed)).toEqual([true, true]);
    expect(seen).toEqual([
      { same: true, frozen: true, names: ['set', 'expire', 'set', 'expire'] },
      { same: false, frozen: true, names: ['set', 'expire'] },
    ]);
  });
});
