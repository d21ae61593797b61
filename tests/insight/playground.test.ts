import RedisMock from 'ioredis-mock';
import { describe, expect, it } from 'vitest';
import { createPlayground, createPlaygroundHost } from '../../src/runner/playground.ts';
import type { FromPlayground } from '../../src/runner/playground-protocol.ts';

let n = 0;
const fresh = () => createPlayground(() => new RedisMock({ host: `playground-test-${n++}` }));

async function texts(lines: string[]) {
  const playground = fresh();
  const out: string[] = [];
  for (const line of lines) out.push((await playground.exec(line)).text);
  return out;
}

describe('createPlayground', () => {
  it('answers the way redis-cli prints Redis 7 replies', async () => {
    const playground = fresh();
    expect(await playground.exec('SET greeting hello')).toEqual({
      text: 'OK',
      error: false,
      transaction: false,
    });
    expect(await playground.exec('GET greeting')).toEqual({
      text: '"hello"',
      error: false,
      transaction: false,
    });
    expect(await playground.exec('INCR greeting')).toEqual({
      text: '(error) ERR value is not an integer or out of range',
      error: true,
      transaction: false,
    });
  });

  it('prints nil, integers, arrays and quoted escapes like redis-cli', async () => {
    expect(
      await texts([
        'GET missing',
        'RPUSH l a "b c"',
        'LRANGE l 0 -1',
        'LRANGE nothing 0 -1',
        'SET q "say \\"hi\\"\\xff"',
        'GET q',
      ]),
    ).toEqual([
      '(nil)',
      '(integer) 2',
      '1) "a"\n2) "b c"',
      '(empty array)',
      'OK',
      '"say \\"hi\\"\\xff"',
    ]);
  });

  it('parses input with redis-cli quoting and rejects unbalanced quotes', async () => {
    const playground = fresh();
    expect(await playground.exec('SET \'my key\' "a b"')).toMatchObject({ text: 'OK' });
    expect(await playground.exec("GET 'my key'")).toMatchObject({ text: '"a b"' });
    expect(await playground.exec('GET "unclosed')).toEqual({
      text: 'Invalid argument(s)',
      error: true,
      transaction: false,
    });
  });

  it('shows syntax and summary for HELP <command>', async () => {
    const { text, error } = await fresh().exec('HELP SET');
    expect(error).toBe(false);
    expect(text).toMatch(/^\s+SET key value .*\[NX\|XX\]/m);
    expect(text).toMatch(/summary: .*string value of a key/i);
    expect((await fresh().exec('HELP nosuchcommand')).text).toMatch(/No help for "nosuchcommand"/);
    expect((await fresh().exec('HELP')).text).toMatch(/help <command>/);
  });

  it('queues inside MULTI and reports the open transaction for the prompt', async () => {
    const playground = fresh();
    expect(await playground.exec('MULTI')).toEqual({ text: 'OK', error: false, transaction: true });
    expect(await playground.exec('INCR counter')).toEqual({
      text: 'QUEUED',
      error: false,
      transaction: true,
    });
    expect(await playground.exec('EXEC')).toEqual({
      text: '1) (integer) 1',
      error: false,
      transaction: false,
    });
  });

  it('loads a snapshot into an empty store and resets to empty', async () => {
    const playground = fresh();
    await playground.exec('SET stale 1');
    const keys = playground.load({
      entries: [
        { key: 'user:42', type: 'string', value: '{"id":42}', ttlMs: null },
        { key: 'session', type: 'hash', value: [['user', '42']], ttlMs: 60_000 },
      ],
      omittedKeys: 0,
    });
    expect(keys).toBe(2);
    expect((await playground.exec('GET stale')).text).toBe('(nil)');
    expect((await playground.exec('GET user:42')).text).toBe('"{\\"id\\":42}"');
    expect((await playground.exec('HGET session user')).text).toBe('"42"');
    expect(
      Number((await playground.exec('TTL session')).text.replace('(integer) ', '')),
    ).toBeGreaterThan(58);
    expect(playground.load(null)).toBe(0);
    expect((await playground.exec('DBSIZE')).text).toBe('(integer) 0');
  });

  it('leaves an open MULTI behind when the store is reset', async () => {
    const playground = fresh();
    await playground.exec('MULTI');
    playground.load(null);
    expect(await playground.exec('SET a 1')).toEqual({
      text: 'OK',
      error: false,
      transaction: false,
    });
  });

  it('runs Lua behind the sandbox guard', async () => {
    const playground = fresh();
    expect(
      (
        await playground.exec(
          "EVAL \"redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])\" 1 k v",
        )
      ).text,
    ).toBe('"v"');
    expect((await playground.exec('GET k')).text).toBe('"v"');
    const escape = await playground.exec('EVAL "return os.execute(\'echo escaped\')" 0');
    expect(escape.error).toBe(true);
    expect(escape.text).toMatch(/^\(error\) /);
  });
});

describe('createPlaygroundHost', () => {
  it('parses each message, runs it and replies in order', async () => {
    const posted: FromPlayground[] = [];
    const onMessage = createPlaygroundHost(fresh(), (m) => posted.push(m));
    void onMessage({ type: 'exec', id: 1, line: 'SET greeting hello' });
    void onMessage({ type: 'exec', id: 2, line: 'GET greeting' });
    await onMessage({ type: 'load', id: 3, snapshot: null });
    expect(posted).toEqual([
      { type: 'output', id: 1, text: 'OK', error: false, transaction: false },
      { type: 'output', id: 2, text: '"hello"', error: false, transaction: false },
      { type: 'loaded', id: 3, keys: 0 },
    ]);
  });

  it('drops messages that do not match the protocol', async () => {
    const posted: FromPlayground[] = [];
    const onMessage = createPlaygroundHost(fresh(), (m) => posted.push(m));
    await onMessage({ type: 'exec', id: 'x', line: 'PING' });
    await onMessage({ type: 'run', runId: '1', lesson: 'x', source: '' });
    await onMessage('PING');
    await onMessage({
      type: 'load',
      id: 1,
      snapshot: { entries: [{ key: 'k', type: 'blob', value: 1, ttlMs: null }], omittedKeys: 0 },
    });
    expect(posted).toEqual([]);
    await onMessage({ type: 'exec', id: 2, line: 'PING' });
    expect(posted).toEqual([
      { type: 'output', id: 2, text: 'PONG', error: false, transaction: false },
    ]);
  });
});
