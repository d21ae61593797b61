/**
 * Fast start of a one-file `cachelab grade` (issue #15), session 6: the runner child's startup
 * snapshot is built warm (src/cli/child-snapshot-warmup.ts), and the timing marks of the two
 * copies of grade-timing.ts in an installed package (dist-cli/prestart.cjs and the CLI's chunks)
 * land in one record. The snapshot itself is built and attacked in
 * tests/sandbox/runner-pool-snapshot.test.ts.
 */
import RedisMock from 'ioredis-mock';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { WARM_PARTS, warmSnapshot } from '../../src/cli/child-snapshot-warmup.ts';
import { mockBackend } from '../../src/runner/redis-backend.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lessonsDir = path.join(root, 'lessons');

type Client = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** The keys in the first store of a new Node backend (ioredis-mock's `cachelab-store-1`). */
async function keysOfFirstStore(): Promise<unknown> {
  const store = await mockBackend(RedisMock).openStore();
  try {
    return await (store.host as Client).keys!('*');
  } finally {
    await store.close();
  }
}

describe(warmSnapshot, () => {
  test('runs every part of the warm-up on the built-in course', async () => {
    expect(await warmSnapshot(RedisMock, lessonsDir)).toEqual([...WARM_PARTS]);
  });

  test('leaves no data in the ioredis-mock store it used, which the first store of a run shares', async () => {
    // Control: a store left open keeps its keys, and the next backend's first store, under the
    // same ioredis-mock name, sees them. So an empty store below means the warm-up emptied it.
    const left = await mockBackend(RedisMock).openStore();
    await (left.learner as Client).set!('left:behind', '1');
    expect(await keysOfFirstStore()).toEqual(['left:behind']);
    await left.close();
    expect(await keysOfFirstStore()).toEqual([]);

    expect(await warmSnapshot(RedisMock, lessonsDir)).toContain('store');
    expect(await keysOfFirstStore()).toEqual([]);
  });

  test('a part that fails is left out, and the others still run', async () => {
    class BrokenMock {
      constructor() {
        throw new Error('no mock here');
      }
    }
    const parts = await warmSnapshot(BrokenMock, path.join(root, 'no-such-course'));
    expect(parts).toEqual(['transpile', 'assertions', 'protocol']);
  });
});

describe('grade timing marks', () => {
  test('two copies of grade-timing.ts (prestart.cjs and the CLI) write one record', async () => {
    const before = process.env.CACHELAB_TIMING;
    process.env.CACHELAB_TIMING = '1';
    const step = `shared-step-${process.pid}`;
    try {
      // Two module instances, as the installed package has: the query makes each a module of its own.
      type Timing = typeof import('../../src/cli/grade-timing.ts');
      const copy = (name: string) =>
        import(/* @vite-ignore */ `../../src/cli/grade-timing.ts?copy=${name}`) as Promise<Timing>;
      const prestartCopy = await copy('prestart');
      const cliCopy = await copy('cli');
      expect(prestartCopy).not.toBe(cliCopy);
      prestartCopy.markStep(step);
      const stderr = new PassThrough();
      let written = '';
      stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
      cliCopy.writeTimings(stderr);
      const line = /^cachelab-timing (.*)$/m.exec(written)?.[1];
      expect(JSON.parse(line ?? '{}')).toHaveProperty(step);
    } finally {
      if (before === undefined) delete process.env.CACHELAB_TIMING;
      else process.env.CACHELAB_TIMING = before;
      delete (globalThis as Record<symbol, Record<string, number>>)[
        Symbol.for('cachelab.gradeTiming')
      ]?.[step];
    }
  });
});
