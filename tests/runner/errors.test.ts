import { describe, expect, test } from 'vitest';
import { transpileLearner, mapPosition } from '../../src/runner/transpile.ts';
import { oneCheck, run } from './harness.ts';

const callF = oneCheck(async ({ learner }) => void (await learner.f()));

describe(transpileLearner, () => {
  test('keeps every line where it was', () => {
    const source =
      "import type { Redis } from 'ioredis';\n\ninterface A { x: number }\nexport function f(a: A): number {\n  return a.x;\n}\n";
    const result = transpileLearner(source);
    if (!result.ok) throw new Error('expected to compile');
    const lines = result.code.split('\n');
    expect(lines[3]).toContain('function f(a)');
    expect(lines[4]).toContain('return a.x;');
  });

  test('reports a syntax error with its line and column, without checks', async () => {
    const report = await run('export function f() {\n  const x = ;\n}\n', callF);
    expect(report.error).toMatchObject({ kind: 'compile', line: 2, column: 13 });
    expect(report.checks).toEqual([]);
    expect(report.passed).toBe(false);
  });

  test('maps columns on line 1 only when the shift is known', () => {
    expect(mapPosition(3, 7, 40)).toEqual({ line: 3, column: 7 });
    expect(mapPosition(1, 47, 40)).toEqual({ line: 1, column: 7 });
    expect(mapPosition(1, 5, null)).toEqual({ line: 1 });
  });
});

describe('runtime errors', () => {
  test('point at the learner line and column that threw', async () => {
    const report = await run(
      '// first line\nexport function f() {\n  const user: any = null;\n  return user.name;\n}\n',
      callF,
    );
    expect(report.checks[0]).toMatchObject({ passed: false, line: 4, column: 15 });
    expect(report.checks[0].message).toBe(
      "f threw: TypeError: Cannot read properties of null (reading 'name') (line 4)",
    );
  });

  test('on line 1 keep the exact column when sucrase left the line alone', async () => {
    const report = await run(
      'const broken = () => { throw new Error("one") };\nexport function f() { broken(); }\n',
      callF,
    );
    expect(report.checks[0]).toMatchObject({ line: 1, column: 30 });
  });

  test('type errors never block a run', async () => {
    const report = await run(
      "export function f(): number {\n  const n: number = 'not a number' as any as string as any;\n  const s: string = 5 as unknown as string;\n  return n + s;\n}\n",
      callF,
    );
    expect(report.error).toBeUndefined();
    expect(report.checks[0].passed).toBe(true);
  });

  test('a module that throws while loading is a load error with its line', async () => {
    const report = await run(
      'export function f() {}\n\nthrow new RangeError("bad start");\n',
      callF,
    );
    expect(report.error).toEqual({
      kind: 'load',
      message: 'Your code threw while loading: RangeError: bad start',
      line: 3,
      column: 7,
    });
    expect(report.checks).toEqual([]);
  });

  test('importing anything but ioredis is a load error naming the module', async () => {
    const report = await run(
      "import Redis from 'ioredis';\nimport fs from 'node:fs';\nexport function f() { return fs.readFileSync('/etc/passwd'); }\n",
      callF,
    );
    expect(report.error?.kind).toBe('load');
    expect(report.error?.message).toContain('Cannot import "node:fs"');
    expect(report.error?.line).toBe(2);
  });

  test.each([
    ['throw 42', '42'],
    ["throw 'plain string'", 'plain string'],
    ['throw null', 'null'],
    ['throw undefined', 'undefined'],
    ["throw Symbol('sym')", 'Symbol(sym)'],
    ['throw { code: 7 }', '{ code: 7 }'],
    ["throw { get message() { throw new Error('gotcha'); } }", '{ message: [Getter] }'],
    [
      'throw new Proxy({}, { get() { throw 1; }, ownKeys() { throw 2; }, getPrototypeOf() { throw 3; }, getOwnPropertyDescriptor() { throw 4; } })',
      'an unreadable value',
    ],
    ['throw Object.create(null)', '[Object: null prototype] {}'],
    [
      "const e = new Error('own'); Object.defineProperty(e, 'message', { get() { throw 1; } }); throw e",
      // The stack is made without running the getter, so the line is still known.
      'Error (line 1)',
    ],
  ])(
    'a hostile throw (%s) fails the check without crashing the runner',
    async (statement, shown) => {
      const report = await run(`export function f() { ${statement}; }`, callF);
      expect(report.error).toBeUndefined();
      expect(report.checks[0].passed).toBe(false);
      expect(report.checks[0].message).toBe(`f threw: ${shown}`);
    },
  );

  test('a rejected promise reads like a throw', async () => {
    const report = await run(
      "export async function f() {\n  await null;\n  throw new Error('later');\n}\n",
      callF,
    );
    expect(report.checks[0].message).toBe('f threw: later (line 3)');
  });
});
