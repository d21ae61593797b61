// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { appRunner } from '../../src/components/workspace/app-services.ts';

/**
 * jsdom has no `Worker`, like a browser that blocks or lacks one: the runner client loads, and
 * starting its worker throws.
 */
describe('the app runner without a Worker', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  afterEach(() => {
    process.off('unhandledRejection', record);
  });

  it('a warm-up that cannot start a worker fails quietly; the next Run reports it', async () => {
    expect(typeof (globalThis as { Worker?: unknown }).Worker).toBe('undefined');
    const runner = appRunner();
    runner.warm();
    // The Run waits for the same runner chunk, registered after the warm-up's, so by the time it
    // settles the warm-up's attempt has been made; a timer lets Node report what it left unhandled.
    await expect(runner.run('key-value-basics', 'export {}')).rejects.toThrow(/Worker/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  });
});
