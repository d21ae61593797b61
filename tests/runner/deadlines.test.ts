import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadlines } from '../../src/runner/deadlines.ts';
import { heldChecks } from '../../src/runner/held-checks.ts';
import type { CheckResult } from '../../src/runner/report.ts';

describe('createDeadlines', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const late = (what: string) => () => new Error(`${what} was late`);
  const never = () => new Promise<never>(() => {});

  it('settles like the promise when it settles in time', async () => {
    const deadlines = createDeadlines();
    await expect(deadlines.race(Promise.resolve(7), 100, late('a'))).resolves.toBe(7);
    await expect(deadlines.race(Promise.reject(new Error('boom')), 100, late('b'))).rejects.toThrow(
      'boom',
    );
  });

  it('rejects each pending wait when its own deadline passes, not before', async () => {
    const deadlines = createDeadlines();
    const outcomes: string[] = [];
    const track = (name: string, promise: Promise<unknown>) =>
      promise.then(
        () => outcomes.push(`${name} ok`),
        (error: Error) => outcomes.push(error.message),
      );
    const long = track('long', deadlines.race(never(), 500, late('long')));
    const short = track('short', deadlines.race(never(), 100, late('short')));
    let finish!: (value: string) => void;
    const quick = track(
      'quick',
      deadlines.race(new Promise<string>((resolve) => (finish = resolve)), 300, late('quick')),
    );

    await vi.advanceTimersByTimeAsync(99);
    expect(outcomes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes).toEqual(['short was late']);
    finish('done');
    await vi.advanceTimersByTimeAsync(399);
    expect(outcomes).toEqual(['short was late', 'quick ok']);
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes).toEqual(['short was late', 'quick ok', 'long was late']);
    await Promise.all([long, short, quick]);
  });

  it('poll fails the waits already due at once, as busy; the timer fails them as idle', async () => {
    let clock = 0;
    const deadlines = createDeadlines(() => clock);
    const outcomes: string[] = [];
    const track = (name: string, ms: number) =>
      deadlines
        .race(never(), ms, (busy) => new Error(`${name} ${busy ? 'busy' : 'idle'}`))
        .catch((error: Error) => outcomes.push(error.message));
    const due = track('due', 100);
    const later = track('later', 300);
    deadlines.poll(); // nothing due yet
    clock = 150; // time passes while no task runs (the fake timer is not advanced)
    deadlines.poll();
    await Promise.resolve();
    expect(outcomes).toEqual(['due busy']);
    clock = 300;
    await vi.advanceTimersByTimeAsync(300); // the timer, re-armed for the next deadline
    expect(outcomes).toEqual(['due busy', 'later idle']);
    await Promise.all([due, later]);
  });

  it('shares one host timer between waits instead of one each', async () => {
    const deadlines = createDeadlines();
    // Counted through a stub taken off inside the test, before the fake timers go. A spy on the
    // fake setTimeout (what this was) stays in vitest's registry after its own restore, and the
    // next `vi.restoreAllMocks()` (tests/setup.ts, after a later file in this worker) put the dead
    // fake back as the global setTimeout: every later timer in that worker never fired (measured:
    // tests/cli/watch-lessons.test.ts timed out on a fresh clone, whose file order differs).
    const fakeSetTimeout = globalThis.setTimeout;
    let armed = 0;
    vi.stubGlobal('setTimeout', (...args: Parameters<typeof setTimeout>) => {
      armed += 1;
      return fakeSetTimeout(...args);
    });
    try {
      // A check's own limit, then many learner calls with a shorter one, as a run makes them.
      void deadlines.race(never(), 5000, late('check')).catch(() => {});
      for (let i = 0; i < 40; i += 1) {
        await deadlines.race(Promise.resolve(i), 1000, late(`call ${i}`));
        await vi.advanceTimersByTimeAsync(1);
      }
    } finally {
      vi.unstubAllGlobals();
    }
    expect(armed).toBeLessThanOrEqual(2);
    expect(armed).toBeGreaterThan(0);
  });
});

describe('heldChecks', () => {
  const result = (name: string): CheckResult => ({ name, passed: true, durationMs: 1 });

  it('holds checks that finish early in a run, then sends them in order with the next one', () => {
    let time = 0;
    const sent: [number, string][] = [];
    const onCheck = heldChecks(
      (index, r) => sent.push([index, r.name]),
      20,
      () => time,
    );
    time = 3;
    onCheck(0, result('a'));
    time = 12;
    onCheck(1, result('b'));
    expect(sent).toEqual([]);
    time = 25;
    onCheck(2, result('c'));
    expect(sent).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
    time = 26;
    onCheck(3, result('d'));
    expect(sent.at(-1)).toEqual([3, 'd']);
    expect(sent).toHaveLength(4);
  });
});
