/**
 * Attacks on time and state: work that outlives its check, module state that counts checks,
 * handles kept from earlier checks, a timed-out check that keeps moving the clock, and races
 * that a module-level JS lock would hide. Each has a control that behaves differently.
 */
import { describe, expect, test } from 'vitest';
import { defineChecks } from '../../src/runner/checks-api.ts';
import { runReportSchema } from '../../src/runner/protocol.ts';
import { checks, oneCheck, run, type AnyContext } from './harness.ts';

describe('module state never carries over: every check loads the module afresh', () => {
  const counting = `let calls = 0;
    export async function answer() { calls++; return calls; }`;

  test('module-level call counting cannot tell which check is running', async () => {
    const seen: unknown[] = [];
    const report = await run(
      counting,
      checks(
        async ({ learner }) => void seen.push(await learner.answer()),
        async ({ learner }) => void seen.push(await learner.answer()),
        async ({ learner }) => void seen.push(await learner.answer()),
      ),
    );
    expect(report.checks.every((c) => c.passed)).toBe(true);
    expect(seen).toEqual([1, 1, 1]);
  });

  test('control: inside one check the count does move on', async () => {
    const seen: unknown[] = [];
    await run(
      counting,
      oneCheck(async ({ learner }) => {
        seen.push(await learner.answer(), await learner.answer());
      }),
    );
    expect(seen).toEqual([1, 2]);
  });

  test('a wrong solution that is only right in the check it expects fails that check', async () => {
    // Right only on its third call of the run, i.e. in the third check, if state carried over.
    const sneaky = `let n = 0; export async function double(x: number) { n++; return n >= 3 ? x * 2 : x; }`;
    const suite = checks(
      async ({ learner, expect: chai }) => void chai(await learner.double(1)).to.be.a('number'),
      async ({ learner, expect: chai }) => void chai(await learner.double(2)).to.be.a('number'),
      async ({ learner, expect: chai }) => void chai(await learner.double(3)).to.equal(6),
    );
    const report = await run(sneaky, suite);
    expect(report.checks[2].passed).toBe(false);
    expect(
      (await run('export async function double(x: number) { return x * 2; }', suite)).passed,
    ).toBe(true);
  });
});

