/**
 * Attacks on what learner code can read of the host: bytes from `*Buffer` replies (Node's
 * Buffer and its pool), stacks (host frames, paths, which check is calling) and clocks.
 * Each attack has a control that shows the test would notice the leak.
 */
import RedisMock from 'ioredis-mock';
import { describe, expect, test } from 'vitest';
import { withFidelity } from '../../src/redis/faithful-client.ts';
import { checks, oneCheck, run } from './harness.ts';

/** Runs `probe()` in one check and returns what it returned (or the failure message). */
async function probe(source: string, ...args: unknown[]): Promise<unknown> {
  let seen: unknown;
  const report = await run(
    source,
    oneCheck(async ({ learner, client }) => {
      seen = await learner.probe(client, ...args);
    }),
  );
  if (!report.checks[0]?.passed) return report.error?.message ?? report.checks[0]?.message;
  return seen;
}

const BYTES_PROBE = (expr: string) => `
export async function probe(redis: any) {
  await redis.set('k', 'hello');
  await redis.rpush('l', 'a', 'b');
  await redis.hset('h', 'f', 'v');
  const reply: any = await (${expr});
  const one: any = Array.isArray(reply) ? reply[0] : reply && !(reply instanceof Uint8Array) && typeof reply === 'object' ? Object.values(reply)[0] : reply;
  return {
    plain: Object.getPrototypeOf(one) === Uint8Array.prototype,
    exact: one.buffer.byteLength === one.byteLength && one.byteOffset === 0,
    slow: typeof one.constructor.allocUnsafeSlow,
    poolFree: new Uint8Array(one.buffer).length === one.byteLength,
  };
}`;

describe('binary replies reach learner code as plain Uint8Array copies', () => {
  test.each([
    ['getBuffer', "redis.getBuffer('k')"],
    ['callBuffer GET', "redis.callBuffer('GET', 'k')"],
    ['lrangeBuffer', "redis.lrangeBuffer('l', 0, -1)"],
    ['hgetallBuffer', "redis.hgetallBuffer('h')"],
    ['pipeline getBuffer', "redis.pipeline().getBuffer('k').exec().then((r: any) => r[0][1])"],
    ['multi getBuffer', "redis.multi().getBuffer('k').exec().then((r: any) => r[0][1])"],
    ['callback style', "new Promise((ok) => redis.getBuffer('k', (_e: any, v: any) => ok(v)))"],
  ])('%s: no Buffer, no pool, no allocUnsafeSlow', async (_name, expr) => {
    const seen = (await probe(BYTES_PROBE(expr))) as Record<string, unknown>;
    expect(seen).toEqual({ plain: true, exact: true, slow: 'undefined', poolFree: true });
  });

  test('control: the faithful client outside the sandbox does return a pooled Node Buffer', async () => {
    const client = withFidelity(new RedisMock({ host: 'h4-control-buffer' }));
    await client.set('k', 'hello');
    const reply = (await client.getBuffer('k')) as Buffer;
    expect(Buffer.isBuffer(reply)).toBe(true);
    expect(typeof (reply.constructor as { allocUnsafeSlow?: unknown }).allocUnsafeSlow).toBe(
      'function',
    );
    // A small Buffer is a view on an 8 KB pool: exactly what learner code must never get.
    expect(reply.buffer.byteLength).toBeGreaterThan(reply.byteLength);
  });

  test('a learner Uint8Array argument is copied: changing it later does not change the log or the store', async () => {
    let logged: string[] = [];
    let stored: unknown;
    await run(
      `export async function probe(redis: any) {
        const bytes = new Uint8Array([97, 98, 99]);
        const p = redis.pipeline().set('k', bytes);
        bytes[0] = 120;
        await p.exec();
      }`,
      oneCheck(async ({ learner, client, log, redis }) => {
        await learner.probe(client);
        logged = log.only('set')[0].args;
        stored = await redis.get('k');
      }),
    );
    expect(logged).toEqual(['k', 'abc']);
    expect(stored).toBe('abc');
  });
});

const HOST_TEXT = /checks|run-lesson|learner-proxy|node_modules|\/work|\/src\/|file:|node:|vitest/;

