/* eslint-disable @typescript-eslint/no-explicit-any -- probes reach into what hardening made */
/**
 * What the runner shares for speed holds nothing a check or a run could use as a channel: the
 * client facade's prototype (one per realm, not one class per check), the realm's compartment
 * and its global console (one per realm, not one per run), and the compiled module function
 * (reused while the code is unchanged). Each attack has a control that behaves differently.
 */
import { describe, expect, test } from 'vitest';
import { checkResultSchema } from '../../src/runner/protocol.ts';
import { clampCheckResult } from '../../src/runner/boundary-caps.ts';
import { hardenFresh, hardenShape } from '../../src/runner/harden-fresh.ts';
import type { CheckResult } from '../../src/runner/report.ts';
import { checks, oneCheck, run } from './harness.ts';

/**
 * Learner code that, in its first call, makes a client and tries to leave it on `place`; in
 * later calls it reports whether a client is waiting there ('refused' when the write threw).
 */
function stashing(place: string): string {
  return `import Redis from 'ioredis';
    const KEY = '__stash';
    let stashedHere = false;
    export async function stash() {
      const client = new Redis();
      const target: any = ${place};
      try {
        Object.defineProperty(target, KEY, { value: client, configurable: true });
      } catch {
        return 'refused';
      }
      stashedHere = true;
      return 'stashed';
    }
    export async function find() {
      const client = new Redis();
      const target: any = ${place};
      const found = target[KEY];
      if (!found) return 'nothing';
      try {
        await found.set('from-the-stash', '1');
        return stashedHere ? 'own' : 'wrote';
      } catch (error) {
        return 'closed';
      }
    }`;
}

const SHARED_PLACES: [string, string][] = [
  ['the prototype every client shares', 'Object.getPrototypeOf(client)'],
  ['Redis.prototype', 'Redis.prototype'],
  ['the client class', 'client.constructor'],
  ['a facade method', 'client.get'],
  ['a pipeline', 'Object.getPrototypeOf(client.pipeline())'],
  ['the ioredis module', "require('ioredis')"],
  ['ReplyError', "require('ioredis').ReplyError.prototype"],
  ["the run's console", 'console'],
  ['console.log', 'console.log'],
  ['the global console', 'globalThis.console'],
  ['the global console.log', 'globalThis.console.log'],
  ['the global object', 'globalThis'],
];

describe('the shared client prototype and module parts carry no client into a later check', () => {
  test.each(SHARED_PLACES)(
    '%s refuses the stash, and a later check finds nothing',
    async (_n, place) => {
      const seen: unknown[] = [];
      const report = await run(
        stashing(place),
        checks(
          async ({ learner }) => void seen.push(await learner.stash()),
          async ({ learner }) => void seen.push(await learner.find()),
        ),
      );
      expect(report.error).toBeUndefined();
      expect(seen).toEqual(['refused', 'nothing']);
    },
  );

  test('control: an object the module makes itself takes the stash, and finds it in the same check', async () => {
    const seen: unknown[] = [];
    await run(
      stashing('holder').replace(
        "const KEY = '__stash';",
        "const KEY = '__stash'; const holder = {};",
      ),
      oneCheck(async ({ learner }) => void seen.push(await learner.stash(), await learner.find())),
    );
    expect(seen).toEqual(['stashed', 'own']);
  });

  test('every evaluation has its own Redis, yet clients of all of them are instances of each', async () => {
    const seen: unknown[] = [];
    const source = `import Redis from 'ioredis';
      export function own() { return same(new Redis()); }
      export function same(a: unknown) { return [a instanceof Redis, Redis === (a as any).constructor]; }`;
    await run(
      source,
      oneCheck(async ({ learner, client }) => {
        seen.push(await learner.own(), await learner.same(client));
      }),
    );
    // instanceof holds across evaluations; the class a client reports is the shared one, never
    // the per-evaluation constructor that is bound to one check.
    expect(seen).toEqual([
      [true, false],
      [true, false],
    ]);
  });

  test("a learner's subclass of Redis works, and its prototype is hardened with the client", async () => {
    const seen: unknown[] = [];
    await run(
      `import Redis from 'ioredis';
       class Cache extends Redis { hello() { return 'hi'; } }
       export async function go() {
         const cache = new Cache();
         await cache.set('k', 'v');
         let frozen = false;
         try { (Cache.prototype as any).x = 1; } catch { frozen = true; }
         return [cache.hello(), await cache.get('k'), cache instanceof Redis, frozen];
       }`,
      oneCheck(async ({ learner }) => void seen.push(await learner.go())),
    );
    expect(seen).toEqual([['hi', 'v', true, true]]);
  });

  test('calling Redis without new is a TypeError, as with the class', async () => {
    const seen: unknown[] = [];
    await run(
      `import Redis from 'ioredis';
       export function go() { try { (Redis as any)(); return 'made'; } catch (e) { return (e as Error).name; } }`,
      oneCheck(async ({ learner }) => void seen.push(await learner.go())),
    );
    expect(seen).toEqual(['TypeError']);
  });
});

