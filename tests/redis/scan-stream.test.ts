/**
 * ioredis's scan streams over the faithful client: one 'data' event per SCAN page (empty pages
 * included, as ioredis's object-mode Readable pushes them), 'end' after cursor 0, pause/resume,
 * close, async iteration, and listeners that cannot break the stream.
 */
import { describe, expect, test } from 'vitest';
import RedisMock from 'ioredis-mock';
import { withFidelity, type FaithfulRedis } from '../../src/redis/faithful-client.ts';
import { ScanStream, scanArgs } from '../../src/redis/scan-stream.ts';

let store = 0;

async function filled(n: number): Promise<FaithfulRedis> {
  const client = withFidelity(new RedisMock({ host: `scan-stream-${++store}` }));
  const pairs: string[] = [];
  for (let i = 0; i < n; i++) pairs.push(`user:${i}`, String(i));
  if (pairs.length) await client.mset(...pairs);
  await client.set('other', 'x');
  return client;
}

/** Collects every 'data' page until 'end'. */
function drain(stream: ScanStream): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    const pages: unknown[][] = [];
    stream.on('data', (page: unknown) => pages.push(page as unknown[]));
    stream.on('error', reject);
    stream.on('end', () => resolve(pages));
  });
}

describe('scanStream', () => {
  test('emits one page per SCAN call until the cursor is 0, covering every key once', async () => {
    const client = await filled(300);
    const pages = await drain(client.scanStream({ count: 10 }));
    const keys = pages.flat() as string[];
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(301);
    // Many pages, each a plain array; the keys come in the store's order, not sorted.
    expect(pages.length).toBeGreaterThan(10);
    expect(keys).not.toEqual([...keys].sort());
  });

  test('passes MATCH, TYPE and COUNT as ioredis does, and keeps empty pages', async () => {
    expect(scanArgs(null, '0', { match: 'u*', type: 'string', count: 5 })).toEqual([
      '0',
      'MATCH',
      'u*',
      'TYPE',
      'string',
      'COUNT',
      '5',
    ]);
    expect(scanArgs('h', '17', {})).toEqual(['h', '17']);
    const client = await filled(200);
    const pages = await drain(client.scanStream({ match: 'other', count: 5 }));
    expect(pages.flat()).toEqual(['other']);
    // A sparse MATCH leaves most pages empty; each still arrives as 'data'.
    expect(pages.filter((p) => p.length === 0).length).toBeGreaterThan(0);
  });

  test('hscanStream, sscanStream and zscanStream page through one key', async () => {
    const client = await filled(0);
    await client.del('other');
    await client.hset('h', { a: '1', b: '2' });
    await client.sadd('s', 'x', 'y', 'z');
    await client.zadd('z', 1, 'm', 2, 'n');
    expect((await drain(client.hscanStream('h'))).flat()).toEqual(['a', '1', 'b', '2']);
    expect(((await drain(client.sscanStream('s'))).flat() as string[]).sort()).toEqual([
      'x',
      'y',
      'z',
    ]);
    expect((await drain(client.zscanStream('z', { match: 'm' }))).flat()).toEqual(['m', '1']);
    const bytes = (await drain(client.hscanBufferStream('h'))).flat();
    expect(bytes[0]).toBeInstanceOf(Uint8Array);
  });

  test('for await reads page by page', async () => {
    const client = await filled(50);
    const keys: unknown[] = [];
    for await (const page of client.scanStream({ count: 7 })) keys.push(...page);
    expect(keys.length).toBe(51);
  });

  test('pause holds the flow and resume restarts it; close ends after the page in flight', async () => {
    const client = await filled(100);
    const stream = client.scanStream({ count: 5 });
    const pages: unknown[] = [];
    const ended = new Promise((r) => stream.on('end', r));
    stream.on('data', (page: unknown) => {
      pages.push(page);
      if (pages.length === 2) {
        stream.pause();
        setTimeout(() => {
          expect(pages.length).toBe(2);
          stream.resume();
        }, 5);
      }
      if (pages.length === 4) stream.close();
    });
    await ended;
    expect(pages.length).toBe(4);
  });

  test('a throwing listener does not stop the stream; an error reply becomes an error event', async () => {
    const client = await filled(20);
    const stream = client.scanStream({ count: 5 });
    stream.on('data', () => {
      throw new Error('learner bug');
    });
    await new Promise((r) => stream.on('end', r));
    await client.set('str', 'v');
    const failing = client.hscanStream('str');
    const error = await new Promise<Error>((resolve) => {
      failing.on('error', (e: unknown) => resolve(e as Error));
      failing.on('data', () => {});
    });
    expect(error.message).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  test('a listener guard that says no stops the stream (a check that is over)', async () => {
    const client = await filled(100);
    let open = true;
    const seen: unknown[] = [];
    const stream = new ScanStream(
      (args) => client.scan(...(args as string[])),
      null,
      { count: 5 },
      (listener, args) => {
        if (!open) return false;
        listener(...args);
        return true;
      },
    );
    stream.on('data', (page: unknown) => {
      seen.push(page);
      open = false;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.length).toBe(1);
  });
});
