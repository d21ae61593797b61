import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { transform } from 'sucrase';
import { describe, expect, it } from 'vitest';

// Evaluates ioredis-mock's real browser build in a fresh realm that looks like a dedicated
// worker: `self` is the global object, and there is no `window` and no `require`.
const require = createRequire(import.meta.url);
const browserBuild = readFileSync(require.resolve('ioredis-mock/browser.js'), 'utf8');
const shimSource = readFileSync(
  new URL('../../src/runner/browser/ioredis-mock-shim.ts', import.meta.url),
  'utf8',
);

/** The build ends with `export default X();`; a script can't export, so hand X() to the realm. */
function asScript(moduleSource: string): string {
  const marker = 'export default ';
  const at = moduleSource.lastIndexOf(marker);
  if (at < 0) throw new Error('ioredis-mock/browser.js no longer ends with "export default"');
  return `${moduleSource.slice(0, at)}globalThis.__RedisMock = ${moduleSource.slice(at + marker.length)}`;
}

function workerLikeRealm(): vm.Context {
  const context = vm.createContext({
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    queueMicrotask,
    TextEncoder,
    TextDecoder,
    console,
  });
  vm.runInContext('globalThis.self = globalThis;', context);
  return context;
}

function installShim(context: vm.Context): void {
  const { code } = transform(shimSource, { transforms: ['typescript', 'imports'] });
  vm.runInContext(`(function (exports) {${code}\n})({});`, context);
}

describe('ioredis-mock browser shim', () => {
  it('is needed: the browser build throws in a worker-like global without it', () => {
    const context = workerLikeRealm();
    expect(() => vm.runInContext(asScript(browserBuild), context)).toThrow(
      /window is not defined|Dynamic require of "(fs|path)"/,
    );
  });

  it('lets the browser build load and run commands in a worker-like global', async () => {
    const context = workerLikeRealm();
    installShim(context);
    vm.runInContext(asScript(browserBuild), context);
    const roundTrip = vm.runInContext(
      `(async () => {
        const redis = new globalThis.__RedisMock({ host: 'shim-test' });
        await redis.set('greeting', 'hello');
        const value = await redis.get('greeting');
        const count = await redis.incr('visits');
        return { value, count, window: globalThis.window === globalThis };
      })()`,
      context,
    ) as Promise<unknown>;
    expect(await roundTrip).toEqual({ value: 'hello', count: 1, window: true });
  });

  it('answers only fs and path, and rejects any other require like the build would', () => {
    const context = workerLikeRealm();
    installShim(context);
    expect(vm.runInContext(`JSON.stringify([require('fs'), require('path')])`, context)).toBe(
      '[{},{}]',
    );
    expect(() => vm.runInContext(`require('child_process')`, context)).toThrow(
      'Dynamic require of "child_process" is not supported',
    );
  });
});
