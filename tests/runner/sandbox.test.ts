import { describe, expect, test } from 'vitest';
import { runLesson } from '../../src/runner/run-lesson.ts';
import { oneCheck, run } from './harness.ts';

/** Runs `probe()` from the learner's module and hands its (copied) result to `assert`. */
async function probe(source: string, assert: (value: unknown) => void) {
  let seen: unknown;
  const report = await run(
    source,
    oneCheck(async ({ learner }) => {
      seen = await learner.probe();
    }),
  );
  expect(report.error).toBeUndefined();
  expect(report.checks[0].message).toBeUndefined();
  assert(seen);
  return report;
}

describe('the learner sandbox', () => {
  test('hides host, network, storage and messaging globals', async () => {
    const names = [
      'fetch',
      'XMLHttpRequest',
      'WebSocket',
      'EventSource',
      'postMessage',
      'self',
      'window',
      'document',
      'localStorage',
      'sessionStorage',
      'indexedDB',
      'caches',
      'BroadcastChannel',
      'navigator',
      'importScripts',
      'Worker',
      'SharedWorker',
      'process',
      'Buffer',
      'global',
      'parentPort',
      'setImmediate',
      'performance',
      'structuredClone',
      'WebAssembly',
      'URL',
      'AbortController',
      'MessageChannel',
      'Atomics',
      'SharedArrayBuffer',
    ];
    await probe(
      `export function probe() { return ${JSON.stringify(names)}.map((n) => [n, typeof (globalThis as any)[n]]); }`,
      (value) => {
        for (const [name, type] of value as [string, string][])
          expect(`${name}: ${type}`).toBe(`${name}: undefined`);
      },
    );
  });

  test('offers only the documented globals besides the intrinsics', async () => {
    await probe(
      'export function probe() { return [Object.keys(globalThis).sort(), typeof setTimeout, typeof queueMicrotask]; }',
      (value) => {
        // Date and Math replace intrinsics of the same name, so they are not enumerable. The
        // timers are parameters of each module evaluation (one per check), not globals.
        expect(value).toEqual([['console'], 'function', 'function']);
      },
    );
  });

  test('rejects the Function constructor, direct eval and dynamic import', async () => {
    await probe(
      `export function probe() {
        const results: string[] = [];
        for (const attempt of [
          () => (function () {}).constructor('return globalThis.process')(),
          () => (async function () {}).constructor('return 1'),
        ]) {
          try { results.push('ran: ' + String(attempt())); } catch (e) { results.push('blocked'); }
        }
        // Indirect eval is allowed, but it evaluates in the same confined global scope.
        results.push(String((0, eval)('typeof process + typeof fetch')));
        return results;
      }`,
      (value) => expect(value).toEqual(['blocked', 'blocked', 'undefinedundefined']),
    );
    const dynamic = await run(
      'export async function probe() { return import("node:fs"); }',
      oneCheck(async ({ learner }) => {
        await learner.probe();
      }),
    );
    expect(dynamic.checks[0].passed).toBe(false);
    expect(dynamic.checks[0].message).toContain('Cannot import "node:fs"');
    const direct = await run(
      'const a = 1;\nexport function probe() { return eval("a"); }',
      oneCheck(() => {}),
    );
    expect(direct.error).toMatchObject({ kind: 'compile', line: 2 });
    expect(direct.error?.message).toMatch(/eval/);
  });

  test('freezes built-ins and prototypes, so patching them throws', async () => {
    await probe(
      `export function probe() {
        const attempts: Record<string, () => void> = {
          objectPrototype: () => { (Object.prototype as any).passed = true; },
          getter: () => Object.defineProperty(Object.prototype, 'passed', { get: () => true }),
          arrayIncludes: () => { Array.prototype.includes = () => true; },
          jsonParse: () => { (JSON as any).parse = () => ({}); },
          promiseThen: () => { Promise.prototype.then = function () { return this; } as any; },
          mathRandom: () => { (Math as any).random = () => 4; },
          dateNow: () => { (Date as any).now = () => 0; },
          errorProto: () => { (Error.prototype as any).message = 'x'; },
        };
        return Object.entries(attempts).map(([name, attempt]) => {
          try { attempt(); return name + ': patched'; } catch { return name + ': blocked'; }
        });
      }`,
      (value) => {
        for (const line of value as string[]) expect(line).toMatch(/: blocked$/);
      },
    );
    expect(({} as Record<string, unknown>).passed).toBeUndefined();
  });

  test('gives a Date whose now() and new Date() follow the check clock', async () => {
    let before = 0;
    let after = 0;
    const report = await run(
      'export function now() { return [Date.now(), new Date().getTime(), new Date(0).getTime(), new Date() instanceof Date]; }',
      oneCheck(async ({ learner, clock }) => {
        const [a, b, zero, isDate] = (await learner.now()) as [number, number, number, boolean];
        expect(Math.abs(a - clock.now())).toBeLessThan(50);
        expect(Math.abs(b - a)).toBeLessThan(50);
        expect(zero).toBe(0);
        expect(isDate).toBe(true);
        before = a;
        await clock.advance(60_000);
        after = ((await learner.now()) as number[])[0];
      }),
    );
    expect(report.checks[0].message).toBeUndefined();
    expect(after - before).toBeGreaterThanOrEqual(60_000);
    expect(report.checks[0].clockAdvancedMs).toBe(60_000);
  });

  test('cancels timers when the check that started them ends', async () => {
    let laterKeys: string[] = [];
    const report = await run(
      `export async function start(redis: any) { setTimeout(() => { redis.set('late', '1'); }, 30); setInterval(() => console.log('tick'), 5); }
       export async function wait(ms: number) { await new Promise((r) => setTimeout(r, ms)); }`,
      {
        exports: [],
        checks: [
          {
            name: 'starts timers',
            run: async ({ learner, client }) => void (await learner.start(client)),
          },
          {
            name: 'later check',
            run: async ({ learner, redis }) => {
              await learner.wait(80);
              laterKeys = await redis.keys('*');
            },
          },
        ],
      },
    );
    expect(report.checks.map((c) => c.passed)).toEqual([true, true]);
    expect(laterKeys).toEqual([]);
    expect(report.console).not.toContain('tick');
  });

  test('reports a throwing timer callback in the console instead of crashing', async () => {
    const report = await run(
      `export async function go() { setTimeout(() => { throw new RangeError('late boom'); }, 0); await new Promise((r) => setTimeout(r, 20)); }`,
      oneCheck(async ({ learner }) => void (await learner.go())),
    );
    expect(report.checks[0].passed).toBe(true);
    expect(report.console).toContain(
      'Uncaught error in setTimeout callback: RangeError: late boom',
    );
  });

  test('refuses to start a run that overlaps another in the same realm', async () => {
    const first = run(
      'export async function slow() { await new Promise((r) => setTimeout(r, 30)); }',
      oneCheck(async ({ learner }) => void (await learner.slow())),
    );
    await expect(
      runLesson(
        { lesson: 'x', source: '', suite: oneCheck(() => {}) },
        { backend: undefined as never },
      ),
    ).rejects.toThrow(/already running/);
    expect((await first).passed).toBe(true);
  });
});
