/**
 * Blocking commands: a blocked connection wakes when another one writes (FIFO among waiters, as
 * Redis serves them), timeouts follow the engine clock (a fake clock moves, `runDue` fires them,
 * no sleeping), inside MULTI they answer at once, and later commands of the blocked connection
 * wait behind it. Host timers are stubbed so that only the engine clock can fire a timeout.
 */
import { describe, expect, test } from 'vitest';
import RedisMock from 'ioredis-mock';
import {
  FaithfulClient,
  type FaithfulRedis,
  type MockLike,
} from '../../src/redis/faithful-client.ts';
import { createEngine } from '../../src/redis/fidelity/engine.ts';
import { clockTimers, type HostTimers } from '../../src/redis/fidelity/timers.ts';

let store = 0;

/** Host timers that never fire: a timeout can only come from the engine clock. */
const deadHost: HostTimers = { setTimeout: () => 0, clearTimeout: () => {} };

function setup() {
  let time = 1_700_000_000_000;
  const now = () => time;
  const timers = clockTimers(now, deadHost);
  const mock = new RedisMock({ host: `blocking-${++store}` }) as unknown as MockLike;
  const engine = createEngine({
    now,
    timers,
    storeFor: (db) =>
      db === 0 ? mock : (new RedisMock({ host: `blocking-${store}`, db }) as unknown as MockLike),
  });
  const client = () => new FaithfulClient(engine, mock) as FaithfulRedis;
  const advance = (ms: number) => {
    time += ms;
    timers.runDue();
  };
  return { engine, timers, client, advance };
}

