import { existsSync, rmSync } from 'node:fs';
import RedisMock from 'ioredis-mock';
import { describe, expect, test } from 'vitest';
import { ageKeysOnServer } from '../../src/runner/clock.ts';
import type { RawRedis } from '../../src/runner/sandbox-redis.ts';
import { checks, oneCheck, run } from './harness.ts';

describe('ctx.learner', () => {
  test('names a missing export and a non-function export in plain words', async () => {
    const report = await run(
      'export const loadUser = 5;',
      checks(
        async ({ learner }) => void (await learner.saveUser()),
        async ({ learner }) => void (await learner.loadUser()),
      ),
    );
    expect(report.checks[0].message).toBe(
      'Your code does not export a function named saveUser. Add `export async function saveUser(...)`.',
    );
    expect(report.checks[1].message).toBe(
      'Your code exports loadUser, but it is a number, not a function.',
    );
  });

  test('reports a call that never settles after the soft timeout, as a failed check, not a hang', async () => {
    const started = performance.now();
    const report = await run(
      'export function saveUser() { return new Promise(() => {}); }\nexport function ok() { return 1; }',
      checks(
        async ({ learner }) => void (await learner.saveUser()),
        async ({ learner, expect: chai }) => void chai(await learner.ok()).to.equal(1),
      ),
      { checkTimeoutMs: 150 },
    );
    expect(report.checks[0].message).toBe(
      'saveUser did not finish within 150 ms — is a promise never settled?',
    );
    expect(report.checks[1].passed).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('ends a call that keeps awaiting Redis at the soft timeout, though no timer can fire', async () => {
    // The SCAN mistake: the cursor is a string, so it never equals 0. Every reply settles at
    // once, so the loop never lets a task run; it is bounded here so that, without the check
    // before each command, the run still ends (late, and blaming a promise) instead of hanging.
    const report = await run(
      `import Redis from 'ioredis';
      export async function scanAll(redis: Redis) {
        let cursor = '0';
        let rounds = 0;
        do {
          const [next] = await redis.scan(cursor);
          cursor = next;
        } while (cursor !== (0 as unknown) && ++rounds < 300_000);
      }
      export function ok() { return 1; }`,
      checks(
        async ({ learner, client }) => void (await learner.scanAll(client)),
        async ({ learner, expect: chai }) => void chai(await learner.ok()).to.equal(1),
      ),
      { checkTimeoutMs: 150 },
    );
    expect(report.checks[0].message).toBe(
      'scanAll did not finish within 150 ms — it was still sending Redis commands: is there a loop that never ends?',
    );
    // The check is over, its client closed: the loop's next command threw, and it stopped.
    expect(report.checks[1].passed).toBe(true);
    expect(report.error).toBeUndefined();
  });

  test('a loop cut off at its limit cannot write into the next check, even catching every error', async () => {
    const report = await run(
      `import Redis from 'ioredis';
      export async function spin(redis: Redis) {
        for (let i = 0; i < 300_000; i++) {
          try {
            await redis.set('leak', String(i));
          } catch {
            return; // the closed client of an earlier check: nothing more to write with
          }
        }
      }
      export async function peek(redis: Redis) { return redis.get('leak'); }`,
      checks(
        async ({ learner, client }) => void (await learner.spin(client)),
        async ({ learner, client, expect: chai }) =>
          void chai(await learner.peek(client)).to.equal(null),
      ),
      { checkTimeoutMs: 150 },
    );
    expect(report.checks[0].message).toMatch(/^spin did not finish within 150 ms — it was still/);
    expect(report.checks[1]).toMatchObject({ passed: true });
  });

  test('passes copies of arguments, so learner code cannot rewrite what the check expects', async () => {
    const report = await run(
      'export function mutate(user: any) { user.name = "hacked"; user.list.push(1); return user; }',
      oneCheck(async ({ learner, expect: chai }) => {
        const user = { name: 'Ada', list: [] as number[] };
        const returned = await learner.mutate(user);
        chai(user).to.deep.equal({ name: 'Ada', list: [] });
        chai(returned).to.deep.equal({ name: 'hacked', list: [1] });
      }),
    );
    expect(report.checks[0].message).toBeUndefined();
  });

  test('returns plain copies that later learner code cannot change', async () => {
    const report = await run(
      `let kept: any;
       export function give() { kept = { n: 1 }; return kept; }
       export function change() { kept.n = 2; }`,
      oneCheck(async ({ learner, expect: chai }) => {
        const got = (await learner.give()) as { n: number };
        await learner.change();
        chai(got.n).to.equal(1);
      }),
    );
    expect(report.checks[0].passed).toBe(true);
  });

  test('a result with a throwing getter or proxy trap fails readably', async () => {
    const report = await run(
      `export function getter() { return { get id() { throw new Error('no'); } }; }
       export function proxy() { return new Proxy({}, { ownKeys() { throw 1; } }); }`,
      checks(
        async ({ learner }) => void (await learner.getter()),
        async ({ learner }) => void (await learner.proxy()),
      ),
    );
    expect(report.checks[0].message).toBe(
      'getter returned a value the checks cannot read: reading it threw an error',
    );
    expect(report.checks[1].message).toBe(
      'proxy returned a value the checks cannot read: reading it threw an error',
    );
  });

  test('a learner thenable or promise with its own then cannot forge a result', async () => {
    const report = await run(
      `export function thenable() { return { then(ok: any) { ok({ forged: true }); ok({ forged: false }); } }; }
       export function patched() { const p = Promise.resolve(1); Object.defineProperty(p, 'then', { value: () => { throw new Error('hijack'); } }); return p; }`,
      checks(
        async ({ learner, expect: chai }) =>
          void chai(await learner.thenable()).to.deep.equal({ forged: true }),
        async ({ learner, expect: chai }) => void chai(await learner.patched()).to.equal(1),
      ),
    );
    expect(report.checks.map((c) => c.message)).toEqual([
      undefined,
      'patched threw: hijack (line 2)',
    ]);
  });
});

describe('ctx.client and ctx.log', () => {
  test('records every command, including MULTI and pipelines, with wire-format arguments', async () => {
    let names: string[] = [];
    let hset: string[][] = [];
    const report = await run(
      `export async function go(redis: any) {
        await redis.hset('h', { a: 1, b: 'two' });
        await redis.multi().set('k', 'v').expire('k', 10).exec();
        await redis.pipeline().incr('n').get('n').exec();
        await redis.mset(['x', '1', 'y', '2']);
      }`,
      oneCheck(async ({ learner, client, log }) => {
        await learner.go(client);
        names = log.names();
        hset = log.only('HSET').map((c) => c.args);
      }),
    );
    expect(report.checks[0].passed).toBe(true);
    expect(names).toEqual(['hset', 'multi', 'set', 'expire', 'exec', 'incr', 'get', 'mset']);
    expect(hset).toEqual([['h', 'a', '1', 'b', 'two']]);
    const trace = report.checks[0].trace!;
    expect(trace.map((t) => `${t.command} ${t.args.join(' ')} -> ${t.reply}`)).toEqual([
      'HSET h a 1 b two -> (integer) 2',
      'MULTI  -> OK',
      'SET k v -> OK',
      'EXPIRE k 10 -> (integer) 1',
      'EXEC  -> 1) OK\n2) (integer) 1',
      'INCR n -> (integer) 1',
      'GET n -> "1"',
      'MSET x 1 y 2 -> OK',
    ]);
    expect(trace.every((t, i) => i === 0 || t.atMs >= trace[i - 1].atMs)).toBe(true);
  });

  test('caps the trace and counts what it left out', async () => {
    const report = await run(
      'export async function go(redis: any) { for (let i = 0; i < 250; i++) await redis.incr("n"); }',
      oneCheck(async ({ learner, client, log, expect: chai }) => {
        await learner.go(client);
        chai(log.names()).to.have.length(250);
      }),
    );
    expect(report.checks[0].trace).toHaveLength(200);
    expect(report.checks[0].traceOmitted).toBe(50);
  });

  test('the client is frozen: learner code cannot patch it to fake replies', async () => {
    const report = await run(
      `export async function tamper(redis: any) {
        const out: string[] = [];
        for (const [name, attempt] of Object.entries({
          own: () => { redis.get = async () => 'fake'; },
          proto: () => { Object.getPrototypeOf(redis).get = async () => 'fake'; },
          define: () => Object.defineProperty(redis, 'get', { value: async () => 'fake' }),
          raw: () => (redis as any).data.keys(),
          ctor: () => { (redis.constructor as any).prototype.get = async () => 'fake'; },
        })) {
          try { attempt(); out.push(name + ': changed'); } catch { out.push(name + ': blocked'); }
        }
        return out;
      }`,
      oneCheck(async ({ learner, client, redis, expect: chai }) => {
        const out = (await learner.tamper(client)) as string[];
        chai(out).to.deep.equal([
          'own: blocked',
          'proto: blocked',
          'define: blocked',
          'raw: blocked',
          'ctor: blocked',
        ]);
        await redis.set('k', 'real');
        chai(await client.get('k')).to.equal('real');
      }),
    );
    expect(report.checks[0].message).toBeUndefined();
  });
});

describe('stores', () => {
  test("every check gets a fresh, empty store, and the learner's own new Redis() uses it", async () => {
    const seen: string[][] = [];
    const report = await run(
      `import Redis from 'ioredis';
       import { Redis as Named } from 'ioredis';
       import * as all from 'ioredis';
       const moduleClient = new Redis({ host: 'elsewhere', port: 1234 });
       export async function write(tag: string) {
         await moduleClient.set('module:' + tag, '1');
         await new Named().set('named:' + tag, '1');
         await new all.default().set('star:' + tag, '1');
       }`,
      checks(
        async ({ learner, redis }) => {
          await learner.write('a');
          seen.push((await redis.keys('*')).sort());
        },
        async ({ learner, redis }) => {
          seen.push(await redis.keys('*'));
          await learner.write('b');
          seen.push((await redis.keys('*')).sort());
        },
      ),
    );
    expect(report.checks.map((c) => c.message)).toEqual([undefined, undefined]);
    expect(seen).toEqual([
      ['module:a', 'named:a', 'star:a'],
      [],
      ['module:b', 'named:b', 'star:b'],
    ]);
  });

  test('a client kept from an earlier check is not there: every check loads the module afresh', async () => {
    const report = await run(
      `let saved: any;
       export function keep(redis: any) { saved = redis; }
       export async function reuse() { return saved.get('k'); }`,
      checks(
        async ({ learner, client }) => void (await learner.keep(client)),
        async ({ learner }) => void (await learner.reuse()),
      ),
    );
    expect(report.checks[1].message).toBe(
      "reuse threw: TypeError: Cannot read properties of undefined (reading 'get') (line 3)",
    );
  });

  test('Redis commands while the module loads are refused with a clear message', async () => {
    const report = await run(
      "import Redis from 'ioredis';\nnew Redis().set('x', '1');\nexport function f() {}",
      oneCheck(() => {}),
    );
    expect(report.error?.kind).toBe('load');
    expect(report.error?.message).toContain('Redis commands can only run inside your functions');
  });

  test('reports the keyspace left behind, with types and TTLs', async () => {
    const report = await run(
      `export async function fill(redis: any) {
        await redis.set('s', 'text', 'EX', 100);
        await redis.hset('h', 'f', 'v');
        await redis.rpush('l', 'a', 'b');
        await redis.sadd('set', 'm');
        await redis.zadd('z', 2, 'two', 1, 'one');
      }`,
      oneCheck(async ({ learner, client }) => void (await learner.fill(client))),
    );
    const keyspace = report.checks[0].keyspace!;
    expect(keyspace.map(({ key, type, preview }) => `${key} ${type} ${preview}`)).toEqual([
      'h hash {"f": "v"}',
      'l list ["a", "b"]',
      's string "text"',
      'set set {"m"}',
      'z zset ["one": 1, "two": 2]',
    ]);
    expect(keyspace.find((k) => k.key === 's')!.ttlMs).toBeGreaterThan(99_000);
    expect(keyspace.find((k) => k.key === 'h')!.ttlMs).toBeNull();
  });
});

describe('ctx.clock', () => {
  test('advance ages TTLs in the store and the learner-visible clock', async () => {
    const report = await run(
      'export async function read(redis: any) { return [await redis.get("k"), await redis.pttl("k")]; }',
      oneCheck(async ({ learner, client, redis, clock, expect: chai }) => {
        await redis.set('k', 'v', 'PX', 10_000);
        await clock.advance(4_000);
        const [value, pttl] = (await learner.read(client)) as [string, number];
        chai(value).to.equal('v');
        chai(pttl).to.be.within(5_900, 6_000);
        await clock.advance(6_000);
        chai(await learner.read(client)).to.deep.equal([null, -2]);
      }),
    );
    expect(report.checks[0].message).toBeUndefined();
    expect(report.checks[0].clockAdvancedMs).toBe(10_000);
  });

  test('rejects going backwards', async () => {
    const report = await run(
      '',
      oneCheck(async ({ clock }) => clock.advance(-1)),
    );
    expect(report.checks[0].message).toMatch(/non-negative/);
  });

  test('on a real server, ages keys with PEXPIRE and deletes expired ones', async () => {
    const server = new RedisMock({ host: 'age-keys-test' });
    await server.set('short', '1', 'PX', 1_000);
    await server.set('long', '1', 'PX', 10_000);
    await server.set('forever', '1');
    await ageKeysOnServer(server as unknown as RawRedis, 3_000);
    expect(await server.exists('short')).toBe(0);
    expect(await server.pttl('long')).toBeGreaterThan(6_900);
    expect(await server.pttl('long')).toBeLessThanOrEqual(7_000);
    expect(await server.ttl('forever')).toBe(-1);
  });
});

describe('ctx.fakeDb', () => {
  test('records calls and writes, serves canned responses as fresh copies, and simulates latency', async () => {
    const posts = [{ id: 1 }];
    let calls = 0;
    let writes = 0;
    let row: unknown;
    const report = await run(
      `export async function use(db: any) {
        const a = await db.fetchPopularPosts();
        a.push({ id: 666 });
        const b = await db.fetchPopularPosts();
        await db.set('k', { v: 1 });
        const before = Date.now();
        await db.get('k');
        return [a.length, b.length, Date.now() - before >= 50];
      }`,
      oneCheck(async ({ learner, fakeDb, expect: chai }) => {
        const db = fakeDb({ methods: { fetchPopularPosts: { returns: posts } }, latencyMs: 50 });
        chai(await learner.use(db.api)).to.deep.equal([2, 1, true]);
        calls = db.callsTo('fetchPopularPosts').length;
        writes = db.writes.length;
        row = db.rows.get('k');
      }),
    );
    expect(report.checks[0].message).toBeUndefined();
    expect(posts).toEqual([{ id: 1 }]);
    expect([calls, writes, row]).toEqual([2, 1, { v: 1 }]);
  });
});

describe('Lua scripts', () => {
  const marker = '/tmp/cachelab-lua-escape-marker';

  test('run with redis.call but without os, io, package, load or the JS bridge', async () => {
    rmSync(marker, { force: true });
    const report = await run(
      `export async function lua(redis: any) {
        const out: unknown[] = [];
        await redis.set('k', 'v');
        out.push(await redis.eval("return redis.call('get', KEYS[1])", 1, 'k'));
        // Reading a missing global is an error in Redis 7's Lua, so each name is read under pcall.
        // (\`load\` is Lua's own, kept by the VM for text chunks in the script's environment.)
        out.push(await redis.eval("local t = {} for _, n in ipairs({'os', 'io', 'package', 'js', 'require', 'debug', 'dofile', 'loadfile'}) do local ok, v = pcall(function() return _G[n] end) t[#t + 1] = ok and type(v) or 'nil' end return table.concat(t)", 0));
        for (const script of [
          "os.execute('touch ${marker}')",
          "_G.os.execute('touch ${marker}')",
          "return js.global",
          "return redis.call('eval', \\"os.execute('touch ${marker}')\\", 0)",
          "return getmetatable('').__index.rep('x', 3)",
        ]) {
          try { out.push(await redis.eval(script, 0)); } catch (e: any) { out.push('error'); }
        }
        return out;
      }`,
      oneCheck(async ({ learner, client, expect: chai }) => {
        chai(await learner.lua(client)).to.deep.equal([
          'v',
          'nilnilnilnilnilnilnilnil',
          'error',
          'error',
          'error',
          'error',
          'xxx',
        ]);
      }),
    );
    expect(report.checks[0].message).toBeUndefined();
    expect(existsSync(marker)).toBe(false);
  });

  test('defineCommand is refused with a pointer to eval', async () => {
    const report = await run(
      "export function f(redis: any) { redis.defineCommand('x', { numberOfKeys: 0, lua: 'return 1' }); }",
      oneCheck(async ({ learner, client }) => void (await learner.f(client))),
    );
    expect(report.checks[0].message).toMatch(/defineCommand is not available.*redis\.eval/);
  });
});
