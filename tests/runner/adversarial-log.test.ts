/**
 * Attacks on the command log and the trace: values that change between reads, internal pipeline
 * methods, queued control commands, floods past the log's cap, oversized entries. Each attack
 * has a control that shows the check would catch the honest version of the same code.
 */
import { describe, expect, test } from 'vitest';
import { LOG_LIMIT } from '../../src/runner/command-recorder.ts';
import { BOUNDARY_LIMITS } from '../../src/runner/limits.ts';
import { runReportSchema } from '../../src/runner/protocol.ts';
import { checks, oneCheck, run, type AnyContext } from './harness.ts';

/** The lesson-3 style check: the learner's code must never send KEYS. */
const neverKeys = oneCheck(async ({ learner, client, redis, log, expect: chai }) => {
  await redis.set('user:1', 'a');
  await learner.count(client);
  chai(log.names(), 'commands sent').not.to.include('keys');
});

describe('arguments are stringified once: the log, the trace and the store see the same value', () => {
  const liar = (initial: string, later: string) =>
    `{ n: 0, toString() { return this.n++ === 0 ? '${initial}' : '${later}'; } }`;
  test.each([
    ['a command', `await redis.set('k', ${liar('shown', 'stored')})`],
    ['a key', `await redis.set(${liar('k', 'other')}, 'v')`],
    ['call()', `await redis.call('SET', 'k', ${liar('shown', 'stored')})`],
    ['a pipeline', `await redis.pipeline().set('k', ${liar('shown', 'stored')}).exec()`],
    ['a transaction', `await redis.multi().set('k', ${liar('shown', 'stored')}).exec()`],
    ['a queued array', `await redis.multi([['set', 'k', ${liar('shown', 'stored')}]]).exec()`],
    ['an HSET object', `await redis.hset('h', { f: ${liar('shown', 'stored')} })`],
  ])('%s with a lying toString', async (_name, statement) => {
    let logged: string[] = [];
    let keys: string[] = [];
    const report = await run(
      `export async function go(redis: any) { ${statement}; }`,
      oneCheck(async ({ learner, client, log, redis }) => {
        await learner.go(client);
        logged = log.all().flatMap((c) => (c.name === 'multi' || c.name === 'exec' ? [] : c.args));
        keys = await redis.keys('*');
      }),
    );
    const traced = report.checks[0].trace!.filter((t) => !['MULTI', 'EXEC'].includes(t.command));
    expect(report.checks[0].passed).toBe(true);
    // The value the store holds is the one the log and the trace show.
    const values = report.checks[0].keyspace!.map((k) => `${k.key}=${k.preview}`).join(' ');
    expect(traced.flatMap((t) => t.args)).toEqual(logged);
    for (const text of logged) expect(`${keys.join(' ')} ${values}`).toContain(text);
    expect(values).not.toContain('stored');
    expect(keys).not.toContain('other');
  });

  test('control: a plain value is logged and stored as it is', async () => {
    let logged: string[] = [];
    await run(
      `export async function go(redis: any) { await redis.set('k', 'plain'); }`,
      oneCheck(async ({ learner, client, log }) => {
        await learner.go(client);
        logged = log.only('set')[0].args;
      }),
    );
    expect(logged).toEqual(['k', 'plain']);
  });
});