/** Whether a promise has settled, without waiting for it. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setTimeout(r, 0));
  return done;
}

describe('blocking pops', () => {
  test('BLPOP waits until another connection pushes, then pops', async () => {
    const { client } = setup();
    const a = client();
    const b = client();
    const popped = a.blpop('q', 0);
    expect(await settled(popped)).toBe(false);
    expect(await b.rpush('q', 'job')).toBe(1);
    expect(await popped).toEqual(['q', 'job']);
    expect(await b.llen('q')).toBe(0);
  });

  // Measured on redis-server 7.0.15: BRPOP took z, the later BLPOP took x, y stayed.
  test('waiters are served first come, first served, one element each', async () => {
    const { client } = setup();
    const [a, b, c] = [client(), client(), client()];
    const first = a.brpop('q', 0);
    const second = b.blpop('other', 'q', 0);
    await c.rpush('q', 'x', 'y', 'z');
    expect(await first).toEqual(['q', 'z']);
    expect(await second).toEqual(['q', 'x']);
    expect(await c.lrange('q', 0, -1)).toEqual(['y']);
  });

  test('the timeout follows the engine clock, not the host timers', async () => {
    const { client, advance, timers } = setup();
    const a = client();
    const popped = a.blpop('q', 5);
    advance(4999);
    expect(await settled(popped)).toBe(false);
    advance(1);
    expect(await popped).toBeNull();
    expect(timers.pending()).toBe(0);
  });

  test('a fractional timeout is in seconds: 0.25 waits 250 ms', async () => {
    const { client, advance } = setup();
    const popped = client().bzpopmin('z', '0.25');
    advance(249);
    expect(await settled(popped)).toBe(false);
    advance(1);
    expect(await popped).toBeNull();
  });

  test('commands sent after a blocked one wait for it, as on one socket', async () => {
    const { client } = setup();
    const a = client();
    const b = client();
    const popped = a.blpop('q', 0);
    const after = a.get('k');
    await b.set('k', 'v');
    expect(await settled(after)).toBe(false);
    await b.lpush('q', 'x');
    expect(await popped).toEqual(['q', 'x']);
    expect(await after).toBe('v');
  });

  test('BZPOPMIN, BLMOVE and BLMPOP wake with their own reply shapes', async () => {
    const { client } = setup();
    const w = client();
    const zpop = client().bzpopmin('z', 0);
    const moved = client().blmove('src', 'dst', 'LEFT', 'RIGHT', 0);
    const mpop = client().blmpop(0, 2, 'none', 'm', 'RIGHT', 'COUNT', 2);
    await w.zadd('z', 2, 'b', 1, 'a');
    await w.rpush('src', 's1');
    await w.rpush('m', '1', '2', '3');
    expect(await zpop).toEqual(['z', 'a', '1']);
    expect(await moved).toBe('s1');
    expect(await mpop).toEqual(['m', ['3', '2']]);
    expect(await w.lrange('dst', 0, -1)).toEqual(['s1']);
  });

  test('inside MULTI a blocking command answers nil at once', async () => {
    const { client, engine } = setup();
    const replies = await client().multi().blpop('q', 0).bzpopmax('z', 0).exec();
    expect(replies).toEqual([
      [null, null],
      [null, null],
    ]);
    expect(engine.blockedCount()).toBe(0);
  });

  test('reset() forgets blocked clients: their promises never settle and no timer stays', async () => {
    const { client, engine, timers, advance } = setup();
    const popped = client().blpop('q', 10);
    expect(engine.blockedCount()).toBe(1);
    engine.reset();
    timers.cancelAll();
    await client().rpush('q', 'x');
    advance(20_000);
    expect(await settled(popped)).toBe(false);
    expect(engine.blockedCount()).toBe(0);
    expect(await client().llen('q')).toBe(1);
  });
});

describe('stream reads with BLOCK', () => {
  test('XREAD BLOCK $ wakes on the next XADD and times out on the clock', async () => {
    const { client, advance } = setup();
    const w = client();
    await w.xadd('s', '1-1', 'f', 'old');
    const read = client().xread('BLOCK', 0, 'STREAMS', 's', '$');
    expect(await settled(read)).toBe(false);
    await w.xadd('s', '2-1', 'f', 'new');
    expect(await read).toEqual([['s', [['2-1', ['f', 'new']]]]]);
    const timed = client().xread('BLOCK', 1000, 'STREAMS', 's', '$');
    advance(1000);
    expect(await timed).toBeNull();
  });

  test('XREADGROUP BLOCK > delivers new entries to the group and records them as pending', async () => {
    const { client } = setup();
    const w = client();
    await w.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
    const read = client().xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 's', '>');
    await w.xadd('s', '5-1', 'k', 'v');
    expect(await read).toEqual([['s', [['5-1', ['k', 'v']]]]]);
    expect(await w.xpending('s', 'g')).toEqual([1, '5-1', '5-1', [['alice', '1']]]);
  });

  // Measured on redis-server 7.0.15 (these left corpus-streams.redis: its raw-mock baseline hangs).
  test('XREAD BLOCK answers at once when it can, and never blocks inside MULTI', async () => {
    const { client, engine } = setup();
    const c = client();
    await c.xadd('r1', '1-1', 'a', '1');
    await expect(c.xread('BLOCK', -1, 'STREAMS', 'r1', '0')).rejects.toThrow(
      'ERR timeout is negative',
    );
    expect(await c.xread('BLOCK', 0, 'STREAMS', 'r1', '0')).toEqual([
      ['r1', [['1-1', ['a', '1']]]],
    ]);
    expect(
      await c
        .multi()
        .xread('BLOCK', 0, 'STREAMS', 'r1', '$')
        .xreadgroup('GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 'r1', '>')
        .exec(),
    ).toEqual([
      [null, null],
      [expect.objectContaining({ message: expect.stringContaining('NOGROUP') })],
    ]);
    expect(engine.blockedCount()).toBe(0);
  });

  test('a destroyed group wakes its XREADGROUP with NOGROUP', async () => {
    const { client } = setup();
    const w = client();
    await w.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
    const read = client().xreadgroup('GROUP', 'g', 'alice', 'BLOCK', 0, 'STREAMS', 's', '>');
    await w.xgroup('DESTROY', 's', 'g');
    await w.xadd('s', '5-1', 'k', 'v');
    await expect(read).rejects.toThrow(
      'NOGROUP the consumer group this client was blocked on no longer exists',
    );
  });
});