describe('handles from earlier checks are dead, and their use fails the check', () => {
  /** A wrong cache-aside: it reads the database every time, through a handle the current check cannot count. */
  const cacheAside = (keep: boolean) => `
    let kept: any;
    export async function getUser(redis: any, db: any, id: string) {
      ${keep ? 'kept ??= db;' : 'kept = db;'}
      const cached = await redis.get('user:' + id);
      if (cached) return JSON.parse(cached);
      const row = await kept.get('user:' + id);
      await redis.set('user:' + id, JSON.stringify(row));
      return row;
    }
    export async function getUserUncached(redis: any, db: any, id: string) { return (${keep ? 'kept ?? db' : 'db'}).get('user:' + id); }`;
  const servedFromCache = checks(
    async ({ learner, client, fakeDb }) => {
      const db = fakeDb({ rows: { 'user:1': { id: 1 } } });
      await learner.getUser(client, db.api, '1');
    },
    async ({ learner, client, fakeDb, expect: chai }) => {
      const db = fakeDb({ rows: { 'user:1': { id: 1 } } });
      chai(await learner.getUserUncached(client, db.api, '1')).to.deep.equal({ id: 1 });
      chai(db.callsTo('get'), 'database reads').to.have.length(1);
    },
  );

  test('a fake-DB handle kept from an earlier check is not there to use', async () => {
    const report = await run(cacheAside(true), servedFromCache);
    expect(report.checks.map((c) => c.passed)).toEqual([true, true]);
  });

  test('a handle used after its check ended throws and fails the check running then', async () => {
    // The learner starts work that outlives check 1 (the check does not await it) and touches
    // check 1's fake database, client and timers while check 2 runs.
    const source = `
      export function start(redis: any, db: any) {
        (async () => {
          for (let i = 0; i < 200; i++) await null;
          const outcomes: string[] = [];
          for (const attempt of [() => db.get('x'), () => redis.set('leak', '1')]) {
            try { await attempt(); outcomes.push('worked'); } catch (e: any) { outcomes.push(String(e.message)); }
          }
          try { setTimeout(() => {}, 0); outcomes.push('timer worked'); } catch (e: any) { outcomes.push(String(e.message)); }
          (globalThis as any).outcomes = outcomes;
        })();
      }
      export async function idle() { for (let i = 0; i < 400; i++) await null; }`;
    let dbCalls = -1;
    let leak: unknown = 'unset';
    const report = await run(
      source,
      checks(
        async ({ learner, client, fakeDb }) => {
          const db = fakeDb();
          await learner.start(client, db.api);
          dbCalls = db.calls.length;
        },
        async ({ learner, redis }) => {
          await learner.idle();
          leak = await redis.get('leak');
        },
      ),
    );
    expect(dbCalls).toBe(0);
    expect(leak).toBeNull();
    expect(report.checks[1].passed).toBe(false);
    expect(report.checks[1].message).toMatch(/from an earlier check/);
  });

  test('control: the same work awaited inside its own check uses live handles', async () => {
    let calls = 0;
    const report = await run(
      `export async function go(redis: any, db: any) { for (let i = 0; i < 200; i++) await null; await db.get('x'); await redis.set('k', '1'); setTimeout(() => {}, 0); }`,
      oneCheck(async ({ learner, client, fakeDb }) => {
        const db = fakeDb();
        await learner.go(client, db.api);
        calls = db.calls.length;
      }),
    );
    expect(report.checks[0].passed).toBe(true);
    expect(calls).toBe(1);
  });
});

describe('nothing scheduled by a check runs in a later one', () => {
  const laterWrite = (how: string) => `
    export function arm(redis: any) {
      ${how}
    }
    export async function idle() { for (let i = 0; i < 300; i++) await null; await new Promise((ok) => setTimeout(ok, 30)); }`;
  test.each([
    ['setTimeout', `setTimeout(() => redis.set('leak', '1'), 5);`],
    ['setInterval', `setInterval(() => redis.set('leak', '1'), 5);`],
    [
      'a microtask that sets a timer during the post-check await',
      `Promise.resolve().then(async () => { for (let i = 0; i < 50; i++) await null; setTimeout(() => redis.set('leak', '1'), 0); });`,
    ],
    [
      'queueMicrotask chains',
      `const loop = (n: number) => queueMicrotask(() => { if (n > 0) loop(n - 1); else setTimeout(() => redis.set('leak', '1'), 0); }); loop(100);`,
    ],
    ['a module-level Redis client', `void redis;`],
  ])('%s', async (_name, how) => {
    let leak: unknown = 'unset';
    const report = await run(
      laterWrite(how),
      checks(
        async ({ learner, client }) => void (await learner.arm(client)),
        async ({ learner, redis }) => {
          await learner.idle();
          leak = await redis.get('leak');
        },
      ),
    );
    expect(leak).toBeNull();
    expect(report.checks[1].keyspace).toEqual([]);
  });

  test('control: a timer awaited inside its own check does write', async () => {
    let value: unknown;
    await run(
      `export async function arm(redis: any) { await new Promise((ok) => setTimeout(() => ok(redis.set('leak', '1')), 5)); }`,
      oneCheck(async ({ learner, client, redis }) => {
        await learner.arm(client);
        value = await redis.get('leak');
      }),
    );
    expect(value).toBe('1');
  });
});