describe('pipelines expose commands only, never internal methods', () => {
  const keysVia = {
    'pipeline.add': `await (redis.pipeline() as any).add('keys', ['*'], false).exec()`,
    'multi.add': `await (redis.multi() as any).add('keys', ['*'], false).exec()`,
    'a queued ["add", ...]': `await redis.pipeline([['add', 'keys', ['*'], false]]).exec()`,
    'a queued ["_buildBatchContext"]': `await redis.pipeline([['_buildBatchContext']]).exec()`,
    'a queued ["constructor"]': `await redis.pipeline([['constructor', 'keys']]).exec()`,
    'a queued ["runBatch"]': `await redis.multi([['runBatch', [['keys', '*']], false]]).exec()`,
    'pipeline.call("add")': `await redis.pipeline().call('add', 'keys', '*').exec()`,
    'a name whose toLowerCase lies': `await redis.pipeline([[{ toLowerCase: () => 'add', toString: () => 'add' }, 'keys', '*']]).exec()`,
  };
  test.each(Object.entries(keysVia))('%s cannot run KEYS behind the log', async (_name, trick) => {
    let stored = '';
    const report = await run(
      `export async function count(redis: any) {
        try { ${trick}; } catch {}
        return 1;
      }`,
      oneCheck(async (ctx: AnyContext) => {
        await ctx.redis.set('user:1', 'a');
        await ctx.learner.count(ctx.client);
        stored = ctx.log.names().join(',');
        ctx.expect(ctx.log.names()).not.to.include('keys');
      }),
    );
    // Whatever ran is in the log under its real name; KEYS never ran unlogged.
    expect(report.checks[0].trace!.map((t) => t.command)).not.toContain('KEYS');
    expect(stored).not.toMatch(/(^|,)keys(,|$)/);
  });

  test('control: KEYS sent honestly through a pipeline is caught', async () => {
    const report = await run(
      `export async function count(redis: any) { return (await redis.pipeline().keys('user:*').exec())[0][1].length; }`,
      neverKeys,
    );
    expect(report.checks[0].passed).toBe(false);
    expect(report.checks[0].message).toContain("to not include 'keys'");
  });

  test('internal methods are not even visible on a pipeline', async () => {
    let seen: unknown;
    await run(
      `export function probe(redis: any) { const p: any = redis.pipeline();
        return ['add', 'runBatch', 'queue', '_buildBatchContext', 'sendCommand'].map((m) => typeof p[m]); }`,
      oneCheck(async ({ learner, client }) => void (seen = await learner.probe(client))),
    );
    expect(seen).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  });
});

describe('a queued control command or a throwing name cannot shift replies', () => {
  test.each([
    ['a queued ["exec"]', `redis.multi([['set', 'a', '1'], ['exec'], ['get', 'a']]).exec()`],
    ['a queued ["multi"]', `redis.pipeline([['multi'], ['set', 'a', '1']]).exec()`],
    ['call("EXEC") in a transaction', `redis.multi().set('a', '1').call('EXEC').get('a').exec()`],
    ['a queued ["discard"]', `redis.multi([['set', 'a', '1'], ['discard']]).exec()`],
  ])('%s is refused before anything runs', async (_name, expr) => {
    let error = '';
    const report = await run(
      `export async function go(redis: any) { try { await ${expr}; } catch (e: any) { return String(e.message); } return 'ran'; }`,
      oneCheck(async ({ learner, client }) => void (error = (await learner.go(client)) as string)),
    );
    expect(error).toMatch(/cannot be queued|not a Redis command/);
    expect(report.checks[0].trace).toEqual([]);
    expect(report.checks[0].keyspace).toEqual([]);
  });

  test('a name whose toString throws is refused where it is queued; the replies stay in line', async () => {
    const report = await run(
      `export async function go(redis: any) {
        const p = redis.pipeline().set('a', '1');
        try { p.call({ toString() { throw new Error('no name'); } }, 'x'); } catch {}
        p.get('a').incr('n');
        return (await p.exec()).map((r: any) => r[1]);
      }`,
      oneCheck(async ({ learner, client, expect: chai }) => {
        chai(await learner.go(client)).to.deep.equal(['OK', '1', 1]);
      }),
    );
    expect(report.checks[0].passed).toBe(true);
    expect(report.checks[0].trace!.map((t) => `${t.command} ${t.reply}`)).toEqual([
      'SET OK',
      'GET "1"',
      'INCR (integer) 1',
    ]);
  });

  test('every trace entry carries its own reply, in a transaction too', async () => {
    const report = await run(
      `export async function go(redis: any) {
        await redis.multi().set('a', '1').incr('a').get('a').exec();
      }`,
      oneCheck(async ({ learner, client }) => void (await learner.go(client))),
    );
    expect(report.checks[0].trace!.map((t) => `${t.command} ${t.reply}`)).toEqual([
      'MULTI OK',
      'SET OK',
      'INCR (integer) 2',
      'GET "2"',
      'EXEC 1) OK\n2) (integer) 2\n3) "2"',
    ]);
  });
});

