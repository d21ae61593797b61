import { describe, expect, it } from 'vitest';
import { startWorkerLoop, type WorkerLoopOptions } from '../../src/runner/worker-loop.ts';
import { backend, checks, type AnyContext } from './harness.ts';

/**
 * The Node child sends a check's result and the next check's start note in one write
 * (`postMany`). The host must see exactly the messages, in exactly the order, it saw with one
 * write each, and a check's result must be on its way before any learner code of the next check
 * runs: a run killed there must still list the check as finished.
 */

const SOURCE = 'export function add(a: number, b: number) { return a + b; }';

interface Write {
  via: 'post' | 'postMany';
  texts: string[];
}

function startLoop(
  withPostMany: boolean,
  bodies: ((ctx: AnyContext) => Promise<void>)[],
  holdChecksMs = 0,
  writes: Write[] = [],
) {
  const waiting = new Map<string, () => void>();
  const seen = (text: string) => {
    const message = JSON.parse(text) as { type: string; runId?: string };
    if (message.type === 'done' && message.runId) setTimeout(() => waiting.get(message.runId!)?.());
    if (message.type === 'ready' || message.type === 'fatal') waiting.get('ready')?.();
  };
  const options: WorkerLoopOptions = {
    post: (text) => {
      writes.push({ via: 'post', texts: [text] });
      seen(text);
    },
    ...(withPostMany
      ? {
          postMany: (texts: readonly string[]) => {
            writes.push({ via: 'postMany', texts: [...texts] });
            texts.forEach(seen);
          },
        }
      : {}),
    backend,
    loadSuite: () => checks(...bodies),
    checkTimeoutMs: 1000,
    holdChecksMs,
    uptimeMs: () => 1,
  };
  const ready = new Promise<void>((resolve) => waiting.set('ready', resolve));
  const loop = startWorkerLoop(options);
  /** Every message of the run, in order, whatever write carried it. */
  const messages = (runId: string) =>
    writes
      .flatMap((w) => w.texts)
      .map((t) => JSON.parse(t) as { type: string; runId?: string; index?: number })
      .filter((m) => m.runId === runId)
      .map((m) => {
        // Timings differ from run to run; everything else must not.
        const copy = JSON.parse(JSON.stringify(m)) as Record<string, unknown>;
        const result = copy.result as Record<string, unknown> | undefined;
        if (result) delete result.durationMs;
        if (result?.trace) for (const e of result.trace as { atMs?: number }[]) delete e.atMs;
        const report = copy.report as { durationMs?: number; checks?: Record<string, unknown>[] };
        if (report) {
          delete report.durationMs;
          for (const c of report.checks ?? []) {
            delete c.durationMs;
            for (const e of (c.trace ?? []) as { atMs?: number }[]) delete e.atMs;
          }
        }
        return copy;
      });
  const run = async (runId: string) => {
    const done = new Promise<void>((resolve) => waiting.set(runId, resolve));
    loop.receive(JSON.stringify({ type: 'run', runId, lesson: 'adding', source: SOURCE }));
    await done;
  };
  return { writes, ready, run, messages };
}

const bodies = (log?: string[], writes?: () => Write[]) => [
  async ({ learner, client }: AnyContext) => {
    await client.set('a', '1');
    await learner.add(1, 2);
  },
  async ({ learner }: AnyContext) => {
    // Check code runs after the module was evaluated for this check: by then the first
    // check's result must have been written.
    log?.push(
      writes?.().some((w) =>
        w.texts.some((t) => t.includes('"type":"check","runId":"r","index":0')),
      )
        ? 'check 1 written before check 2 ran'
        : 'check 1 NOT written before check 2 ran',
    );
    await learner.add(3, 4);
  },
  async ({ learner }: AnyContext) => {
    await learner.add(5, 6);
  },
];

describe('worker loop: one write for a check and the next check start', () => {
  it('writes each check result with the next check start, the last on its own', async () => {
    const loop = startLoop(true, bodies());
    await loop.ready;
    await loop.run('r');
    const batched = loop.writes.filter((w) => w.via === 'postMany');
    expect(
      batched.map((w) => w.texts.map((t) => (JSON.parse(t) as { type: string }).type)),
    ).toEqual([
      ['check', 'checkStart'],
      ['check', 'checkStart'],
    ]);
    const runWrites = loop.writes.filter((w) => w.texts.some((t) => t.includes('"runId":"r"')));
    // 3 check starts + 3 calls + 3 results + accepted + started + done = 12 messages in 10 writes.
    expect(runWrites.flatMap((w) => w.texts)).toHaveLength(12);
    expect(runWrites).toHaveLength(10);
  });

  it('sends the same messages in the same order as one write each (control: no postMany)', async () => {
    // One realm runs one run at a time: the loops start and run one after the other.
    const withMany = startLoop(true, bodies());
    await withMany.ready;
    await withMany.run('r');
    const without = startLoop(false, bodies());
    await without.ready;
    await without.run('r');
    expect(without.writes.every((w) => w.via === 'post')).toBe(true);
    expect(withMany.messages('r')).toEqual(without.messages('r'));
    expect(withMany.messages('r').map((m) => m.type)).toEqual([
      'accepted',
      'started',
      'checkStart',
      'call',
      'check',
      'checkStart',
      'call',
      'check',
      'checkStart',
      'call',
      'check',
      'done',
    ]);
  });

  it("has a check's result written before the next check's code runs", async () => {
    const log: string[] = [];
    const writes: Write[] = [];
    const loop = startLoop(
      true,
      bodies(log, () => writes),
      0,
      writes,
    );
    await loop.ready;
    await loop.run('r');
    expect(log).toEqual(['check 1 written before check 2 ran']);
    // Control: checks held for the `done` report (the browser's way) are not written by then,
    // and the probe says so.
    const heldWrites: Write[] = [];
    const held = startLoop(
      true,
      bodies(log, () => heldWrites),
      60_000,
      heldWrites,
    );
    await held.ready;
    await held.run('r');
    expect(log.at(-1)).toBe('check 1 NOT written before check 2 ran');
  });
});
