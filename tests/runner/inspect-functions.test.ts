/**
 * How `inspect` names functions. It reads a function's source text only when the function could
 * be a class (a read-only own `prototype`), so each kind below is printed as `node:util` prints
 * it, and a function made to look like a class in every way but its source is still a function.
 */
import { inspect as nodeInspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { inspect } from '../../src/runner/inspect.ts';

class Base {}
function plain() {}
const frozenPlain = Object.freeze(function frozen() {});
Object.freeze(frozenPlain.prototype);
const withReadOnlyPrototype = function looksLikeAClass() {};
Object.defineProperty(withReadOnlyPrototype, 'prototype', { writable: false });

describe('inspect of functions', () => {
  test.each([
    ['a class', Base],
    ['an anonymous class', class {}],
    ['a function', plain],
    ['an arrow function', () => {}],
    ['an async function', async function load() {}],
    ['a generator function', function* walk() {}],
    ['a method', { m() {} }.m],
    ['a bound function', plain.bind(null)],
    ['a bound class', Base.bind(null)],
    ['a built-in', Math.max],
    ['a frozen function with a frozen prototype', frozenPlain],
    ['a function whose prototype was made read-only', withReadOnlyPrototype],
  ])('%s prints as node:util prints it', (_name, fn) => {
    expect(inspect(fn)).toBe(nodeInspect(fn));
  });

  test('control: a class is told apart from a function by its source, not only its prototype', () => {
    expect(inspect(Base)).toBe('[class Base]');
    expect(inspect(withReadOnlyPrototype)).toBe('[Function: looksLikeAClass]');
  });

  test('a proxy around a class prints as a function, as before, and never throws', () => {
    const trapped = new Proxy(Base, {
      getOwnPropertyDescriptor() {
        throw new Error('trap');
      },
    });
    expect(inspect(new Proxy(Base, {}))).toBe('[Function: Base]');
    expect(inspect(trapped)).toMatch(/^\[Function/);
  });
});