describe('a check that times out ends everything it started', () => {
  test('its later clock.advance and commands do nothing to the next check', async () => {
    const deltas: number[] = [];
    let advanceError = '';
    let leak: unknown = 'unset';
    const suite = checks(
      async ({ learner, clock, redis }) => {
        await learner.hang().catch(() => {});
        // The check itself is abandoned at 5 × 60 ms; this runs on afterwards.
        await new Promise((ok) => setTimeout(ok, 400));
        await clock.advance(3_600_000).catch((e: Error) => (advanceError = e.message));
        await redis.set('leak', '1').catch(() => {});
      },
      async ({ learner, redis }) => {
        const before = (await learner.now()) as number;
        // Check 1's leftover code wakes up (at 400 ms) while this check waits.
        await new Promise((ok) => setTimeout(ok, 250));
        deltas.push(((await learner.now()) as number) - before);
        leak = await redis.get('leak');
      },
    );
    const report = await run(
      'export function hang() { return new Promise(() => {}); }\nexport function now() { return Date.now(); }',
      suite,
      { checkTimeoutMs: 60 },
    );
    expect(report.checks[0].passed).toBe(false);
    expect(report.checks[0].message).toMatch(/did not finish/);
    expect(advanceError).toMatch(/earlier check/);
    expect(deltas[0]).toBeLessThan(3_600_000);
    expect(leak).toBeNull();
    expect(report.checks[1].passed).toBe(true);
  });

  test('control: inside a check that is still running, advance moves the learner clock', async () => {
    let delta = 0;
    await run(
      'export function now() { return Date.now(); }',
      oneCheck(async ({ learner, clock }) => {
        const before = (await learner.now()) as number;
        await clock.advance(3_600_000);
        delta = ((await learner.now()) as number) - before;
      }),
    );
    expect(delta).toBeGreaterThanOrEqual(3_600_000);
  });
});

describe('ctx.newServer(): races between two app servers that share only Redis', () => {
  const mutexed = `
    let lock: Promise<void> = Promise.resolve();
    export async function hit(redis: any, key: string) {
      const previous = lock;
      let release!: () => void;
      lock = new Promise((ok) => (release = ok));
      await previous;
      try {
        const n = Number((await redis.get(key)) ?? 0);
        await redis.set(key, String(n + 1));
        return n + 1;
      } finally { release(); }
    }`;
  const atomic = `export async function hit(redis: any, key: string) { return redis.incr(key); }`;
  const twoServers = oneCheck(async ({ learner, newServer, client, redis, expect: chai }) => {
    const other = newServer();
    await Promise.all([learner.hit(client, 'hits'), other.hit(client, 'hits')]);
    chai(await redis.get('hits'), 'hits after two concurrent requests').to.equal('2');
  });
  const oneRealm = oneCheck(async ({ learner, client, redis, expect: chai }) => {
    await Promise.all([learner.hit(client, 'hits'), learner.hit(client, 'hits')]);
    chai(await redis.get('hits')).to.equal('2');
  });

  test('a module-level JS mutex around GET-then-SET fails when two servers race', async () => {
    const report = await run(mutexed, twoServers);
    expect(report.checks[0].passed).toBe(false);
    expect(report.checks[0].message).toContain("expected '1' to equal '2'");
  });

  test('control: in a single module instance the mutex hides the race', async () => {
    expect((await run(mutexed, oneRealm)).passed).toBe(true);
  });

  test('control: an atomic INCR passes with two servers', async () => {
    expect((await run(atomic, twoServers)).passed).toBe(true);
  });

  test('each server has its own module state but the same store and log', async () => {
    let seen: unknown[] = [];
    let names: string[] = [];
    await run(
      `let n = 0; export async function bump(redis: any) { n++; await redis.incr('shared'); return n; }`,
      oneCheck(async ({ learner, newServer, client, log }) => {
        const b = newServer();
        seen = [await learner.bump(client), await b.bump(client), await learner.bump(client)];
        names = log.names();
      }),
    );
    expect(seen).toEqual([1, 1, 2]);
    expect(names).toEqual(['incr', 'incr', 'incr']);
  });

  test('a server from an earlier check is dead', async () => {
    let kept: AnyContext['learner'] | undefined;
    const report = await run(
      'export function f() { return 1; }',
      checks(
        ({ newServer }) => void (kept = newServer()),
        async () => void (await kept!.f()),
      ),
    );
    expect(report.checks[1].passed).toBe(false);
    expect(report.checks[1].message).toMatch(/earlier check/);
  });
});

