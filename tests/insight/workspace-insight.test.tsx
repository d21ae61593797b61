// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEventModule from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisConsoleProvider } from '../../src/components/insight/RedisConsoleProvider.tsx';
import { WorkspaceWithInsight } from '../../src/components/insight/WorkspaceWithInsight.tsx';
import type { WorkspaceProps } from '../../src/components/workspace/Workspace.tsx';
import type { WorkspaceRunner } from '../../src/components/workspace/use-run.ts';
import type { PlaygroundClient } from '../../src/runner/browser/playground-client.ts';
import type { KeyspaceSnapshot } from '../../src/runner/keyspace-snapshot.ts';
import { createProgressStore } from '../../src/progress/progress-store.ts';
import { createMemoryStorage } from '../../src/progress/storage-adapter.ts';
import type { RunReport } from '../../src/runner/report.ts';

vi.mock('@monaco-editor/react', async () => await import('../workspace/fake-monaco.tsx'));
vi.mock('../../src/editor/monaco-setup.ts', () => ({ DARK_THEME: 'cachelab-dark' }));

afterEach(cleanup);
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

const REPORT: RunReport = {
  lesson: LESSON.slug,
  passed: false,
  console: '',
  durationMs: 3,
  snapshot,
  checks: [
    {
      name: 'getPopularPosts on a hit returns the cached posts',
      passed: false,
      message: 'expected 2 calls to equal 1',
      durationMs: 1,
      trace: [{ command: 'GET', args: ['popular_posts'], reply: '(nil)', atMs: 0.3 }],
      keyspace: [
        { key: 'popular_posts', type: 'string', preview: '"[{\\"id\\":1}]"', ttlMs: null },
      ],
      clockAdvancedMs: 0,
    },
  ],
};

function runner(): WorkspaceRunner {
  return { warm: vi.fn(), run: vi.fn(async () => REPORT) };
}

/** A console store that remembers what it was loaded with and answers GET from it. */
function seededClient() {
  let loaded: KeyspaceSnapshot | null = null;
  const client: PlaygroundClient = {
    load: async (s) => {
      loaded = s;
      return s?.entries.length ?? 0;
    },
    exec: async (line) => {
      const key = line.split(' ')[1];
      const hit = loaded?.entries.find((e) => e.key === key);
      return { text: hit ? JSON.stringify(hit.value) : '(nil)', error: false, transaction: false };
    },
    dispose() {},
  };
  return client;
}

describe('WorkspaceWithInsight', () => {
  it('shows the run’s trace and keyspace and seeds the console with its final keyspace', async () => {
    const onRunComplete = vi.fn();
    render(
      <RedisConsoleProvider client={seededClient()}>
        <WorkspaceWithInsight
          lesson={LESSON}
          runner={runner()}
          progress={createProgressStore({ ...createMemoryStorage(), persistent: true })}
          onRunComplete={onRunComplete}
        />
      </RedisConsoleProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: /^Run/ }));
    // Each insight panel is a tab under the editor; the panels stay mounted when hidden.
    await userEvent.click(screen.getByRole('tab', { name: 'Command trace' }));
    const trace = await screen.findByRole('region', { name: 'Command trace' });
    await waitFor(() => expect(within(trace).getByText('GET "popular_posts"')).toBeInTheDocument());
    await userEvent.click(screen.getByRole('tab', { name: 'Keyspace' }));
    const keyspace = screen.getByRole('region', { name: 'Keyspace inspector' });
    expect(within(keyspace).getByRole('rowheader', { name: 'popular_posts' })).toBeInTheDocument();
    expect(onRunComplete).toHaveBeenCalledWith(REPORT);

    await userEvent.click(screen.getByRole('tab', { name: 'redis-cli' }));
    const consoleRegion = screen.getByRole('region', { name: 'Redis console' });
    const input = within(consoleRegion).getByRole('textbox', { name: 'Redis command' });
    await userEvent.click(input);
    await userEvent.paste('GET popular_posts');
    await userEvent.keyboard('{Enter}');
    const log = within(consoleRegion).getByRole('log');
    await waitFor(() => expect(log).toHaveTextContent('"[{\\"id\\":1}]"'));
    expect(log).toHaveTextContent('holds a copy of what your last run left: 1 key');
  }, 20_000);
});
