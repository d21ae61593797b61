/**
 * Pub/sub: the engine's RESP2 frames and errors as redis-server 7.0.15 sent them (measured over
 * a raw socket), and the ioredis surface (`subscribe` resolving the count, `message` events,
 * subscriber mode) over a second connection to the same store.
 */
import { describe, expect, test } from 'vitest';
import RedisMock from 'ioredis-mock';
import {
  SUBSCRIBER_MODE_ERROR,
  withFidelity,
  type FaithfulRedis,
} from '../../src/redis/faithful-client.ts';
import { formatReply } from '../../src/redis/cli-format.ts';
import { ReplyError } from '../../src/redis/reply-error.ts';

let store = 0;
const fresh = () => withFidelity(new RedisMock({ host: `pubsub-${++store}` }));
const raw = (c: FaithfulRedis, ...argv: string[]) => c.executeRaw(argv);
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the engine', () => {
  test('answers SUBSCRIBE with one frame per channel and refuses other commands, as Redis does', () => {
    const c = fresh();
    expect(raw(c, 'SUBSCRIBE', 'a', 'b')).toEqual([
      ['subscribe', 'a', 1],
      ['subscribe', 'b', 2],
    ]);
    const refused = raw(c, 'GET', 'x') as ReplyError;
    expect(refused.message).toBe(
      "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
    );
    expect((raw(c, 'PUBSUB', 'NUMSUB', 'a') as ReplyError).message).toContain(
      "Can't execute 'pubsub|numsub'",
    );
    expect(raw(c, 'PING')).toEqual(['pong', '']);
    expect(raw(c, 'PING', 'hi')).toEqual(['pong', 'hi']);
    // Without arguments: every channel, in the server's dict order (measured: b, then a).
    expect(raw(c, 'UNSUBSCRIBE')).toEqual([
      ['unsubscribe', 'b', 1],
      ['unsubscribe', 'a', 0],
    ]);
    expect(raw(c, 'UNSUBSCRIBE')).toEqual([['unsubscribe', null, 0]]);
    expect(raw(c, 'PSUBSCRIBE', 'p*')).toEqual([['psubscribe', 'p*', 1]]);
    expect(raw(c, 'PUNSUBSCRIBE')).toEqual([['punsubscribe', 'p*', 0]]);
    expect(formatReply(raw(c, 'GET', 'x'))).toBe('(nil)');
  });

  test('PUBLISH counts channel and pattern receivers; PUBSUB sees other connections', () => {
    const pub = fresh();
    const a = pub.duplicate();
    const b = pub.duplicate();
    raw(a, 'SUBSCRIBE', 'news');
    raw(b, 'SUBSCRIBE', 'news', 'sport');
    raw(b, 'PSUBSCRIBE', 'n*', 'x*');
    expect(raw(pub, 'PUBLISH', 'news', 'hi')).toBe(3);
    expect(raw(pub, 'PUBLISH', 'nothing', 'hi')).toBe(1);
    expect(raw(pub, 'PUBLISH', 'other', 'hi')).toBe(0);
    expect(raw(pub, 'PUBSUB', 'NUMSUB', 'news', 'sport', 'none')).toEqual([
      'news',
      2,
      'sport',
      1,
      'none',
      0,
    ]);
    expect(raw(pub, 'PUBSUB', 'NUMPAT')).toBe(2);
    expect((raw(pub, 'PUBSUB', 'CHANNELS') as string[]).sort()).toEqual(['news', 'sport']);
    expect(raw(pub, 'PUBSUB', 'CHANNELS', 's*')).toEqual(['sport']);
    b.disconnect();
    expect(raw(pub, 'PUBSUB', 'NUMSUB', 'news')).toEqual(['news', 1]);
    expect(raw(pub, 'PUBSUB', 'NUMPAT')).toBe(0);
    raw(a, 'SSUBSCRIBE', 'shard');
    expect(raw(pub, 'SPUBLISH', 'shard', 'm')).toBe(1);
    expect(raw(pub, 'PUBSUB', 'SHARDNUMSUB', 'shard')).toEqual(['shard', 1]);
  });
});

describe('the ioredis surface', () => {
  test('subscribe resolves the count and message events arrive after PUBLISH returns', async () => {
    const pub = fresh();
    const sub = pub.duplicate();
    const got: unknown[][] = [];
    sub.on('message', (...args: unknown[]) => got.push(['message', ...args]));
    sub.on('pmessage', (...args: unknown[]) => got.push(['pmessage', ...args]));
    sub.on('messageBuffer', (channel: unknown, message: unknown) =>
      got.push(['messageBuffer', channel instanceof Uint8Array, String(message)]),
    );
    expect(await sub.subscribe('news', 'sport')).toBe(2);
    expect(await sub.psubscribe('n*')).toBe(3);
    const published = pub.publish('news', 'hello');
    // Delivered later, never inside the engine while PUBLISH runs.
    expect(got).toEqual([]);
    expect(await published).toBe(2);
    await tick();
    expect(got).toEqual([
      ['message', 'news', 'hello'],
      ['messageBuffer', true, 'hello'],
      ['pmessage', 'n*', 'news', 'hello'],
    ]);
  });

  test('a subscribed client refuses other commands with ioredis’s own error, until it unsubscribes', async () => {
    const sub = fresh();
    await sub.subscribe('a');
    await expect(sub.get('k')).rejects.toThrow(SUBSCRIBER_MODE_ERROR);
    expect(await sub.ping()).toEqual(['pong', '']);
    expect(await sub.unsubscribe()).toBe(0);
    expect(await sub.get('k')).toBeNull();
  });

  test('duplicate() is a second connection on the same data', async () => {
    const a = fresh();
    const b = a.duplicate();
    await a.set('k', 'v');
    expect(await b.get('k')).toBe('v');
    await b.select(1);
    expect(await b.get('k')).toBeNull();
    expect(await a.get('k')).toBe('v');
  });

  test('off() removes a message listener', async () => {
    const pub = fresh();
    const sub = pub.duplicate();
    const got: string[] = [];
    const listener = (_: unknown, m: unknown) => got.push(String(m));
    sub.on('message', listener);
    await sub.subscribe('c');
    await pub.publish('c', '1');
    await tick();
    sub.off('message', listener);
    await pub.publish('c', '2');
    await tick();
    expect(got).toEqual(['1']);
  });
});
