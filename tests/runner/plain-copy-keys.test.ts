/**
 * `plainCopy` assigns ordinary keys and defines the keys Object.prototype already has. In a
 * locked-down realm those are read-only on the prototype, so assigning one would throw (the
 * "override mistake") and "__proto__" would swap the copy's prototype: each must still arrive as
 * an ordinary own key of a plain object, with the value the learner's object held.
 */
import { describe, expect, test } from 'vitest';
import { plainCopy } from '../../src/runner/plain-copy.ts';
import { oneCheck, run } from './harness.ts';

const hostileKeys = [
  '__proto__',
  'toString',
  'valueOf',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
];

describe('plainCopy of objects whose keys Object.prototype also has', () => {
  test.each(hostileKeys)(
    '"%s" becomes an own, enumerable, writable key of a plain object',
    (key) => {
      const source = JSON.parse(`{${JSON.stringify(key)}: {"n": 1}, "id": 7}`) as object;
      const copy = plainCopy(source) as Record<string, unknown>;
      expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
      expect(Object.keys(copy)).toEqual([key, 'id']);
      expect(Object.getOwnPropertyDescriptor(copy, key)).toEqual({
        value: { n: 1 },
        enumerable: true,
        writable: true,
        configurable: true,
      });
      expect(Object.getOwnPropertyDescriptor(copy, key)?.value).not.toBe(
        Object.getOwnPropertyDescriptor(source, key)?.value,
      );
    },
  );

  test('control: in this locked-down realm, assigning such a key throws or changes the prototype', () => {
    expect(() => {
      const target: Record<string, unknown> = {};
      target['hasOwnProperty'] = 1;
    }).toThrow(TypeError);
    const target: Record<string, unknown> = {};
    target['__proto__'] = { n: 1 };
    expect(Object.keys(target)).toEqual([]);
  });

  test('ordinary keys keep their order and values, and primitives come back as they are', () => {
    const copy = plainCopy({ b: 1, a: [1, { c: 'x' }], 2: 'two' });
    expect(copy).toEqual({ 2: 'two', b: 1, a: [1, { c: 'x' }] });
    expect(Object.keys(copy)).toEqual(['2', 'b', 'a']);
    for (const value of [7, 'x', undefined, null, 10n, true]) expect(plainCopy(value)).toBe(value);
  });

  test('a learner result with such keys reaches the check as an ordinary object', async () => {
    const report = await run(
      `export async function make() { return JSON.parse('{"__proto__": {"admin": true}, "toString": "t", "id": 1}'); }`,
      oneCheck(async ({ learner, expect: check }) => {
        const made = (await learner.make()) as Record<string, unknown>;
        check(Object.getPrototypeOf(made)).to.equal(Object.prototype);
        check(made.admin).to.equal(undefined);
        check(Object.keys(made)).to.deep.equal(['__proto__', 'toString', 'id']);
      }),
    );
    expect(report.checks[0]).toMatchObject({ passed: true });
  });
});