describe('values are clamped where they are produced: one bad value marks one check', () => {
  test.each([
    [
      'SET PXAT at the largest 64-bit time',
      `await redis.set('k', 'v', 'PXAT', '9223372036854775807');`,
    ],
    [
      'PEXPIREAT far away',
      `await redis.set('k', 'v'); await redis.pexpireat('k', '9223372036854775806');`,
    ],
    ['a huge EXPIRE', `await redis.set('k', 'v'); await redis.expire('k', '922337203685477');`],
  ])('%s: the report stays valid', async (_name, statement) => {
    const report = await run(
      `export async function go(redis: any) { ${statement} return 1; }`,
      checks(
        async ({ learner, client }) => void (await learner.go(client)),
        async ({ learner, client }) => void (await learner.go(client)),
      ),
    );
    expect(() => runReportSchema.parse(report)).not.toThrow();
    expect(report.checks.map((c) => c.passed)).toEqual([true, true]);
  });

  test.each([
    ['{ stack: "learner.ts:0:0" }', '{ stack: "learner.ts:0:0" }'],
    ['{ stack: "learner.ts:-4:NaN" }', '{ stack: "learner.ts:99999999999999999999:1" }'],
    [
      'an Error whose stack line is 0',
      'Object.defineProperty(new Error("x"), "stack", { value: "at f (learner.ts:0:0)" })',
    ],
  ])('a thrown %s fails only its own check', async (_name, thrown) => {
    const report = await run(
      `export function bad() { throw ${thrown}; }\nexport function good() { return 1; }`,
      checks(
        async ({ learner }) => void (await learner.bad()),
        async ({ learner }) => void (await learner.good()),
      ),
    );
    expect(() => runReportSchema.parse(report)).not.toThrow();
    expect(report.checks.map((c) => c.passed)).toEqual([false, true]);
    expect(report.checks[0].line).toBeUndefined();
  });

  test('control: a thrown object with a real learner position keeps its line', async () => {
    const report = await run(
      'export function bad() { throw { stack: "at bad (learner.ts:3:4)" }; }',
      oneCheck(async ({ learner }) => void (await learner.bad())),
    );
    expect(report.checks[0]).toMatchObject({ passed: false, line: 3, column: 4 });
  });
});

describe('runs say what is running', () => {
  test('onCheckStart names each check before it runs, onCall each learner call', async () => {
    const events: string[] = [];
    await run(
      'export function save(user: unknown) { return 1; }',
      defineChecks<Record<string, (...args: unknown[]) => unknown>>({
        exports: [],
        checks: [
          { name: 'first', run: async ({ learner }) => void (await learner.save({ id: 1 })) },
          { name: 'second', run: async ({ learner }) => void (await learner.save('x', [1, 2])) },
        ],
      }),
      {
        onCheckStart: (index, name) => events.push(`start ${index} ${name}`),
        onCall: (call) => events.push(`call ${call}`),
      },
    );
    expect(events).toEqual([
      'start 0 first',
      'call save({ id: 1 })',
      'start 1 second',
      "call save('x', [ 1, 2 ])",
    ]);
  });
});

