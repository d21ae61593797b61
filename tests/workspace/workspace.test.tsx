// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Workspace, type WorkspaceProps } from '../../src/components/workspace/Workspace.tsx';
import type { WorkspaceRunner } from '../../src/components/workspace/use-run.ts';
import { createProgressStore, type ProgressStore } from '../../src/progress/progress-store.ts';
import { STORAGE_KEY } from '../../src/progress/progress-schema.ts';
import { createMemoryStorage } from '../../src/progress/storage-adapter.ts';
import type { CheckResult, RunReport } from '../../src/runner/report.ts';
import { fakeMonaco, resetFakeMonaco } from './fake-monaco.tsx';
import { downloadHeader } from '../../src/progress/download-header.ts';

vi.mock('@monaco-editor/react', async () => await import('./fake-monaco.tsx'));
vi.mock('../../src/editor/monaco-setup.ts', () => ({ DARK_THEME: 'cachelab-dark' }));

const LESSON: WorkspaceProps['lesson'] = {
  slug: 'key-value-basics',
  title: 'Key/value basics',
  starter:
    "import type { Redis } from 'ioredis';\n\nexport async function saveUser() {\n  // TODO\n}\n",
  solution:
    "import type { Redis } from 'ioredis';\n\nexport async function saveUser(redis: Redis) {\n  await redis.set('user:1', '{}');\n}\n",
  checksSource: 'export default defineChecks({ checks: [] });\n',
  hints: ['Start with SET.', 'Keys look like user:<id>.', 'Use JSON.stringify.'],
};

/** jsdom's Blob has no text(); FileReader works in both jsdom and browsers. */
function blobText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

const pass = (name: string): CheckResult => ({ name, passed: true, durationMs: 1 });
const fail = (name: string, message: string, line?: number): CheckResult => ({
  name,
  passed: false,
  message,
  line,
  durationMs: 1,
});

function report(overrides: Partial<RunReport> = {}): RunReport {
  const checks = overrides.checks ?? [pass('saveUser stores the user as JSON under user:<id>')];
  return {
    lesson: LESSON.slug,
    passed: !overrides.error && checks.every((c) => c.passed),
    checks,
    console: '',
    durationMs: 3,
    ...overrides,
  };
}

function fakeRunner(result: RunReport | (() => Promise<RunReport>) = report()) {
  return {
    warm: vi.fn(),
    run: vi.fn(
      async (_lesson: string, _source: string, onCheck?: (i: number, r: CheckResult) => void) => {
        const final = typeof result === 'function' ? await result() : result;
        final.checks.forEach((check, index) => onCheck?.(index, check));
        return final;
      },
    ),
  } satisfies WorkspaceRunner;
}

function persistentStorage(initial: Record<string, string> = {}) {
  return { ...createMemoryStorage(initial), persistent: true };
}

async function renderWorkspace({
  storage = persistentStorage(),
  runner = fakeRunner(),
  lesson = LESSON,
  progress,
}: {
  storage?: ReturnType<typeof persistentStorage>;
  runner?: WorkspaceRunner;
  lesson?: WorkspaceProps['lesson'];
  progress?: ProgressStore;
} = {}) {
  const store = progress ?? createProgressStore(storage);
  const user = userEvent.setup();
  const view = render(
    <Workspace key={lesson.slug} lesson={lesson} runner={runner} progress={store} />,
  );
  // The editor is a lazy chunk; its first import in this worker can take seconds on a busy machine.
  await waitFor(() => expect(fakeMonaco.mounted).toBe(true), { timeout: 10_000 });
  const editor = () => screen.getByRole('textbox', { name: /^Code editor for Key\/value basics/ });
  return { ...view, user, store, storage, runner, editor };
}

const summary = () => screen.getByRole('status', { name: 'Run summary' });
/** Selects a tab by the start of its name (tabs may carry a count, e.g. "Hints 0/3"). */
const openTab = (user: ReturnType<typeof userEvent.setup>, name: string) =>
  user.click(screen.getByRole('tab', { name: new RegExp(`^${name}`) }));
const runButton = () => screen.getByRole('button', { name: /^Run/ });