describe('the compartment and the compiled module are reused across runs, and carry nothing', () => {
  const counting = 'let n = 0; export function count() { return ++n; }';

  test('module state starts afresh in every run of the same code', async () => {
    const seen: unknown[] = [];
    const suite = oneCheck(async ({ learner }) => void seen.push(await learner.count()));
    await run(counting, suite);
    await run(counting, suite);
    expect(seen).toEqual([1, 1]);
  });

  test('control: within one check the same module counts on', async () => {
    const seen: unknown[] = [];
    await run(
      counting,
      oneCheck(async ({ learner }) => void seen.push(await learner.count(), await learner.count())),
    );
    expect(seen).toEqual([1, 2]);
  });

  test('changed code is compiled again, not served from the last run', async () => {
    const seen: unknown[] = [];
    const suite = oneCheck(async ({ learner }) => void seen.push(await learner.count()));
    await run(counting, suite);
    await run('export function count() { return 41 + 1; }', suite);
    await run(counting, suite);
    expect(seen).toEqual([1, 42, 1]);
  });

  test("console output goes to the run that wrote it, never into the next run's report", async () => {
    const first = await run(
      "export function say() { console.log('first run'); globalThis.console.log('via global'); }",
      oneCheck(async ({ learner }) => void (await learner.say())),
    );
    const second = await run(
      "export function say() { console.log('second run'); }",
      oneCheck(async ({ learner }) => void (await learner.say())),
    );
    expect(first.console).toBe('first run\nvia global\n');
    expect(second.console).toBe('second run\n');
  });

  test('a console kept from an earlier run writes into no later report', async () => {
    // The global console is one object for the realm; a reference kept by the module function
    // (which is reused for unchanged code) must still only reach the run in progress.
    const source = `export function say(tag: string) { console.count(tag); }`;
    const a = await run(
      source,
      oneCheck(async ({ learner }) => void (await learner.say('x'))),
    );
    const b = await run(
      source,
      oneCheck(async ({ learner }) => void (await learner.say('x'))),
    );
    // console.count state lives in each run's capture: both runs count from 1.
    expect(a.console).toBe('x: 1\n');
    expect(b.console).toBe('x: 1\n');
  });

  test("`console` is the run's own, not the realm's shared global console", async () => {
    // Code of an earlier run that still ran during a later one would write through its own
    // `console` binding into its own run's output, because every evaluation gets the console
    // of its run as a parameter (transpile.ts), like its timers. Control: the global console
    // is one object for the realm, the same in both runs.
    const source =
      'export function probe() { return [console === globalThis.console, globalThis.console]; }';
    const seen: unknown[] = [];
    const suite = oneCheck(async ({ learner }) => {
      const [same] = (await learner.probe()) as [boolean];
      seen.push(same);
    });
    await run(source, suite);
    expect(seen).toEqual([false]);
  });

  test('control: within one run console.count counts on', async () => {
    const report = await run(
      `export function say(tag: string) { console.count(tag); }`,
      oneCheck(async ({ learner }) => {
        await learner.say('x');
        await learner.say('x');
      }),
    );
    expect(report.console).toBe('x: 1\nx: 2\n');
  });
});

