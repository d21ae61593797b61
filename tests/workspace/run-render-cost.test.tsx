// @vitest-environment jsdom
/**
 * What a warm run renders in the task that has to paint its results (issue 14, warm click to
 * results): only what the run changed and the tab on screen. Hidden insight tabs catch up after
 * the paint, the editor is left alone when no line is marked, no frame is asked for while the
 * run is in flight, and the console's state keeps its identity when a run hands it a new seed.
 */
import { act, cleanup, render, renderHook, screen, waitFor, within } from '@testing-library/react';
import userEventModule from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RedisConsoleProvider } from '../../src/components/insight/RedisConsoleProvider.tsx';
import { useRedisConsole } from '../../src/components/insight/use-redis-console.ts';
import { WorkspaceWithInsight } from '../../src/components/insight/WorkspaceWithInsight.tsx';
import type { WorkspaceProps } from '../../src/components/workspace/Workspace.tsx';
import type { WorkspaceRunner } from '../../src/components/workspace/use-run.ts';
import { createProgressStore } from '../../src/progress/progress-store.ts';
import { createMemoryStorage } from '../../src/progress/storage-adapter.ts';
import type { PlaygroundClient } from '../../src/runner/browser/playground-client.ts';
import type { KeyspaceSnapshot } from '../../src/runner/keyspace-snapshot.ts';
import type { RunReport } from '../../src/runner/report.ts';
import { fakeMonaco, resetFakeMonaco } from './fake-monaco.tsx';

vi.mock('@monaco-editor/react', async () => await import('./fake-monaco.tsx'));
vi.mock('../../src/editor/monaco-setup.ts', () => ({ DARK_THEME: 'cachelab-dark' }));

const userEvent = userEventModule.setup({ delay: null });

const LESSON: WorkspaceProps['lesson'] = {
  slug: 'key-value-basics',
  title: 'Key/value basics',
  starter: 'export async function saveUser() {}\n',
  solution: 'export async function saveUser() {}\n',
  checksSource: 'export default defineChecks({ checks: [] });\n',
  hints: ['Start with SET.'],
};

const snapshot: KeyspaceSnapshot = {
  entries: [{ key: 'popular_posts', type: 'string', value: '[{"id":1}]', ttlMs: null }],
  omittedKeys: 0,
};

function report(): RunReport {
  return {
    lesson: LESSON.slug,
    passed: true,
    console: '',
    durationMs: 3,
    snapshot,
    checks: [
      {
        name: 'getPopularPosts on a hit returns the cached posts',
        passed: true,
        durationMs: 1,
        trace: [{ command: 'GET', args: ['popular_posts'], reply: '(nil)', atMs: 0.3 }],
        keyspace: [
          { key: 'popular_posts', type: 'string', preview: '"[{\\"id\\":1}]"', ttlMs: null },
        ],
        clockAdvancedMs: 0,
      },
    ],
  };
}

const client: PlaygroundClient = {
  load: async (s) => s?.entries.length ?? 0,
  exec: async () => ({ text: '(nil)', error: false, transaction: false }),
  dispose() {},
};

/** A runner whose runs finish when the test says so. */
function controlledRunner() {
  const pending: ((r: RunReport) => void)[] = [];
  const startedAt: number[] = [];
  const runner = {
    warm: vi.fn(),
    run: vi.fn(() => {
      startedAt.push(performance.now());
      return new Promise<RunReport>((resolve) => pending.push(resolve));
    }),
    startedAt,
  } satisfies WorkspaceRunner & { startedAt: number[] };
  return { runner, finish: (r: RunReport) => pending.shift()?.(r) };
}

/** Animation frames held until the test paints them, as a browser would between tasks. */
let frames: FrameRequestCallback[] = [];
function paint() {
  const due = frames;
  frames = [];
  for (const callback of due) callback(performance.now());
}