describe('failures read as a field-level diff', () => {
  test('the differing field is shown, with 0 as 0 and nothing truncated', async () => {
    const report = await run(
      `export function load() { return { id: 7, profile: { name: 'Ada', visits: 0, tags: ['a', 'b'] }, extra: 'x'.repeat(50) }; }`,
      oneCheck(async ({ learner, expect: chai }) => {
        chai(await learner.load()).to.deep.equal({
          id: 7,
          profile: { name: 'Ada', visits: 1, tags: ['a', 'b'] },
          extra: 'x'.repeat(50),
        });
      }),
    );
    const message = report.checks[0].message!;
    expect(message).toContain('at profile.visits: expected 1, received 0');
    expect(message).not.toContain('+0');
    expect(message).not.toMatch(/…\(\d+\)/);
    expect(message.split('\n')).toHaveLength(2);
  });

  test('control: equal values pass', async () => {
    const report = await run(
      `export function load() { return { visits: 0 }; }`,
      oneCheck(async ({ learner, expect: chai }) => {
        chai(await learner.load()).to.deep.equal({ visits: 0 });
      }),
    );
    expect(report.passed).toBe(true);
  });

  test('missing and unexpected fields and array lengths are named', async () => {
    const report = await run(
      `export function load() { return { a: [1, 2, 3], c: true }; }`,
      oneCheck(async ({ learner, expect: chai }) => {
        chai(await learner.load()).to.deep.equal({ a: [1, 2], b: null });
      }),
    );
    expect(report.checks[0].message).toContain('at a.length: expected 2, received 3');
    expect(report.checks[0].message).toContain('at b: expected null, missing');
    expect(report.checks[0].message).toContain('at c: not expected, received true');
  });
});

