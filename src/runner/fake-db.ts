/**
 * `ctx.fakeDb()`: a recording fake database with canned responses. Learner code gets `api`;
 * everything it receives is a fresh plain copy, so it cannot change what the check compares.
 */
import type { Clock, FakeDb, FakeDbCall, FakeDbOptions } from './checks-api.ts';
import { hardenFresh } from './harden-fresh.ts';
import { plainCopy } from './plain-copy.ts';

const BUILT_IN = ['get', 'set', 'delete'] as const;

/**
 * Creates one fake database. `clock` simulates latency on the fake clock. `assertLive` runs
 * before every call and throws once the check that made the database is over, so a handle kept
 * from an earlier check can neither answer nor be counted.
 */
export function createFakeDb(
  options: FakeDbOptions,
  clock: Clock,
  assertLive: () => void = () => {},
): FakeDb {
  const rows = new Map<string, unknown>(Object.entries(plainCopy(options.rows ?? {})));
  const calls: FakeDbCall[] = [];
  const writes: FakeDbCall[] = [];
  const latency = options.latencyMs ?? 0;

  const builtIn: Record<(typeof BUILT_IN)[number], (...args: unknown[]) => unknown> = {
    get: (key) => (rows.has(String(key)) ? rows.get(String(key)) : null),
    set: (key, value) => {
      rows.set(String(key), value);
      return true;
    },
    delete: (key) => rows.delete(String(key)),
  };

  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  const define = (method: string, behave: (...args: unknown[]) => unknown): void => {
    api[method] = {
      async [method](...args: unknown[]) {
        assertLive();
        const call = { method, args: plainCopy(args) };
        calls.push(call);
        if (method === 'set' || method === 'delete') writes.push(call);
        if (latency > 0) await clock.advance(latency);
        // Copy in and out: the learner never holds a reference to the check's own data.
        return plainCopy(await behave(...plainCopy(call.args)));
      },
    }[method];
  };
  for (const method of BUILT_IN) define(method, builtIn[method]);
  for (const [method, response] of Object.entries(options.methods ?? {})) {
    define(method, typeof response === 'function' ? response : () => response.returns);
  }

  return {
    api: hardenFresh(api),
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    rows,
    writes,
  };
}