describe('the log fails closed past its cap', () => {
  test.each([
    ['PING', `for (let i = 0; i < ${LOG_LIMIT}; i++) await redis.ping();`],
    [
      'a pipeline of PINGs',
      `const p = redis.pipeline(); for (let i = 0; i < ${LOG_LIMIT}; i++) p.ping(); await p.exec();`,
    ],
    ['EXISTS on other keys', `for (let i = 0; i < ${LOG_LIMIT}; i++) await redis.exists('x' + i);`],
  ])(
    '20,000 commands (%s), then KEYS: the check fails with "too many commands"',
    async (_n, flood) => {
      const report = await run(
        `export async function count(redis: any) { ${flood} return (await redis.keys('user:*')).length; }`,
        neverKeys,
        { checkTimeoutMs: 20_000 },
      );
      expect(report.checks[0].passed).toBe(false);
      expect(report.checks[0].message).toMatch(/too many Redis commands \(20,00\d/);
      expect(report.checks[0].message).toContain('cannot judge');
    },
    60_000,
  );

  test('control: a few PINGs, then KEYS, is caught as KEYS', async () => {
    const report = await run(
      `export async function count(redis: any) { for (let i = 0; i < 10; i++) await redis.ping(); return (await redis.keys('user:*')).length; }`,
      neverKeys,
    );
    expect(report.checks[0].passed).toBe(false);
    expect(report.checks[0].message).toContain("to not include 'keys'");
  });

  test('control: correct code under the cap passes', async () => {
    const report = await run(
      `export async function count(redis: any) { for (let i = 0; i < 10; i++) await redis.ping(); return 1; }`,
      neverKeys,
    );
    expect(report.checks[0].passed).toBe(true);
  });
});

describe('trace entries are capped at the source', () => {
  test('one command with many long arguments stays within the boundary caps', async () => {
    const report = await run(
      `export async function go(redis: any) {
        const big = 'x'.repeat(100_000);
        await redis.rpush('l', ...Array.from({ length: 100 }, () => big));
        await redis.lrange('l', 0, -1);
      }`,
      oneCheck(async ({ learner, client }) => void (await learner.go(client))),
    );
    const [push, range] = report.checks[0].trace!;
    expect(push.args.length).toBeLessThanOrEqual(BOUNDARY_LIMITS.traceArgs);
    expect(push.args.at(-1)).toMatch(/more arguments/);
    for (const arg of push.args)
      expect(arg.length).toBeLessThanOrEqual(BOUNDARY_LIMITS.traceArgChars);
    expect(range.reply.length).toBeLessThanOrEqual(BOUNDARY_LIMITS.traceArgChars);
    expect(() => runReportSchema.parse(report)).not.toThrow();
  });

  test('the run-wide trace budget leaves later entries out and counts them', async () => {
    const report = await run(
      `export async function go(redis: any) {
        const big = 'y'.repeat(2000);
        for (let i = 0; i < 150; i++) await redis.set('k' + i, big);
      }`,
      checks(
        ...Array.from({ length: 3 }, () => async ({ learner, client }: AnyContext) => {
          await learner.go(client);
        }),
      ),
    );
    const chars = report.checks
      .flatMap((c) => c.trace!)
      .reduce((n, t) => n + t.args.join('').length + t.reply.length, 0);
    expect(chars).toBeLessThanOrEqual(
      BOUNDARY_LIMITS.traceRunChars + 2 * BOUNDARY_LIMITS.traceArgChars * BOUNDARY_LIMITS.traceArgs,
    );
    expect(report.checks[2].traceOmitted).toBeGreaterThan(0);
  });
});

describe('commands run inside Lua are logged and traced like any other', () => {
  const viaLua = {
    EVAL: `await redis.eval("return #redis.call('KEYS', 'user:*')", 0)`,
    'redis.pcall': `await redis.eval("return #redis.pcall('keys', 'user:*')", 0)`,
    'call("EVAL")': `await redis.call('EVAL', "return #redis.call('KEYS', 'user:*')", '0')`,
    EVALSHA: `const sha = await redis.script('LOAD', "return #redis.call('KEYS', 'user:*')"); await redis.evalsha(sha, 0)`,
    'EVAL in a pipeline': `await redis.pipeline().eval("return #redis.call('KEYS', 'user:*')", 0).exec()`,
    'EVAL in a transaction': `await redis.multi().eval("return #redis.call('KEYS', 'user:*')", 0).exec()`,
    'a name built at run time': `await redis.eval("return #redis.call(string.upper('k') .. 'eys', 'user:*')", 0)`,
    FCALL: `await redis.function('LOAD', "#!lua name=lib\\nredis.register_function('n', function() return #redis.call('KEYS', 'user:*') end)"); await redis.fcall('n', 0)`,
    FCALL_RO: `await redis.function('LOAD', "#!lua name=lib\\nredis.register_function{function_name='n', callback=function() return #redis.pcall('keys', 'user:*') end, flags={'no-writes'}}"); await redis.fcall_ro('n', 0)`,
    'FCALL in a transaction': `await redis.function('LOAD', "#!lua name=lib\\nredis.register_function('n', function() return #redis.call('KEYS', 'user:*') end)"); await redis.multi().fcall('n', 0).exec()`,
  };
  test.each(Object.entries(viaLua))('KEYS inside %s is caught', async (_name, statement) => {
    const report = await run(
      `export async function count(redis: any) { ${statement}; return 1; }`,
      neverKeys,
    );
    expect(report.checks[0].passed).toBe(false);
    expect(report.checks[0].message).toContain("to not include 'keys'");
    expect(report.checks[0].trace!.map((t) => t.command)).toContain('KEYS');
  });

  test('control: a script that only reads with GET passes, and its GET is in the trace', async () => {
    const report = await run(
      `export async function count(redis: any) { return redis.eval("return redis.call('GET', KEYS[1])", 1, 'user:1'); }`,
      neverKeys,
    );
    expect(report.checks[0].passed).toBe(true);
    expect(report.checks[0].trace!.map((t) => `${t.command} ${t.reply}`)).toEqual([
      'EVAL "a"',
      'GET "a"',
    ]);
  });

  test('a script loaded in one check is gone in the next', async () => {
    const replies: unknown[] = [];
    await run(
      `export async function load(redis: any) { return redis.script('LOAD', 'return 1'); }
       export async function call(redis: any, sha: string) { try { return await redis.evalsha(sha, 0); } catch (e: any) { return e.message; } }`,
      checks(
        async ({ learner, client }) => {
          const sha = await learner.load(client);
          replies.push(sha, await learner.call(client, sha));
        },
        async ({ learner, client }) => void replies.push(await learner.call(client, replies[0])),
      ),
    );
    expect(replies[1]).toBe(1);
    expect(String(replies[2])).toMatch(/^NOSCRIPT/);
  });

  test('a function library loaded in one check is gone in the next, with its locals', async () => {
    const replies: unknown[] = [];
    await run(
      `export async function load(redis: any) { return redis.function('LOAD', "#!lua name=lib\\nlocal n = 0\\nredis.register_function('bump', function() n = n + 1 return n end)"); }
       export async function call(redis: any) { try { return await redis.fcall('bump', 0); } catch (e: any) { return e.message; } }`,
      checks(
        async ({ learner, client }) => {
          replies.push(
            await learner.load(client),
            await learner.call(client),
            await learner.call(client),
          );
        },
        async ({ learner, client }) => {
          replies.push(
            await learner.call(client),
            await learner.load(client),
            await learner.call(client),
          );
        },
      ),
    );
    // Within a check the library keeps its local (as on Redis); the next check starts empty.
    expect(replies).toEqual(['lib', 1, 2, 'ERR Function not found', 'lib', 1]);
  });
});