describe('stacks learner code can read show only learner.ts frames', () => {
  test.each([
    ['new Error()', 'new Error("x").stack'],
    [
      'a Redis error',
      "(await redis.hgetall('s').catch((e: any) => e)).stack + (await redis.set('s', 'v'), await redis.hgetall('s').catch((e: any) => e)).stack",
    ],
    [
      'a TypeError from the runtime',
      '(() => { try { (null as any).x; } catch (e: any) { return e.stack; } })()',
    ],
    [
      'a facade misuse',
      "(() => { try { (redis.get as any).call({}, 'k'); } catch (e: any) { return e.stack; } })()",
    ],
    [
      'an async stack',
      '(await (async function inner() { await null; return new Error("later"); })()).stack',
    ],
    [
      'console.trace-like capture',
      '(() => { const o: any = {}; (Error as any).captureStackTrace?.(o); return String(o.stack); })()',
    ],
  ])('%s', async (_name, expr) => {
    const stack = String(
      await probe(`export async function probe(redis: any) { return ${expr}; }`),
    );
    expect(stack).not.toMatch(HOST_TEXT);
    for (const line of stack.split('\n').filter((l) => l.trim().startsWith('at ')))
      expect(line).toMatch(/learner\.ts:\d+:\d+\)?$/);
  });

  test('control: a host error made in the same realm, outside learner code, has no frames either', () => {
    const stack = String(new Error('host').stack);
    expect(stack).toBe('Error: host');
  });

  test('Error.prepareStackTrace set by learner code gets no call sites of the host', async () => {
    const seen = await probe(`export function probe() {
      try { (Error as any).prepareStackTrace = (_e: any, sites: any[]) => sites.map((s) => String(s.getFileName?.())).join('|'); } catch {}
      return String(new Error('x').stack);
    }`);
    expect(String(seen)).not.toMatch(HOST_TEXT);
  });

  test('a wrong deleteUser that behaves only when a check is calling cannot tell: it fails', async () => {
    const sneaky = `export async function deleteUser(redis: any, id: string) {
      const calledByCheck = /checks|lessons|run-lesson/.test(String(new Error().stack));
      if (calledByCheck) await redis.del('user:' + id);
    }`;
    const honest = `export async function deleteUser(redis: any, id: string) { await redis.del('user:' + id); }`;
    const suite = oneCheck(async ({ learner, client, redis, expect: chai }) => {
      await redis.set('user:1', 'x');
      await learner.deleteUser(client, '1');
      chai(await redis.exists('user:1')).to.equal(0);
    });
    // Without check frames the trick never fires, so the wrong code does not delete: it fails.
    expect((await run(sneaky, suite)).passed).toBe(false);
    expect((await run(honest, suite)).passed).toBe(true);
  });

  test('learner line numbers still reach the report (host-side mapping from learner frames)', async () => {
    const report = await run(
      '\n\nexport function f() {\n  throw new Error("here");\n}\n',
      oneCheck(async ({ learner }) => void (await learner.f())),
    );
    expect(report.checks[0]).toMatchObject({ passed: false, line: 4, column: 9 });
  });
});

describe('one clock: every way to read time follows the fake clock', () => {
  const YEAR = 365 * 24 * 3600 * 1000;
  const readers = {
    'Date.now()': 'Date.now()',
    'new Date()': 'new Date().getTime()',
    'Date()': 'Date.parse(Date())',
    'Object.getPrototypeOf(Date).now()': '(Object.getPrototypeOf(Date) as any).now()',
    'new (Object.getPrototypeOf(Date))()': 'new (Object.getPrototypeOf(Date) as any)().getTime()',
    'Object.getPrototypeOf(Date)()': 'Date.parse((Object.getPrototypeOf(Date) as any)())',
    'Date.prototype.constructor.now()': '(Date.prototype.constructor as any).now()',
    'new Date.prototype.constructor()': 'new (Date.prototype.constructor as any)().getTime()',
    'new (new Date(0).constructor)()': 'new ((new Date(0)).constructor as any)().getTime()',
    'Reflect.construct(Date, [])': 'Reflect.construct(Date, []).getTime()',
    'performance.now()': '(globalThis as any).performance.now()',
  };
  test.each(Object.entries(readers))('%s', async (_name, expr) => {
    let seen: unknown;
    let fake = 0;
    const report = await run(
      `export function probe() { try { return ${expr}; } catch (e: any) { return 'threw'; } }`,
      oneCheck(async ({ learner, clock }) => {
        await clock.advance(10 * YEAR);
        fake = clock.now();
        seen = await learner.probe();
      }),
    );
    expect(report.checks[0].passed).toBe(true);
    // Either the fake time (to the second: Date() has no milliseconds) or refused: never real time.
    if (seen !== 'threw') expect(Math.abs((seen as number) - fake)).toBeLessThan(2000);
    const realNow = performance.timeOrigin + performance.now();
    expect(Math.abs(Number(seen) - realNow)).not.toBeLessThan(2000);
  });

  test('control: real time is years away from the fake time the checks moved', () => {
    const realNow = performance.timeOrigin + performance.now();
    expect(Date.now() - realNow).toBeGreaterThan(YEAR);
  });

  test('timer ids start again in every check, so they cannot count checks', async () => {
    const ids: unknown[] = [];
    await run(
      `export function probe() { const id = setTimeout(() => {}, 1000); clearTimeout(id); return id; }`,
      checks(
        async ({ learner }) => void ids.push(await learner.probe()),
        async ({ learner }) => void ids.push(await learner.probe()),
        async ({ learner }) => {
          ids.push(await learner.probe());
          // Control: inside one check the id does move on.
          ids.push(await learner.probe());
        },
      ),
    );
    expect(ids).toEqual([1, 1, 1, 2]);
  });
});