describe('compile and load errors are one clear sentence, with the line in its own field', () => {
  test.each([
    ['a syntax error', 'export function f() {\n  const x = ;\n}\n', 'compile', 2],
    ['an unclosed brace', 'export function f() {\n', 'compile', undefined],
    ['a load throw', 'export function f() {}\nthrow new Error("boom");\n', 'load', 2],
    [
      'a load throw that repeats our own wording',
      'throw new Error("Your code threw while loading: boom");\n',
      'load',
      1,
    ],
  ])('%s', async (_name, source, kind, line) => {
    const report = await run(
      source,
      oneCheck(() => {}),
    );
    expect(report.error?.kind).toBe(kind);
    if (line) expect(report.error?.line).toBe(line);
    const message = report.error!.message;
    expect(message).not.toMatch(/\(line \d|line \d+:|Error transforming|learner\.ts/);
    expect(message.match(/Your code threw while loading/g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(message).not.toContain('\n');
  });
});

describe('the global object cannot carry state between checks', () => {
  test.each([
    [
      'globalThis.x',
      `(globalThis as any).n = ((globalThis as any).n ?? 0) + 1; return (globalThis as any).n;`,
    ],
    ['an implicit global', `// @ts-ignore\nn = (typeof n === 'number' ? n : 0) + 1; return n;`],
    [
      'a property on console',
      `(console as any).n = ((console as any).n ?? 0) + 1; return (console as any).n;`,
    ],
    ['a property on Date', `(Date as any).n = ((Date as any).n ?? 0) + 1; return (Date as any).n;`],
    ['a property on Math', `(Math as any).n = ((Math as any).n ?? 0) + 1; return (Math as any).n;`],
    [
      'a property on setTimeout',
      `(setTimeout as any).n = ((setTimeout as any).n ?? 0) + 1; return (setTimeout as any).n;`,
    ],
    ['Object.prototype', `(Object.prototype as any).n = 1; return ({} as any).n;`],
  ])('%s is refused or starts afresh', async (_name, body) => {
    const seen: unknown[] = [];
    await run(
      `export function count() { try { ${body} } catch { return 'refused'; } }`,
      checks(
        async ({ learner }) => void seen.push(await learner.count()),
        async ({ learner }) => void seen.push(await learner.count()),
      ),
    );
    expect(seen[1] === 'refused' || seen[1] === seen[0]).toBe(true);
    expect(seen[1]).not.toBe(2);
  });

  test('control: a module-level variable counts within one check', async () => {
    const seen: unknown[] = [];
    await run(
      'let n = 0; export function count() { return ++n; }',
      oneCheck(async ({ learner }) => void seen.push(await learner.count(), await learner.count())),
    );
    expect(seen).toEqual([1, 2]);
  });
});

describe('every client is its own connection, as with ioredis', () => {
  test('WATCH on one client is broken by another client’s write, across app servers too', async () => {
    let results: unknown[] = [];
    await run(
      `import Redis from 'ioredis';
       const redis = new Redis();
       export async function watchThenWrite(key: string, other: boolean) {
         await redis.watch(key);
         if (other) await new Redis().set(key, 'theirs');
         return redis.multi().set(key, 'mine').exec();
       }`,
      oneCheck(async ({ learner }) => {
        results = [
          await learner.watchThenWrite('a', true),
          await learner.watchThenWrite('b', false),
        ];
      }),
    );
    // Control: without the other client's write the transaction runs.
    expect(results).toEqual([null, [[null, 'OK']]]);
  });

  test('SUBSCRIBE on a duplicate leaves the first client free for commands', async () => {
    let seen: unknown;
    await run(
      `export async function go(redis: any, subscribeOnFirst: boolean) {
         const sub = subscribeOnFirst ? redis : redis.duplicate();
         await sub.subscribe('news');
         try { return await redis.set('k', 'v'); } catch (e: any) { return 'refused'; }
       }`,
      oneCheck(async ({ learner, client }) => {
        seen = [await learner.go(client, false), await learner.go(client, true)];
      }),
    );
    expect(seen).toEqual(['OK', 'refused']);
  });

  test('scanStream pages go through the log, and stop when the check is over', async () => {
    let names: string[] = [];
    let keys: unknown;
    await run(
      `export function all(redis: any) {
         return new Promise((ok) => {
           const found: string[] = [];
           const stream = redis.scanStream({ match: 'user:*', count: 2 });
           stream.on('data', (page: string[]) => found.push(...page));
           stream.on('end', () => ok(found.sort()));
         });
       }`,
      oneCheck(async ({ learner, client, redis, log }) => {
        for (const id of [1, 2, 3, 4, 5]) await redis.set(`user:${id}`, 'x');
        await redis.set('other', 'x');
        keys = await learner.all(client);
        names = log.names();
      }),
    );
    expect(keys).toEqual(['user:1', 'user:2', 'user:3', 'user:4', 'user:5']);
    expect(names.length).toBeGreaterThan(1);
    expect(new Set(names)).toEqual(new Set(['scan']));
  });
});

describe('two app servers share no globals', () => {
  test('a mutex kept on globalThis cannot serialise two servers: the write is refused', async () => {
    const source = `export async function hit(redis: any, key: string) {
      const g = globalThis as any;
      g.lock = (g.lock ?? Promise.resolve()).then(async () => {
        const n = Number((await redis.get(key)) ?? 0);
        await redis.set(key, String(n + 1));
      });
      await g.lock;
    }`;
    const report = await run(
      source,
      oneCheck(async ({ learner, newServer, client, redis, expect: chai }) => {
        const other = newServer();
        await Promise.all([learner.hit(client, 'hits'), other.hit(client, 'hits')]);
        chai(await redis.get('hits')).to.equal('2');
      }),
    );
    expect(report.checks[0].passed).toBe(false);
    expect(report.checks[0].message).toMatch(/not extensible|Cannot add property/);
  });

  test('control: the same code with a module-level lock runs (and is judged on Redis alone)', async () => {
    const report = await run(
      `let lock: Promise<void> = Promise.resolve();
       export async function hit(redis: any, key: string) {
         lock = lock.then(async () => { const n = Number((await redis.get(key)) ?? 0); await redis.set(key, String(n + 1)); });
         await lock;
       }`,
      oneCheck(async ({ learner, client, redis, expect: chai }) => {
        await Promise.all([learner.hit(client, 'hits'), learner.hit(client, 'hits')]);
        chai(await redis.get('hits')).to.equal('2');
      }),
    );
    expect(report.checks[0].passed).toBe(true);
  });
});
