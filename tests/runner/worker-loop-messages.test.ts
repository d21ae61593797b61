import { describe, expect, it } from 'vitest';
import { startWorkerLoop, type WorkerLoopOptions } from '../../src/runner/worker-loop.ts';
import { backend, checks } from './harness.ts';

/**
 * What a run says to its host, and where: the worker loop's messages per run are what a warm
 * run in the browser pays for (each one crosses to the page's process), so their number and
 * route are behaviour worth pinning down.
 */

const suite = checks(
  async ({ learner }) => {
    await learner.add(1, 2);
  },
  async ({ learner }) => {
    await learner.add(3, 4);
  },
);
const SOURCE = 'export function add(a: number, b: number) { return a + b; }';

interface Sent {
  to: 'post' | 'note';
  type: string;
  runId?: string;
}

function startLoop(withNotes: boolean) {
  const sent: Sent[] = [];
  const waiting = new Map<string, () => void>();
  const record = (to: Sent['to']) => (text: string) => {
    const message = JSON.parse(text) as { type: string; runId?: string };
    sent.push({ to, type: message.type, runId: message.runId });
    // A host gets `done` in a task of its own, after the loop has finished with the run.
    if (message.type === 'done' && message.runId) setTimeout(() => waiting.get(message.runId!)?.());
    if (message.type === 'ready' || message.type === 'fatal') waiting.get('ready')?.();
  };
  const options: WorkerLoopOptions = {
    post: record('post'),
    ...(withNotes ? { postNote: record('note') } : {}),
    backend,
    loadSuite: async (slug) => (slug === 'adding' ? suite : undefined),
    checkTimeoutMs: 1000,
    uptimeMs: () => 1,
  };
  const ready = new Promise<void>((resolve) => waiting.set('ready', resolve));
  const loop = startWorkerLoop(options);
  const run = (runId: string, lesson = 'adding') => {
    const done = new Promise<void>((resolve) => waiting.set(runId, resolve));
    loop.receive(JSON.stringify({ type: 'run', runId, lesson, source: SOURCE }));
    return done;
  };
  // Finished checks go to `post` as well, held or streamed (held-checks.ts); left out here.
  const of = (runId: string) => sent.filter((m) => m.runId === runId && m.type !== 'check');
  return { sent, ready, run, of };
}

describe('startWorkerLoop messages', () => {
  it('sends progress notes to postNote, and everything else to post', async () => {
    const loop = startLoop(true);
    await loop.ready;
    expect(loop.sent.at(-1)).toMatchObject({ type: 'ready' });
    await loop.run('a');
    const notes = loop.of('a').filter((m) => m.to === 'note');
    expect(notes.map((m) => m.type)).toEqual(['checkStart', 'call', 'checkStart', 'call']);
    expect(
      loop
        .of('a')
        .filter((m) => m.to === 'post')
        .map((m) => m.type),
    ).toEqual(['accepted', 'started', 'done']);
  });

  it('sends notes to post when there is no postNote (the Node child, the dev server)', async () => {
    const loop = startLoop(false);
    await loop.ready;
    await loop.run('a');
    expect(loop.of('a').map((m) => `${m.to}:${m.type}`)).toEqual([
      'post:accepted',
      'post:started',
      'post:checkStart',
      'post:call',
      'post:checkStart',
      'post:call',
      'post:done',
    ]);
  });

  it("lets `started` acknowledge a run on an idle worker whose lesson's checks are loaded", async () => {
    const loop = startLoop(true);
    await loop.ready;
    await loop.run('first');
    expect(loop.of('first')[0]?.type).toBe('accepted');
    await loop.run('second');
    const posted = loop.of('second').filter((m) => m.to === 'post');
    expect(posted.map((m) => m.type)).toEqual(['started', 'done']);
  });

  it('still says `accepted` for a run that has to wait, or for checks not loaded yet (controls)', async () => {
    const loop = startLoop(true);
    await loop.ready;
    await loop.run('first');
    // Received while another run is in flight: it waits, so it is acknowledged at once.
    const busy = loop.run('busy');
    const queued = loop.run('queued');
    expect(loop.of('queued').map((m) => m.type)).toEqual(['accepted']);
    await Promise.all([busy, queued]);
    // A lesson this worker has not loaded (here: none by that name) is acknowledged first too.
    await loop.run('unknown', 'no-such-lesson');
    expect(loop.of('unknown').map((m) => m.type)).toEqual(['accepted', 'started', 'done']);
  });

  it('acknowledges a run that arrives before the warm-up has ended', async () => {
    const loop = startLoop(true);
    const early = loop.run('early');
    expect(loop.of('early').map((m) => m.type)).toEqual(['accepted']);
    await early;
    expect(loop.of('early').at(-1)?.type).toBe('done');
  });
});