beforeEach(() => {
  resetFakeMonaco();
  frames = [];
  vi.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => {
    frames.push(callback);
    return frames.length;
  });
  vi.spyOn(window, 'cancelAnimationFrame').mockImplementation(() => undefined);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

async function renderWorkspace() {
  const { runner, finish } = controlledRunner();
  render(
    <RedisConsoleProvider client={client}>
      <WorkspaceWithInsight
        lesson={LESSON}
        runner={runner}
        progress={createProgressStore({ ...createMemoryStorage(), persistent: true })}
      />
    </RedisConsoleProvider>,
  );
  // The editor loads after the first paint (after-first-paint.ts), so paint until it has.
  await waitFor(() => {
    paint();
    expect(fakeMonaco.mounted).toBe(true);
  });
  return { runner, finish };
}

const runButton = () => screen.getByRole('button', { name: /^Run/ });
/** A tab's panel, shown or hidden (hidden ones have no accessible name to find them by). */
function panel(id: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`[role="tabpanel"][data-tab="${id}"]`);
  if (!found) throw new Error(`no ${id} panel`);
  return found;
}
const tracePanel = () => panel('trace');
const keyspacePanel = () => panel('keyspace');

// 20 s a test: the first render imports the whole workspace, which took more than vitest's default
// 5 s on a shared machine at a load average of 15–19 (a longer limit changes nothing they check).
describe('a warm run’s render', { timeout: 20_000 }, () => {
  it('paints the results first; hidden trace and keyspace tabs catch up after that paint', async () => {
    const { finish } = await renderWorkspace();
    await userEvent.click(runButton());
    await act(async () => finish(report()));

    // The results are in the DOM in the task that delivered the report...
    expect(screen.getByRole('list', { name: 'Check results' })).toHaveTextContent(
      'getPopularPosts on a hit returns the cached posts',
    );
    // ...while the hidden tabs still hold what they showed before the run.
    expect(tracePanel()).toHaveTextContent('Run your code to see the commands it sends.');
    expect(keyspacePanel()).toHaveTextContent('Run your code to see what it leaves in the store.');

    // After the frame that paints the results, they render the run.
    await act(async () => {
      paint();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    await waitFor(() =>
      expect(tracePanel()).toHaveTextContent('returns the cached posts (1 command)'),
    );
    expect(
      within(keyspacePanel()).getByRole('rowheader', { hidden: true, name: 'popular_posts' }),
    ).toBeInTheDocument();
  });

  it('renders the insight tab on screen in the same task as the results', async () => {
    const { finish } = await renderWorkspace();
    await userEvent.click(screen.getByRole('tab', { name: 'Command trace' }));
    await userEvent.click(runButton());
    await act(async () => finish(report()));
    // No frame has been painted: the visible tab got the run's checks at once.
    expect(tracePanel()).toHaveTextContent('returns the cached posts (1 command)');
    expect(keyspacePanel()).toHaveTextContent('Run your code to see what it leaves in the store.');
  });

  it('leaves the editor alone when a re-run marks no lines', async () => {
    const { finish } = await renderWorkspace();
    // The first pass shows the lesson's completion mark in the editor's tab row.
    await userEvent.click(runButton());
    await act(async () => finish(report()));
    const editorRenders = vi.spyOn(fakeMonaco, 'setValue');
    await userEvent.click(runButton());
    await act(async () => finish(report()));
    expect(screen.getByRole('status', { name: 'Run summary' })).toHaveAttribute('data-run', '2');
    expect(editorRenders).not.toHaveBeenCalled();
  });

  it('asks for no animation frame while a run is in flight, before results stream', async () => {
    const { finish, runner } = await renderWorkspace();
    paint();
    // When each frame is asked for; a slow machine may pass STREAM_AFTER_MS (100 ms), after
    // which streamed checks may ask for frames.
    const askedAt: number[] = [];
    vi.mocked(window.requestAnimationFrame).mockImplementation((callback) => {
      askedAt.push(performance.now());
      frames.push(callback);
      return frames.length;
    });
    await userEvent.click(runButton());
    const startedAt = runner.startedAt[0];
    // Past the busy state (50 ms).
    await act(() => new Promise((resolve) => setTimeout(resolve, 70)));
    expect(runButton()).toHaveAttribute('aria-busy', 'true');
    expect(askedAt.filter((at) => at >= startedAt && at < startedAt + 100)).toEqual([]);
    await act(async () => finish(report()));
  });
});

describe(useRedisConsole, () => {
  it('keeps the same state object when only the seed changes', () => {
    const { result, rerender } = renderHook(
      ({ seed }: { seed: KeyspaceSnapshot | null }) => useRedisConsole({ client, seed }),
      { initialProps: { seed: null as KeyspaceSnapshot | null } },
    );
    const before = result.current;
    rerender({ seed: snapshot });
    expect(result.current).toBe(before);
  });
});
