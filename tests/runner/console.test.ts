import { inspect as nodeInspect, format as nodeFormat } from 'node:util';
import { describe, expect, test } from 'vitest';
import { createConsoleCapture, TRUNCATED_LINE } from '../../src/runner/console-capture.ts';
import { formatArgs, inspect } from '../../src/runner/inspect.ts';
import { oneCheck, run } from './harness.ts';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

describe(inspect, () => {
  const cases: [string, unknown][] = [
    ['string', 'it\'s "quoted"\n'],
    ['number', -0],
    ['bigint', 10n],
    ['symbol', Symbol('s')],
    ['undefined', undefined],
    ['null', null],
    ['array', [1, 'two', [3, [4, [5, [6]]]]]],
    ['empty array', []],
    ['sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['object', { a: 1, 'b-c': 'x', nested: { deep: { deeper: { deepest: 1 } } } }],
    ['empty object', {}],
    ['class instance', new Point(1, 2)],
    ['null prototype', Object.assign(Object.create(null), { a: 1 })],
    ['map', new Map([['k', 1]])],
    ['set', new Set([1, 'a'])],
    ['date', new Date(0)],
    ['regexp', /a+b/gi],
    ['function', function named() {}],
    ['anonymous arrow', (() => () => {})()],
    ['class', Point],
    ['async function', async function load() {}],
    ['long array', Array.from({ length: 120 }, (_, i) => `a long string, item ${i}`)],
    ['wide object', { first: 'a'.repeat(30), second: 'b'.repeat(30), third: 'c'.repeat(30) }],
    ['symbol key', { [Symbol('k')]: 1 }],
    ['getter', Object.defineProperty({}, 'g', { get: () => 1, enumerable: true })],
    ['typed array', new Uint8Array([1, 2, 3])],
    ['column of numbers', Array.from({ length: 30 }, (_, i) => i * 7)],
    [
      'array of records',
      [
        { id: 1, title: 'Why Redis is fast', score: 980 },
        { id: 2, title: 'Cache invalidation, gently', score: 745 },
      ],
    ],
    [
      'nested wide object',
      {
        user: { id: 42, name: 'Ada Lovelace', email: 'ada@example.com', tags: ['a', 'b'] },
        ok: true,
      },
    ],
    ['deep mixed', { a: [{ b: { c: [1, 2, { d: 'e' }] } }], f: new Map([['g', [1, 2, 3]]]) }],
  ];
  test.each(cases)('formats a %s the way util.inspect does', (_name, value) => {
    expect(inspect(value)).toBe(nodeInspect(value));
  });

  test('marks circular references', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(inspect(a)).toBe("{ name: 'a', self: [Circular] }");
  });

  test('never runs getters or throwing proxy traps', () => {
    let ran = false;
    const hostile = Object.defineProperty({}, 'x', {
      get: () => {
        ran = true;
        return 1;
      },
      enumerable: true,
    });
    expect(inspect(hostile)).toBe('{ x: [Getter] }');
    expect(ran).toBe(false);
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    expect(inspect(trap)).toBe('[unreadable object]');
  });
});

describe(formatArgs, () => {
  test.each([
    [['%s is %d years', 'Ada', 36]],
    [['%i%%', 42.9]],
    [['%j', { a: [1] }]],
    [['%o and %O', { a: 1 }, [2]]],
    [['no placeholders', { a: 1 }, 'tail']],
    [['%s', 'missing', 'extra']],
    [['%s %s', 'only one']],
  ])('formats %j like util.format', (args) => {
    expect(formatArgs(args)).toBe(nodeFormat(...(args as [unknown, ...unknown[]])));
  });
});

describe(createConsoleCapture, () => {
  test('caps the total output with a truncation line', () => {
    const capture = createConsoleCapture(100);
    for (let i = 0; i < 50; i++) capture.console.log(`line ${i}`);
    const text = capture.text();
    expect(text.length).toBeLessThanOrEqual(100 + TRUNCATED_LINE.length + 2);
    expect(text.endsWith(`${TRUNCATED_LINE}\n`)).toBe(true);
    expect(text.split(TRUNCATED_LINE)).toHaveLength(2);
  });
});

describe('learner console output', () => {
  test('is captured from every console method, formatted, in order', async () => {
    const report = await run(
      `console.log('loaded', { n: 1 });
       export function f() {
         console.info('info', [1, 2]);
         console.warn('warn %s', 'x');
         console.error(new Error('shown'));
         console.debug(null, undefined);
         console.count(); console.count();
         console.group('group'); console.log('inside'); console.groupEnd();
         console.log('<b>html stays text</b>');
       }`,
      oneCheck(async ({ learner }) => void (await learner.f())),
    );
    expect(report.console).toBe(
      [
        'loaded { n: 1 }',
        'info [ 1, 2 ]',
        'warn x',
        'Error: shown\n    at f (learner.ts:5:24)',
        'null undefined',
        'default: 1',
        'default: 2',
        'group',
        '  inside',
        '<b>html stays text</b>',
        '',
      ].join('\n'),
    );
  });

  test('a console flood is capped at 20 KB and the run still finishes', async () => {
    const report = await run(
      "export function f() { for (let i = 0; i < 100000; i++) console.log('flood', i, { big: 'x'.repeat(100) }); }",
      oneCheck(async ({ learner }) => void (await learner.f())),
      { checkTimeoutMs: 5000 },
    );
    expect(report.checks[0].passed).toBe(true);
    expect(report.console.length).toBeLessThanOrEqual(20_000 + 40);
    expect(report.console.endsWith(`${TRUNCATED_LINE}\n`)).toBe(true);
    // 100,000 formatted console calls take seconds on a loaded 2-core machine.
  }, 30_000);
});