// Each describe below allows 20 s a test: a test's first render imports the workspace and its
// lazy editor, which on a shared, busy machine took more than vitest's default 5 s (measured at a
// load average of 15–19); quiet, each takes well under a second.

beforeEach(() => resetFakeMonaco());
afterEach(() => cleanup());

describe('Workspace running code', { timeout: 20_000 }, () => {
  it('warms the runner on mount but never starts a run by itself', async () => {
    const { runner } = await renderWorkspace({
      storage: persistentStorage({
        [STORAGE_KEY]: JSON.stringify({
          version: 1,
          lessons: { [LESSON.slug]: { code: 'saved code', revision: 1, savedAt: 0 } },
        }),
      }),
    });
    await waitFor(() => expect(runner.warm).toHaveBeenCalledWith(LESSON.slug));
    expect(runner.run).not.toHaveBeenCalled();
    expect(summary()).toHaveTextContent(/^$/);
  });

  it('runs the editor code and announces "All 1 check passed"', async () => {
    const { user, runner, editor } = await renderWorkspace();
    fireEvent.change(editor(), { target: { value: 'my code' } });
    await user.click(runButton());
    await waitFor(() => expect(summary()).toHaveTextContent('All 1 check passed'));
    expect(runner.run).toHaveBeenCalledWith(LESSON.slug, 'my code', expect.any(Function));
    expect(screen.getByRole('list', { name: 'Check results' })).toHaveTextContent(
      '✓Passed: saveUser stores the user as JSON under user:<id>',
    );
  });

  it('shows checks that finished while a slow run is still going', async () => {
    const runner: WorkspaceRunner = {
      warm: vi.fn(),
      run: vi.fn(
        (_lesson: string, _source: string, onCheck?: (i: number, r: CheckResult) => void) => {
          onCheck?.(0, pass('saveUser stores JSON'));
          return new Promise<RunReport>(() => undefined);
        },
      ),
    };
    const { user } = await renderWorkspace({ runner });
    await user.click(runButton());
    await waitFor(
      () =>
        expect(screen.getByRole('list', { name: 'Check results' })).toHaveTextContent(
          'saveUser stores JSON',
        ),
      { timeout: 5000 },
    );
    expect(summary()).toHaveTextContent('Running…');
  });

  it('takes the previous results off screen once a new run has lasted a moment', async () => {
    let call = 0;
    const runner: WorkspaceRunner = {
      warm: vi.fn(),
      run: vi.fn(() => {
        call += 1;
        return call === 1 ? Promise.resolve(report()) : new Promise<RunReport>(() => undefined);
      }),
    };
    const { user } = await renderWorkspace({ runner });
    await user.click(runButton());
    await waitFor(() => expect(summary()).toHaveTextContent('All 1 check passed'));
    expect(screen.getByRole('list', { name: 'Check results' })).toBeInTheDocument();
    await user.click(runButton());
    await waitFor(
      () => expect(screen.queryByRole('list', { name: 'Check results' })).not.toBeInTheDocument(),
      { timeout: 2000 },
    );
    expect(summary()).toHaveTextContent('Running…');
  });

  it('shows a busy Run button while the code runs, once the run is not instant', async () => {
    let finish!: (r: RunReport) => void;
    const runner = fakeRunner(() => new Promise<RunReport>((resolve) => (finish = resolve)));
    const { user } = await renderWorkspace({ runner });
    await user.click(runButton());
    // A run that finishes within BUSY_AFTER_MS goes straight to its results, without a flash.
    expect(runButton()).toHaveAttribute('aria-busy', 'false');
    await waitFor(() => expect(runButton()).toHaveAttribute('aria-busy', 'true'));
    expect(runButton()).toHaveAccessibleName('Running…');
    expect(summary()).toHaveTextContent('Running…');
    await user.click(runButton());
    expect(runner.run).toHaveBeenCalledTimes(1);
    await act(async () => finish(report()));
    expect(runButton()).toHaveAttribute('aria-busy', 'false');
    expect(runButton()).toHaveAccessibleName('Run checks');
  });

  it('replaces the summary sentence on a re-run with the same result, so it is announced again', async () => {
    const runner = fakeRunner();
    const { user } = await renderWorkspace({ runner });
    await user.click(runButton());
    await waitFor(() => expect(summary()).toHaveTextContent('All 1 check passed'));
    const first = summary().firstElementChild;
    expect(summary()).toHaveAttribute('data-run', '1');
    await user.click(runButton());
    await waitFor(() => expect(summary()).toHaveAttribute('data-run', '2'));
    expect(summary()).toHaveTextContent('All 1 check passed');
    expect(summary().firstElementChild).not.toBe(first);
  });

  it('lists each check with ✓ or ✗ and the expected-vs-received message of failures', async () => {
    const runner = fakeRunner(
      report({
        checks: [
          pass('saveUser stores the user'),
          fail(
            'loadUser returns null on a miss',
            'expected { id: 1 } to equal null\nexpected: null\nreceived: { id: 1 }',
            12,
          ),
        ],
      }),
    );
    const { user } = await renderWorkspace({ runner });
    await user.click(runButton());
    await waitFor(() => expect(summary()).toHaveTextContent('1 of 2 checks passed'));
    const items = within(screen.getByRole('list', { name: 'Check results' })).getAllByRole(
      'listitem',
    );
    expect(items[0]).toHaveTextContent('✓Passed: saveUser stores the user');
    expect(items[1]).toHaveTextContent('✗Failed: loadUser returns null on a miss');
    expect(items[1]).toHaveTextContent('expected: null');
    expect(items[1]).toHaveTextContent('received: { id: 1 }');
  });

  it('puts a compile error first and does not present checks as the problem', async () => {
    const runner = fakeRunner(
      report({
        checks: [fail('saveUser stores the user', 'saveUser is not a function')],
        error: { kind: 'compile', message: 'Unexpected token (3:7)', line: 3, column: 7 },
      }),
    );
    const { user } = await renderWorkspace({ runner });
    await user.click(runButton());
    await waitFor(() => expect(summary()).toHaveTextContent('Run failed: compile error on line 3'));
    expect(screen.getByText(/does not compile yet, so no checks ran/)).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Check results' })).not.toBeInTheDocument();
    expect(screen.queryByText(/saveUser is not a function/)).not.toBeInTheDocument();
  });

  it('jumps the editor to an error line when the error is clicked, and marks the line', async () => {
    const runner = fakeRunner(
      report({ error: { kind: 'compile', message: 'Unexpected token (3:7)', line: 3, column: 7 } }),
    );
    const { user } = await renderWorkspace({ runner });
    await user.click(runButton());
    const jump = await screen.findByRole('button', { name: 'Go to line 3: compile error' });
    await waitFor(() =>
      expect(fakeMonaco.monaco.editor.setModelMarkers).toHaveBeenLastCalledWith(
        expect.anything(),
        'cachelab-run',
        [
          expect.objectContaining({
            startLineNumber: 3,
            startColumn: 7,
            message: 'Unexpected token (3:7)',
          }),
        ],
      ),
    );
    expect(fakeMonaco.decorations.set).toHaveBeenLastCalledWith([
      expect.objectContaining({ options: expect.objectContaining({ isWholeLine: true }) }),
    ]);
    await user.click(jump);
    expect(fakeMonaco.editor.revealLineInCenter).toHaveBeenCalledWith(3);
    expect(fakeMonaco.editor.setPosition).toHaveBeenCalledWith({ lineNumber: 3, column: 7 });
    expect(fakeMonaco.editor.focus).toHaveBeenCalled();
    await user.click(jump);
    expect(fakeMonaco.editor.revealLineInCenter).toHaveBeenCalledTimes(2);
  });

  it('runs on Ctrl/Cmd+Enter in the editor', async () => {
    const { runner } = await renderWorkspace();
    await act(async () => fakeMonaco.pressCtrlEnter());
    await waitFor(() => expect(summary()).toHaveTextContent('All 1 check passed'));
    expect(runner.run).toHaveBeenCalledTimes(1);
  });

  it('runs and saves the code pasted in the same tick as Ctrl/Cmd+Enter', async () => {
    const { runner, storage } = await renderWorkspace();
    act(() => {
      fakeMonaco.paste('pasted code');
      fakeMonaco.pressCtrlEnter();
    });
    expect(JSON.parse(storage.read(STORAGE_KEY)!).lessons[LESSON.slug].code).toBe('pasted code');
    expect(runner.run).toHaveBeenCalledTimes(1);
    expect(runner.run).toHaveBeenCalledWith(expect.anything(), 'pasted code', expect.anything());
    await waitFor(() => expect(summary()).toHaveTextContent('All 1 check passed'));
  });

  it('says when the runner is unavailable, keeps the code, and retries', async () => {
    let attempts = 0;
    const runner = fakeRunner(async () => {
      attempts += 1;
      if (attempts === 1)
        throw new Error('The worker script was served without its security header.');
      return report();
    });
    const { user, editor, storage } = await renderWorkspace({ runner });
    fireEvent.change(editor(), { target: { value: 'precious code' } });
    await user.click(runButton());
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The code runner could not start');
    expect(alert).toHaveTextContent('security header');
    expect(editor()).toHaveValue('precious code');
    expect(JSON.parse(storage.read(STORAGE_KEY)!).lessons[LESSON.slug].code).toBe('precious code');
    await user.click(screen.getByRole('button', { name: 'Retry the run' }));
    await waitFor(() => expect(summary()).toHaveTextContent('All 1 check passed'));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows console output as plain text and clears it', async () => {
    const runner = fakeRunner(report({ console: '<b>not html</b>\nsecond line' }));
    const { user } = await renderWorkspace({ runner });
    await user.click(runButton());
    await openTab(user, 'Console');
    const output = await screen.findByLabelText('Console output');
    await waitFor(() => expect(output).toHaveTextContent('<b>not html</b> second line'));
    expect(output.querySelector('b')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Clear console output' }));
    expect(output).toHaveTextContent('Nothing logged yet');
  });

  it('caps long console output and says how much was left out', async () => {
    const runner = fakeRunner(report({ console: 'x'.repeat(25_000) }));
    const { user } = await renderWorkspace({ runner });
    await user.click(runButton());
    await openTab(user, 'Console');
    expect(await screen.findByText('5,000 more characters were left out.')).toBeInTheDocument();
  });

  it('hands each finished run to the insight panels and to onRunComplete', async () => {
    const onRunComplete = vi.fn();
    const store = createProgressStore(persistentStorage());
    const user = userEvent.setup();
    render(
      <Workspace
        lesson={LESSON}
        runner={fakeRunner()}
        progress={store}
        onRunComplete={onRunComplete}
        renderInsight={({ checks }) => [
          { id: 'insight', label: 'Insight', panel: <p>insight sees {checks.length} checks</p> },
        ]}
      />,
    );
    await openTab(user, 'Insight');
    expect(screen.getByText('insight sees 0 checks')).toBeInTheDocument();
    await user.click(runButton());
    expect(await screen.findByText('insight sees 1 checks')).toBeInTheDocument();
    expect(onRunComplete).toHaveBeenCalledWith(expect.objectContaining({ passed: true }));
  });

  it('gives the editor the dark theme when the app is dark', async () => {
    window.localStorage.setItem('cachelab:theme', 'dark');
    try {
      const { editor } = await renderWorkspace();
      expect(editor()).toHaveAttribute('data-monaco-theme', 'cachelab-dark');
    } finally {
      window.localStorage.removeItem('cachelab:theme');
    }
    cleanup();
    resetFakeMonaco();
    const { editor } = await renderWorkspace();
    expect(editor()).toHaveAttribute('data-monaco-theme', 'vs');
  });

  it('places Run, the tools and the tab set before the editor in tab order', async () => {
    const { editor } = await renderWorkspace();
    const controls = [
      runButton(),
      screen.getByRole('button', { name: 'Reset to starter' }),
      screen.getByRole('button', { name: 'Keyboard help' }),
      screen.getByRole('tab', { name: 'Results' }),
      screen.getByRole('tab', { name: 'Solution' }),
    ];
    for (const control of controls) {
      expect(
        control.compareDocumentPosition(editor()) & Node.DOCUMENT_POSITION_FOLLOWING,
      ).toBeTruthy();
    }
  });

  it('runs on Ctrl/Cmd+Enter from anywhere on the page, but not from the redis-cli input', async () => {
    const { runner } = await renderWorkspace();
    const outside = document.createElement('p');
    outside.tabIndex = -1;
    document.body.append(outside);
    try {
      fireEvent.keyDown(outside, { key: 'Enter', ctrlKey: true });
      await waitFor(() => expect(runner.run).toHaveBeenCalledTimes(1));
      await waitFor(() => expect(summary()).toHaveTextContent('All 1 check passed'));
      fireEvent.keyDown(outside, { key: 'Enter', metaKey: true });
      await waitFor(() => expect(runner.run).toHaveBeenCalledTimes(2));
      // An input that already handled the key (the redis-cli box sends its command) is left alone.
      const input = document.createElement('input');
      input.addEventListener('keydown', (event) => event.preventDefault());
      document.body.append(input);
      fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
      fireEvent.keyDown(outside, { key: 'Enter' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(runner.run).toHaveBeenCalledTimes(2);
      input.remove();
    } finally {
      outside.remove();
    }
  });

  it('keeps each tab’s state when switching, with arrow keys moving between tabs', async () => {
    const { user } = await renderWorkspace();
    await openTab(user, 'Hints');
    await user.click(screen.getByRole('button', { name: 'Show a hint (1 of 3)' }));
    const hintsTab = screen.getByRole('tab', { name: /^Hints/ });
    expect(hintsTab).toHaveAttribute('aria-selected', 'true');
    expect(hintsTab).toHaveAccessibleName('Hints 1/3');
    await user.click(hintsTab);
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Save' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tab', { name: 'Save' })).toHaveFocus();
    expect(screen.queryByRole('list', { name: 'Revealed hints' })).not.toBeInTheDocument();
    await user.keyboard('{ArrowLeft}');
    expect(screen.getByRole('list', { name: 'Revealed hints' })).toHaveTextContent(
      'Start with SET.',
    );
    await user.keyboard('{Home}');
    expect(screen.getByRole('tab', { name: 'Results' })).toHaveAttribute('aria-selected', 'true');
  });

  it('jumps to the first failure from the result bar, and offers the next lesson after a pass', async () => {
    const runner = fakeRunner(
      report({
        checks: [pass('saveUser stores `user:<id>`'), fail('loadUser reads it', 'expected 1')],
      }),
    );
    const { user, rerender, store } = await renderWorkspace({ runner });
    await openTab(user, 'Hints');
    await user.click(runButton());
    await waitFor(() => expect(summary()).toHaveTextContent('1 of 2 checks passed'));
    expect(screen.queryByRole('link', { name: /Next lesson/ })).not.toBeInTheDocument();
    // A run takes the learner from Hints to the results.
    expect(screen.getByRole('tab', { name: /^Results/ })).toHaveAttribute('aria-selected', 'true');
    await openTab(user, 'Console');
    await user.click(screen.getByRole('button', { name: 'Jump to first failure' }));
    const first = document.getElementById('first-failure')!;
    expect(first).toHaveTextContent('loadUser reads it');
    expect(first).toHaveFocus();
    // Check names render their code spans as code, not as backticks.
    expect(screen.getByText('user:<id>', { selector: 'code' })).toBeInTheDocument();

    rerender(
      <Workspace
        key={LESSON.slug}
        lesson={LESSON}
        runner={fakeRunner()}
        progress={store}
        next={{ slug: 'cache-patterns', title: 'Cache patterns' }}
      />,
    );
    await user.click(runButton());
    await waitFor(() => expect(summary()).toHaveTextContent('All 1 check passed'));
    expect(screen.getByRole('link', { name: 'Next lesson: Cache patterns' })).toHaveAttribute(
      'href',
      '/lessons/cache-patterns',
    );
  });
});

describe('Workspace help without losing work', { timeout: 20_000 }, () => {
  it('resets to the starter only after confirmation, and can undo', async () => {
    const { user, editor } = await renderWorkspace();
    fireEvent.change(editor(), { target: { value: 'my work' } });
    await user.click(screen.getByRole('button', { name: 'Reset to starter' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Reset your code to the starter?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel reset' }));
    expect(editor()).toHaveValue('my work');

    await user.click(screen.getByRole('button', { name: 'Reset to starter' }));
    await user.click(screen.getByRole('button', { name: 'Yes, reset my code' }));
    expect(editor()).toHaveValue(LESSON.starter);
    const undo = screen.getByRole('button', { name: 'Undo reset' });
    expect(undo).toHaveFocus();
    await user.click(undo);
    expect(editor()).toHaveValue('my work');
    expect(screen.queryByRole('button', { name: 'Undo reset' })).not.toBeInTheDocument();
  });

  it('shows the solution as a diff in a tab beside the code, without changing the code', async () => {
    const { user, editor } = await renderWorkspace();
    const solutionTab = screen.getByRole('tab', { name: 'Solution' });
    expect(solutionTab).toHaveAttribute('aria-selected', 'false');
    await user.click(solutionTab);
    // The diff view is a chunk of its own (CodePane's import()), loaded on this first click: on a
    // busy machine its first import takes longer than findByRole's default second.
    const table = await screen.findByRole(
      'table',
      { name: 'Your code beside the solution' },
      { timeout: 10_000 },
    );
    expect(within(table).getByText('// TODO')).toBeInTheDocument();
    expect(within(table).getByText("await redis.set('user:1', '{}');")).toBeInTheDocument();
    expect(
      table.querySelectorAll('[data-side="mine"][data-changed="true"]').length,
    ).toBeGreaterThan(0);
    expect(screen.getByLabelText('Your code and the solution, inline')).toHaveTextContent(
      "+ only in the solution: await redis.set('user:1', '{}');",
    );
    expect(solutionTab).toHaveAttribute('aria-selected', 'true');
    // The editor stays mounted (hidden) with the learner's code, and comes back as it was.
    await user.click(screen.getByRole('tab', { name: 'Your code' }));
    expect(editor()).toHaveValue(LESSON.starter);
  });

  it('reveals hints one at a time', async () => {
    const { user } = await renderWorkspace({
      lesson: {
        ...LESSON,
        hints: ['Start with `SET`.', 'Keys look like user:<id>.', 'Use JSON.stringify.'],
      },
    });
    await openTab(user, 'Hints');
    expect(screen.queryByRole('list', { name: 'Revealed hints' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show a hint (1 of 3)' }));
    const list = screen.getByRole('list', { name: 'Revealed hints' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Start with SET.']);
    // The backticks are Markdown: the hint shows `SET` as code, never the raw backticks.
    expect(within(list).getByText('SET', { selector: 'code' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show the next hint (2 of 3)' }));
    await user.click(screen.getByRole('button', { name: 'Show the next hint (3 of 3)' }));
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: /hint/ })).not.toBeInTheDocument();
    expect(screen.getByText(/That is every hint/)).toBeInTheDocument();
  });

  it('downloads the code as <slug>.ts and shows the grade command', async () => {
    const blobs: Blob[] = [];
    const clicked: string[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:fake';
    });
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this.download);
    });
    const { user, editor } = await renderWorkspace();
    fireEvent.change(editor(), { target: { value: 'downloaded code' } });
    await openTab(user, 'Save');
    await user.click(screen.getByRole('button', { name: 'Download my code' }));
    expect(clicked).toEqual(['key-value-basics.ts']);
    // The file names its lesson in a header, so `cachelab grade` needs no --lesson.
    expect(await blobText(blobs[0]!)).toBe(
      `${downloadHeader('key-value-basics')}\ndownloaded code`,
    );
    expect(screen.getByRole('status', { name: 'Download status' })).toHaveTextContent(
      'npx cachelab grade key-value-basics.ts',
    );
    click.mockRestore();
  });
});

describe('Workspace persistence', { timeout: 20_000 }, () => {
  it('saves while typing (debounced) and shows the code again after a reload', async () => {
    const storage = persistentStorage();
    const first = await renderWorkspace({ storage });
    fireEvent.change(first.editor(), { target: { value: 'typed code' } });
    await waitFor(() =>
      expect(JSON.parse(storage.read(STORAGE_KEY) ?? '{}').lessons?.[LESSON.slug]?.code).toBe(
        'typed code',
      ),
    );
    first.unmount();
    resetFakeMonaco();
    const second = await renderWorkspace({ storage });
    expect(second.editor()).toHaveValue('typed code');
  });

  it('saves pending code before every run', async () => {
    const storage = persistentStorage();
    let savedAtRun: string | undefined;
    const runner = fakeRunner(async () => {
      savedAtRun = JSON.parse(storage.read(STORAGE_KEY)!).lessons[LESSON.slug].code;
      return report();
    });
    const { user, editor } = await renderWorkspace({ storage, runner });
    fireEvent.change(editor(), { target: { value: 'unsaved yet' } });
    await user.click(runButton());
    expect(savedAtRun).toBe('unsaved yet');
  });

  it('sets corrupt storage aside with a notice and still works', async () => {
    const storage = persistentStorage({ [STORAGE_KEY]: '{broken' });
    const { editor, user } = await renderWorkspace({ storage });
    expect(editor()).toHaveValue(LESSON.starter);
    const notice = screen.getByRole('alert');
    expect(notice).toHaveTextContent('Saved progress could not be read');
    const asideKey = storage.keys().find((key) => key.startsWith('cachelab:corrupt:'));
    expect(asideKey).toBeDefined();
    expect(storage.read(asideKey!)).toBe('{broken');
    await user.click(within(notice).getByRole('button', { name: 'Dismiss notice' }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps learner code when the lesson starter has changed', async () => {
    const storage = persistentStorage();
    const first = await renderWorkspace({ storage });
    fireEvent.change(first.editor(), { target: { value: 'learner code' } });
    first.unmount();
    resetFakeMonaco();
    const second = await renderWorkspace({
      storage,
      lesson: { ...LESSON, starter: '// the new starter\n' },
    });
    expect(second.editor()).toHaveValue('learner code');
  });

  it('offers a choice when another tab saved different code for this lesson', async () => {
    const storage = persistentStorage();
    const { user, editor } = await renderWorkspace({ storage });
    fireEvent.change(editor(), { target: { value: 'this tab' } });
    const other = createProgressStore({ ...storage, onExternalChange: () => () => {} });
    other.openLesson(LESSON.slug, LESSON.starter);
    // Let this tab save first, then the other tab writes on top and the storage event arrives.
    await waitFor(() => expect(storage.read(STORAGE_KEY)).toContain('this tab'));
    other.openLesson(LESSON.slug, LESSON.starter);
    other.saveCode(LESSON.slug, 'other tab');
    act(() => storage.simulateExternalWrite(STORAGE_KEY, storage.read(STORAGE_KEY)));

    const conflict = await screen.findByRole('alert', { name: 'Code changed in another tab' });
    expect(editor()).toHaveValue('this tab');
    fireEvent.change(editor(), { target: { value: 'this tab, still typing' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(JSON.parse(storage.read(STORAGE_KEY)!).lessons[LESSON.slug].code).toBe('other tab');

    await user.click(
      within(conflict).getByRole('button', { name: 'Load the other tab’s version' }),
    );
    expect(editor()).toHaveValue('other tab');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps this tab’s code when the learner chooses "Keep mine"', async () => {
    const storage = persistentStorage();
    const { user, editor } = await renderWorkspace({ storage });
    const other = createProgressStore({ ...storage, onExternalChange: () => () => {} });
    other.openLesson(LESSON.slug, LESSON.starter);
    other.saveCode(LESSON.slug, 'other tab');
    act(() => storage.simulateExternalWrite(STORAGE_KEY, storage.read(STORAGE_KEY)));
    fireEvent.change(editor(), { target: { value: 'mine' } });
    const conflict = await screen.findByRole('alert', { name: 'Code changed in another tab' });
    await user.click(within(conflict).getByRole('button', { name: 'Keep mine' }));
    expect(editor()).toHaveValue('mine');
    expect(JSON.parse(storage.read(STORAGE_KEY)!).lessons[LESSON.slug].code).toBe('mine');
  });

  it('marks the lesson passed after an all-passed run, and stale when the checks change', async () => {
    const storage = persistentStorage();
    const first = await renderWorkspace({ storage });
    expect(screen.queryByText(/You passed this lesson/)).not.toBeInTheDocument();
    await first.user.click(runButton());
    expect(await screen.findByText('✓ You passed this lesson')).toBeInTheDocument();
    first.unmount();
    resetFakeMonaco();
    await renderWorkspace({ storage, lesson: { ...LESSON, checksSource: '// stricter checks' } });
    expect(screen.getByText(/Checks changed since you passed/)).toBeInTheDocument();
  });

  it('does not mark the lesson passed when a check fails', async () => {
    const runner = fakeRunner(report({ checks: [pass('a'), fail('b', 'nope')] }));
    const { user, store } = await renderWorkspace({ runner });
    await user.click(runButton());
    await waitFor(() => expect(summary()).toHaveTextContent('1 of 2 checks passed'));
    expect(store.completionOf(LESSON.slug, LESSON.checksSource)).toBeUndefined();
  });
});

describe('Workspace progress controls', { timeout: 20_000 }, () => {
  it('exports progress to a file and imports it into another browser', async () => {
    let exported = '';
    URL.createObjectURL = vi.fn((blob: Blob) => {
      void blobText(blob).then((text) => (exported = text));
      return 'blob:fake';
    });
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const first = await renderWorkspace();
    fireEvent.change(first.editor(), { target: { value: 'exported work' } });
    await first.user.click(runButton());
    await screen.findByText('✓ You passed this lesson');
    await openTab(first.user, 'Save');
    await first.user.click(screen.getByRole('button', { name: 'Export progress' }));
    await waitFor(() => expect(exported).toContain('exported work'));
    first.unmount();
    click.mockRestore();

    resetFakeMonaco();
    const second = await renderWorkspace();
    expect(second.editor()).toHaveValue(LESSON.starter);
    await openTab(second.user, 'Save');
    await second.user.upload(
      screen.getByLabelText('Import progress'),
      new File([exported], 'cachelab-progress.json', { type: 'application/json' }),
    );
    expect(await screen.findByRole('status', { name: 'Progress status' })).toHaveTextContent(
      'Imported progress for 1 lesson from cachelab-progress.json.',
    );
    expect(second.editor()).toHaveValue('exported work');
    expect(screen.getByText('✓ You passed this lesson')).toBeInTheDocument();
  });

  it('rejects an invalid import with a clear error and keeps the code', async () => {
    const { user, editor } = await renderWorkspace();
    fireEvent.change(editor(), { target: { value: 'keep me' } });
    await openTab(user, 'Save');
    await user.upload(
      screen.getByLabelText('Import progress'),
      new File(['{"lessons": 3}'], 'wrong.json', { type: 'application/json' }),
    );
    const alert = await screen.findByRole('alert', { name: 'Progress status' });
    expect(alert).toHaveTextContent(/^That file is not a cachelab progress export/);
    expect(editor()).toHaveValue('keep me');
  });

  it('clears all progress only after confirmation', async () => {
    const storage = persistentStorage();
    const { user, editor } = await renderWorkspace({ storage });
    fireEvent.change(editor(), { target: { value: 'about to go' } });
    await openTab(user, 'Save');
    await user.click(screen.getByRole('button', { name: 'Clear all progress' }));
    await user.click(screen.getByRole('button', { name: 'Keep my progress' }));
    expect(editor()).toHaveValue('about to go');

    await user.click(screen.getByRole('button', { name: 'Clear all progress' }));
    expect(screen.getByRole('button', { name: 'Yes, clear all progress' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Yes, clear all progress' }));
    expect(editor()).toHaveValue(LESSON.starter);
    expect(storage.read(STORAGE_KEY)).toBeNull();
    expect(screen.getByRole('status', { name: 'Progress status' })).toHaveTextContent(
      'All progress was cleared.',
    );
  });
});