describe(hardenFresh, () => {
  test('freezes a record of fresh functions and the record itself', () => {
    const record = hardenFresh({ a: () => 1, b: async () => 2, c: { m() {} }.m, n: 3 });
    expect(Object.isFrozen(record)).toBe(true);
    for (const fn of [record.a, record.b, record.c]) expect(Object.isFrozen(fn)).toBe(true);
  });

  test.each([
    ['a function with a prototype', () => ({ f: function f() {} }), (o: any) => o.f.prototype],
    ['a nested object', () => ({ inner: { x: 1 } }), (o: any) => o.inner],
    [
      'an accessor',
      () => Object.defineProperty({}, 'g', { get: function g() {}, enumerable: true }),
      (o: object) => Object.getOwnPropertyDescriptor(o, 'g')!.get!.prototype,
    ],
    [
      'an instance of an unregistered class',
      () => new (class Local {})(),
      (o: object) => Object.getPrototypeOf(o),
    ],
    [
      'a function with a property of its own',
      () => {
        const f = () => 1;
        (f as any).state = { x: 1 };
        return { f };
      },
      (o: any) => o.f.state,
    ],
  ])('%s goes to harden: what it reaches is frozen too', (_name, make, reach) => {
    expect(Object.isFrozen(reach(hardenFresh(make())))).toBe(true);
  });

  test.each([
    ['a function with a prototype', () => ({ f: function f() {} }), (o: any) => o.f.prototype],
    ['a nested object', () => ({ inner: { x: 1 } }), (o: any) => o.inner],
  ])('control: Object.freeze alone leaves what %s reaches mutable', (_name, make, reach) => {
    expect(Object.isFrozen(reach(Object.freeze(make())))).toBe(false);
  });

  test('an instance of a registered shape is frozen without walking the shape again', () => {
    class Shape {
      hello() {
        return 'hi';
      }
    }
    hardenShape(Shape);
    expect(Object.isFrozen(Shape.prototype)).toBe(true);
    const instance = hardenFresh(new Shape());
    expect(Object.isFrozen(instance)).toBe(true);
    expect(instance.hello()).toBe('hi');
  });
});

describe('a clamped check result always meets the boundary schema (so the core does not parse it)', () => {
  const base: CheckResult = { name: 'check', passed: true, durationMs: 1 };
  const long = (n: number) => 'x'.repeat(n);
  const hostile: [string, CheckResult][] = [
    ['a NaN duration', { ...base, durationMs: Number.NaN }],
    ['an infinite clock advance', { ...base, clockAdvancedMs: Infinity }],
    ['line 0', { ...base, passed: false, message: 'm', line: 0 }],
    ['a fractional column', { ...base, passed: false, message: 'm', line: 2, column: 1.5 }],
    ['a huge message', { ...base, passed: false, message: long(100_000) }],
    ['a huge name', { ...base, name: long(100_000) }],
    [
      'too many trace entries with too many, too long arguments',
      {
        ...base,
        trace: Array.from({ length: 500 }, () => ({
          command: long(5000),
          args: Array.from({ length: 100 }, () => long(2000)),
          reply: long(5000),
          atMs: Number.NaN,
        })),
      },
    ],
    [
      'too many, too long keys',
      {
        ...base,
        keyspace: Array.from({ length: 1000 }, (_, i) => ({
          key: long(1000) + i,
          type: 'string',
          preview: long(1000),
          ttlMs: Number.NaN,
        })),
      },
    ],
    ['a negative traceOmitted', { ...base, traceOmitted: -3 }],
  ];

  test.each(hostile)('%s', (_name, result) => {
    expect(checkResultSchema.safeParse(clampCheckResult(result)).success).toBe(true);
  });

  test.each(hostile)('control: %s fails the schema unclamped', (_name, result) => {
    expect(checkResultSchema.safeParse(result).success).toBe(false);
  });
});

describe('keyspace previews quote only the start of a long string, with the same result', () => {
  const preview = (value: string) => {
    const full = JSON.stringify(value);
    return full.length > 80 ? `${full.slice(0, 79)}…` : full;
  };

  test.each([
    ['plain text', 'x'.repeat(5000)],
    ['quotes and newlines near the cut', `${'a'.repeat(70)}"\n\\"\n${'b'.repeat(100)}`],
    ['an emoji split by the cut', `${'c'.repeat(79)}😀${'d'.repeat(10)}`],
    ['control: a short value shown whole', 'short "one"'],
  ])('%s', async (_name, value) => {
    const report = await run(
      'export {}',
      oneCheck(async ({ redis }) => void (await redis.set('k', value))),
    );
    expect(report.checks[0].keyspace).toEqual([
      { key: 'k', type: 'string', preview: preview(value), ttlMs: null },
    ]);
  });
});
