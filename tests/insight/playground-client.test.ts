import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createPlaygroundClient,
  type WorkerLike,
} from '../../src/runner/browser/playground-client.ts';
import type { ToPlayground } from '../../src/runner/playground-protocol.ts';

/** A worker double: records what the page posts and lets the test answer. */
class FakeWorker implements WorkerLike {
  posted: ToPlayground[] = [];
  terminated = false;
  private listeners: Record<string, ((event: Event) => void)[]> = { message: [], error: [] };
  postMessage(message: unknown) {
    this.posted.push(message as ToPlayground);
  }
  addEventListener(type: 'message' | 'error', listener: (event: Event) => void) {
    this.listeners[type].push(listener);
  }
  terminate() {
    this.terminated = true;
  }
  reply(data: unknown) {
    for (const l of this.listeners.message) l(new MessageEvent('message', { data }));
  }
  crash() {
    for (const l of this.listeners.error) l(new Event('error'));
  }
}

function setup(timeoutMs = 3000) {
  const workers: FakeWorker[] = [];
  const client = createPlaygroundClient({
    spawn: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    timeoutMs,
  });
  return { client, workers };
}

afterEach(() => vi.useRealTimers());

describe('createPlaygroundClient', () => {
  it('starts the worker only when first used', () => {
    const { workers } = setup();
    expect(workers).toHaveLength(0);
  });

  it('matches replies to requests by id', async () => {
    const { client, workers } = setup();
    const first = client.exec('SET a 1');
    const second = client.exec('GET a');
    const [w] = workers;
    expect(w.posted).toEqual([
      { type: 'exec', id: 1, line: 'SET a 1' },
      { type: 'exec', id: 2, line: 'GET a' },
    ]);
    w.reply({ type: 'output', id: 2, text: '"1"', error: false, transaction: false });
    w.reply({ type: 'output', id: 1, text: 'OK', error: false, transaction: false });
    await expect(first).resolves.toEqual({ text: 'OK', error: false, transaction: false });
    await expect(second).resolves.toEqual({ text: '"1"', error: false, transaction: false });
  });

  it('ignores malformed and unknown replies', async () => {
    const { client, workers } = setup();
    const pending = client.exec('PING');
    const [w] = workers;
    w.reply({ type: 'output', id: 1, text: 42 });
    w.reply({ type: 'output', id: 99, text: 'forged', error: false, transaction: false });
    w.reply('PONG');
    w.reply({ type: 'output', id: 1, text: 'PONG', error: false, transaction: false });
    await expect(pending).resolves.toMatchObject({ text: 'PONG' });
  });

  it('loads a snapshot and reports the key count', async () => {
    const { client, workers } = setup();
    const snapshot = {
      entries: [{ key: 'a', type: 'string' as const, value: '1', ttlMs: null }],
      omittedKeys: 0,
    };
    const loading = client.load(snapshot);
    expect(workers[0].posted[0]).toEqual({ type: 'load', id: 1, snapshot });
    workers[0].reply({ type: 'loaded', id: 1, keys: 1 });
    await expect(loading).resolves.toBe(1);
  });

  it('replaces a worker that takes too long and says why', async () => {
    vi.useFakeTimers();
    const { client, workers } = setup(2000);
    const slow = client.exec('EVAL "while true do end" 0');
    workers[0].reply({ type: 'ready', startupMs: 300 });
    const outcome = expect(slow).rejects.toThrow(/longer than 2 s.*restarted empty/);
    vi.advanceTimersByTime(2000);
    await outcome;
    expect(workers[0].terminated).toBe(true);
    const next = client.exec('PING');
    expect(workers).toHaveLength(2);
    workers[1].reply({ type: 'ready', startupMs: 300 });
    workers[1].reply({ type: 'output', id: 2, text: 'PONG', error: false, transaction: false });
    await expect(next).resolves.toMatchObject({ text: 'PONG' });
  });

  it('does not count the worker’s start-up against the first command', async () => {
    vi.useFakeTimers();
    const { client, workers } = setup(2000);
    const first = client.exec('PING');
    vi.advanceTimersByTime(10_000);
    expect(workers[0].terminated).toBe(false);
    workers[0].reply({ type: 'ready', startupMs: 10_000 });
    workers[0].reply({ type: 'output', id: 1, text: 'PONG', error: false, transaction: false });
    await expect(first).resolves.toMatchObject({ text: 'PONG' });
  });

  it('gives up on a worker that never becomes ready', async () => {
    vi.useFakeTimers();
    const { client, workers } = setup();
    const first = client.exec('PING');
    const outcome = expect(first).rejects.toThrow(/did not start/);
    vi.advanceTimersByTime(20_000);
    await outcome;
    expect(workers[0].terminated).toBe(true);
  });

  it('fails pending requests when the worker crashes, then starts a new one', async () => {
    const { client, workers } = setup();
    const pending = client.exec('GET a');
    workers[0].crash();
    await expect(pending).rejects.toThrow(/crashed/);
    void client.exec('GET a');
    expect(workers).toHaveLength(2);
  });

  it('treats a fatal message as a crash', async () => {
    const { client, workers } = setup();
    const pending = client.exec('GET a');
    workers[0].reply({ type: 'fatal', message: 'could not start the store' });
    await expect(pending).rejects.toThrow('could not start the store');
  });
});
