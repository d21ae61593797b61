/**
 * Streams on the engine clock: auto IDs, idle times and min-idle-time claims read the engine's
 * `now()` (the fake clock in lessons), never the host clock. Reply shapes and errors without a
 * clock are compared with redis-server 7.0.15 in tests/redis-server/corpus-streams.redis.
 */
import { describe, expect, test } from 'vitest';
import RedisMock from 'ioredis-mock';
import {
  FaithfulClient,
  type FaithfulRedis,
  type MockLike,
} from '../../src/redis/faithful-client.ts';
import { createEngine } from '../../src/redis/fidelity/engine.ts';
import {
  takeKeyspaceSnapshot,
  snapshotCommands,
  type RawStore,
} from '../../src/runner/keyspace-snapshot.ts';

let store = 0;

function setup(start = 1_000) {
  let time = start;
  const mock = new RedisMock({ host: `streams-${++store}` }) as unknown as MockLike;
  const engine = createEngine({ now: () => time, storeFor: () => mock });
  const client = new FaithfulClient(engine, mock) as FaithfulRedis;
  return {
    mock,
    client,
    setTime: (t: number) => (time = t),
    advance: (ms: number) => (time += ms),
  };
}

describe('stream IDs and time', () => {
  test('XADD * takes the engine clock; same millisecond bumps the sequence', async () => {
    const { client, advance, setTime } = setup(5_000);
    expect(await client.xadd('s', '*', 'f', 'v')).toBe('5000-0');
    expect(await client.xadd('s', '*', 'f', 'v')).toBe('5000-1');
    advance(7);
    expect(await client.xadd('s', '*', 'f', 'v')).toBe('5007-0');
    // A clock that goes back never makes IDs go back (streamNextID keeps last_id + 1).
    setTime(10);
    expect(await client.xadd('s', '*', 'f', 'v')).toBe('5007-1');
    expect(await client.type('s')).toBe('stream');
  });

  test('XPENDING and XINFO CONSUMERS report idle time on the engine clock', async () => {
    const { client, advance } = setup();
    await client.xadd('s', '1-1', 'f', 'v');
    await client.xgroup('CREATE', 's', 'g', '0');
    await client.xreadgroup('GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    advance(1234);
    expect(await client.xpending('s', 'g', '-', '+', 10)).toEqual([['1-1', 'alice', 1234, 1]]);
    expect(await client.xpending('s', 'g', 'IDLE', 2000, '-', '+', 10)).toEqual([]);
    const [consumer] = (await client.xinfo('CONSUMERS', 's', 'g')) as unknown[][];
    expect(consumer).toEqual(['name', 'alice', 'pending', 1, 'idle', 1234]);
  });

  test('XAUTOCLAIM claims only entries idle for at least min-idle-time', async () => {
    const { client, advance } = setup();
    await client.xadd('s', '1-1', 'f', 'a');
    await client.xadd('s', '2-1', 'f', 'b');
    await client.xgroup('CREATE', 's', 'g', '0');
    await client.xreadgroup('GROUP', 'g', 'alice', 'COUNT', 1, 'STREAMS', 's', '>');
    advance(500);
    await client.xreadgroup('GROUP', 'g', 'alice', 'COUNT', 1, 'STREAMS', 's', '>');
    advance(600);
    // 1-1 is 1100 ms idle, 2-1 only 600 ms.
    expect(await client.xautoclaim('s', 'g', 'bob', 1000, '0')).toEqual([
      '0-0',
      [['1-1', ['f', 'a']]],
      [],
    ]);
    expect(await client.xclaim('s', 'g', 'bob', 1000, '2-1')).toEqual([]);
    advance(400);
    expect(await client.xclaim('s', 'g', 'bob', 1000, '2-1', 'JUSTID')).toEqual(['2-1']);
  });
});

describe('streams in the keyspace snapshot', () => {
  test('a stream is carried as its entries and restored with XADD', async () => {
    const { client, mock } = setup();
    await client.xadd('s', '1-1', 'a', '1', 'b', '2');
    await client.xadd('s', '2-0', 'c', '3');
    await client.xgroup('CREATE', 'empty', 'g', '$', 'MKSTREAM');
    const snapshot = takeKeyspaceSnapshot(mock as unknown as RawStore, 1_000);
    expect(snapshot.entries).toEqual([
      { key: 'empty', ttlMs: null, type: 'stream', value: [] },
      {
        key: 's',
        ttlMs: null,
        type: 'stream',
        value: [
          ['1-1', 'a', '1', 'b', '2'],
          ['2-0', 'c', '3'],
        ],
      },
    ]);
    expect(snapshotCommands(snapshot)).toEqual([
      ['XADD', 's', '1-1', 'a', '1', 'b', '2'],
      ['XADD', 's', '2-0', 'c', '3'],
    ]);
  });
});
