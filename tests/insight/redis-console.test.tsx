// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEventModule from '@testing-library/user-event';
import RedisMock from 'ioredis-mock';
import { useEffect, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useConsoleContext } from '../../src/components/insight/console-context.ts';
import { RedisConsole } from '../../src/components/insight/RedisConsole.tsx';
import {
  PageRedisConsole,
  RedisConsoleProvider,
} from '../../src/components/insight/RedisConsoleProvider.tsx';
import { TryItButton } from '../../src/components/insight/TryItButton.tsx';
import { useRedisConsole } from '../../src/components/insight/use-redis-console.ts';
import {
  createPlaygroundClient,
  type PlaygroundClient,
  type WorkerLike,
} from '../../src/runner/browser/playground-client.ts';
import type { KeyspaceSnapshot } from '../../src/runner/keyspace-snapshot.ts';
import { createPlayground, createPlaygroundHost } from '../../src/runner/playground.ts';

afterEach(cleanup);

// No pause between keystrokes: typing a command char by char is the slow part of these tests.
const userEvent = userEventModule.setup({ delay: null });

let stores = 0;

/** The worker boundary, faked: messages are cloned and handled by the real playground host. */
class InProcessWorker implements WorkerLike {
  private listeners: ((event: Event) => void)[] = [];
  private readonly onMessage = createPlaygroundHost(
    createPlayground(() => new RedisMock({ host: `console-test-${stores++}` })),
    (message) => {
      const event = new MessageEvent('message', { data: structuredClone(message) });
      for (const listener of this.listeners) listener(event);
    },
  );
  static spawned = 0;
  constructor() {
    InProcessWorker.spawned++;
    // Like the real worker: ready once its store is up (after the page has attached listeners).
    queueMicrotask(() => {
      const event = new MessageEvent('message', { data: { type: 'ready', startupMs: 1 } });
      for (const listener of this.listeners) listener(event);
    });
  }
  postMessage(message: unknown) {
    void this.onMessage(structuredClone(message));
  }
  addEventListener(type: 'message' | 'error', listener: (event: Event) => void) {
    if (type === 'message') this.listeners.push(listener);
  }
  terminate() {}
}

/** Stands in for the workspace: after a run it hands the console the run's final keyspace. */
function FinishRun({ snapshot }: { snapshot?: KeyspaceSnapshot }) {
  const context = useConsoleContext();
  useEffect(() => {
    if (snapshot) context?.setSeed(snapshot);
  }, [context, snapshot]);
  return null;
}

function setup(seed?: KeyspaceSnapshot) {
  InProcessWorker.spawned = 0;
  const client = createPlaygroundClient({ spawn: () => new InProcessWorker() });
  const view = render(
    <RedisConsoleProvider client={client}>
      <TryItButton source={'SET greeting hello\nGET greeting'} />
      <FinishRun snapshot={seed} />
      <PageRedisConsole />
    </RedisConsoleProvider>,
  );
  const input = screen.getByRole('textbox', { name: 'Redis command' });
  const log = screen.getByRole('log', { name: 'Redis console output' });
  return { client, view, input, log };
}

/** Pastes a line into the command box and presses Enter, as a learner pasting a command would. */
async function enter(input: HTMLElement, line: string) {
  await userEvent.click(input);
  await userEvent.paste(line);
  await userEvent.keyboard('{Enter}');
}

const blocks = (log: HTMLElement) =>
  Array.from(log.querySelectorAll('pre'), (pre) => pre.textContent);

describe('RedisConsole', { timeout: 20_000 }, () => {
  it('answers the three lesson commands exactly like redis-cli', async () => {
    const { input, log } = setup();
    await enter(input, 'SET greeting hello');
    await enter(input, 'GET greeting');
    await enter(input, 'INCR greeting');
    await waitFor(() => expect(blocks(log)).toHaveLength(6));
    expect(blocks(log)).toEqual([
      'redis> SET greeting hello',
      'OK',
      'redis> GET greeting',
      '"hello"',
      'redis> INCR greeting',
      '(error) ERR value is not an integer or out of range',
    ]);
    expect(input).toHaveValue('');
  });

  it('announces output politely and can be focused from the keyboard', async () => {
    const { log } = setup();
    expect(log).toHaveAttribute('aria-live', 'polite');
    screen.getByRole('button', { name: 'Try it' }).focus();
    await userEvent.tab();
    expect(log).toHaveFocus();
    await userEvent.tab();
    expect(screen.getByRole('textbox', { name: 'Redis command' })).toHaveFocus();
  });

  it('walks history with Up and Down, back to the line being typed', async () => {
    const { input, log } = setup();
    await enter(input, 'SET a 1');
    await enter(input, 'GET a');
    await waitFor(() => expect(blocks(log)).toHaveLength(4));
    await userEvent.type(input, 'DBS');
    await userEvent.keyboard('{ArrowUp}');
    expect(input).toHaveValue('GET a');
    await userEvent.keyboard('{ArrowUp}');
    expect(input).toHaveValue('SET a 1');
    await userEvent.keyboard('{ArrowUp}');
    expect(input).toHaveValue('SET a 1');
    await userEvent.keyboard('{ArrowDown}');
    expect(input).toHaveValue('GET a');
    await userEvent.keyboard('{ArrowDown}');
    expect(input).toHaveValue('DBS');
  });

  it('shows syntax and summary for HELP <command>', async () => {
    const { input, log } = setup();
    await enter(input, 'HELP GET');
    await waitFor(() => expect(blocks(log)).toHaveLength(2));
    expect(blocks(log)[1]).toMatch(/GET key\s+summary: Get the value of a key/);
  });

  it('clears the screen with CLEAR and with its button, keeping the store', async () => {
    const { input, log } = setup();
    await enter(input, 'SET kept yes');
    await waitFor(() => expect(blocks(log)).toHaveLength(2));
    await enter(input, 'clear');
    await waitFor(() => expect(blocks(log)).toHaveLength(0));
    await enter(input, 'GET kept');
    await waitFor(() => expect(blocks(log)).toEqual(['redis> GET kept', '"yes"']));
    await userEvent.click(screen.getByRole('button', { name: 'Clear Redis console screen' }));
    expect(blocks(log)).toEqual([]);
    await userEvent.click(input);
    await userEvent.keyboard('{ArrowUp}');
    expect(input).toHaveValue('GET kept');
  });

  it('empties the store with "Reset console store"', async () => {
    const { input, log } = setup();
    await enter(input, 'SET a 1');
    await userEvent.click(screen.getByRole('button', { name: 'Reset console store' }));
    await enter(input, 'DBSIZE');
    await waitFor(() => expect(blocks(log).at(-1)).toBe('(integer) 0'));
    expect(blocks(log)).toContain('The console store was reset: it is empty now.');
  });

  it('starts from a copy of the keyspace the last run left', async () => {
    const seed: KeyspaceSnapshot = {
      entries: [{ key: 'user:42', type: 'string', value: '{"id":42}', ttlMs: null }],
      omittedKeys: 0,
    };
    const { input, log } = setup(seed);
    expect(InProcessWorker.spawned).toBe(0);
    await enter(input, 'GET user:42');
    await waitFor(() => expect(blocks(log).at(-1)).toBe('"{\\"id\\":42}"'));
    expect(blocks(log)).toEqual([
      'The console store now holds a copy of what your last run left: 1 key.',
      'redis> GET user:42',
      '"{\\"id\\":42}"',
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Reset console store' }));
    await enter(input, 'GET user:42');
    await waitFor(() => expect(blocks(log).at(-1)).toBe('(nil)'));
  });

  it('shows the (TX) prompt inside MULTI', async () => {
    const { input, log } = setup();
    await enter(input, 'MULTI');
    await enter(input, 'INCR n');
    await enter(input, 'EXEC');
    await waitFor(() => expect(blocks(log)).toHaveLength(6));
    expect(blocks(log)).toEqual([
      'redis> MULTI',
      'OK',
      'redis(TX)> INCR n',
      'QUEUED',
      'redis(TX)> EXEC',
      '1) (integer) 1',
    ]);
  });

  it('runs a lesson snippet from "Try it" in place, and "Open in redis-cli" moves focus there', async () => {
    const { input, log } = setup();
    await userEvent.click(screen.getByRole('button', { name: 'Try it' }));
    await waitFor(() => expect(blocks(log)).toHaveLength(4));
    // The replies show beside the snippet: the learner stays where they were reading.
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'Try it output' })).toHaveTextContent(
        /SET greeting hello\s*OK\s*redis> GET greeting\s*"hello"/,
      ),
    );
    expect(input).not.toHaveFocus();
    await userEvent.click(screen.getByRole('button', { name: 'Open in redis-cli' }));
    expect(blocks(log)).toEqual([
      'redis> SET greeting hello',
      'OK',
      'redis> GET greeting',
      '"hello"',
    ]);
    expect(input).toHaveFocus();
    await userEvent.keyboard('{ArrowUp}');
    expect(input).toHaveValue('GET greeting');
  });

  it('names its controls apart from the workspace console', () => {
    setup();
    const region = screen.getByRole('region', { name: 'Redis console' });
    expect(
      within(region)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Reset console store', 'Clear Redis console screen']);
  });
});

describe('useRedisConsole with a slow store', () => {
  it('prints replies in the order commands were typed', async () => {
    const started: string[] = [];
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const client: PlaygroundClient = {
      async exec(line) {
        started.push(line);
        if (line === 'first') await firstHeld;
        return { text: line.toUpperCase(), error: false, transaction: false };
      },
      load: async () => 0,
      dispose() {},
    };
    function Slow() {
      const [c] = useState(client);
      return <RedisConsole console={useRedisConsole({ client: c })} />;
    }
    render(<Slow />);
    const input = screen.getByRole('textbox', { name: 'Redis command' });
    const log = screen.getByRole('log');
    await enter(input, 'first');
    await enter(input, 'second');
    // The store has not answered "first" yet, so "second" must wait its turn.
    expect(started).toEqual(['first']);
    expect(blocks(log)).toEqual(['redis> first']);
    releaseFirst();
    await waitFor(() =>
      expect(blocks(log)).toEqual(['redis> first', 'FIRST', 'redis> second', 'SECOND']),
    );
  });
});
