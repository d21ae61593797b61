// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyspaceInspector } from '../../src/components/insight/KeyspaceInspector.tsx';
import type { CheckResult, KeyspaceEntry } from '../../src/runner/report.ts';

const keys: KeyspaceEntry[] = [
  { key: 'user:42', type: 'string', preview: '"{\\"id\\":42}"', ttlMs: null },
  { key: 'session:1', type: 'hash', preview: 'user → "42", role → "admin"', ttlMs: 60_000 },
  { key: 'queue', type: 'list', preview: '["a", "b"]', ttlMs: null },
  { key: 'tags', type: 'set', preview: '{"red", "blue"}', ttlMs: null },
  { key: 'scores', type: 'zset', preview: 'ada 1, bob 2.5', ttlMs: 1500 },
];

function check(partial: Partial<CheckResult>): CheckResult {
  return { name: 'a check', passed: true, durationMs: 1, ...partial };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('KeyspaceInspector', () => {
  it('lists every key with its type, preview and TTL', () => {
    render(<KeyspaceInspector checks={[check({ keyspace: keys })]} />);
    const table = screen.getByRole('table');
    const row = (key: string) => screen.getByRole('rowheader', { name: key }).closest('tr')!;
    expect(within(table).getAllByRole('row')).toHaveLength(keys.length + 1);
    expect(row('user:42')).toHaveTextContent(/string.*\{\\"id\\":42\}.*no expiry/);
    expect(row('session:1')).toHaveTextContent(/hash.*role → "admin".*60 s/);
    expect(row('queue')).toHaveTextContent(/list.*\["a", "b"\]/);
    expect(row('tags')).toHaveTextContent(/set.*\{"red", "blue"\}/);
    expect(row('scores')).toHaveTextContent(/zset.*bob 2\.5.*2 s/);
  });

  it('counts TTLs down while the learner watches', () => {
    vi.useFakeTimers();
    render(<KeyspaceInspector checks={[check({ keyspace: keys })]} />);
    const ttl = () =>
      screen.getByRole('rowheader', { name: 'session:1' }).closest('tr')!.lastElementChild!
        .textContent;
    expect(ttl()).toBe('60 s');
    act(() => vi.advanceTimersByTime(5000));
    expect(ttl()).toBe('55 s');
    expect(screen.getByRole('rowheader', { name: 'scores' }).closest('tr')).toHaveTextContent(
      'expired',
    );
    act(() => vi.advanceTimersByTime(60_000));
    expect(ttl()).toBe('expired');
    // Once every TTL has run out nothing needs to tick.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not tick when no key expires', () => {
    vi.useFakeTimers();
    render(<KeyspaceInspector checks={[check({ keyspace: [keys[0]] })]} />);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says how far the check moved the fake clock', () => {
    render(
      <KeyspaceInspector checks={[check({ keyspace: [keys[1]], clockAdvancedMs: 61_000 })]} />,
    );
    expect(screen.getByText('The check moved the clock forward 61 s.')).toBeInTheDocument();
  });

  it('explains an empty store from what the code sent', () => {
    const { rerender } = render(
      <KeyspaceInspector checks={[check({ keyspace: [], trace: [] })]} />,
    );
    expect(
      screen.getByText(
        /store was empty when this check finished: your code sent no Redis commands/,
      ),
    ).toBeInTheDocument();
    rerender(
      <KeyspaceInspector
        checks={[
          check({
            keyspace: [],
            trace: [{ command: 'GET', args: ['user:42'], reply: '(nil)', atMs: 0 }],
          }),
        ]}
      />,
    );
    expect(screen.getByText(/only read from it \(GET\) and never wrote a key/)).toBeInTheDocument();
    rerender(
      <KeyspaceInspector
        checks={[
          check({
            keyspace: [],
            clockAdvancedMs: 61_000,
            trace: [{ command: 'SET', args: ['otp', '1234', 'EX', '60'], reply: 'OK', atMs: 0 }],
          }),
        ]}
      />,
    );
    expect(
      screen.getByText(/expired when the check moved the clock forward 61 s/),
    ).toBeInTheDocument();
    rerender(
      <KeyspaceInspector
        checks={[
          check({
            keyspace: [],
            trace: [
              { command: 'SET', args: ['user:42', '{}'], reply: 'OK', atMs: 0 },
              { command: 'DEL', args: ['user:42'], reply: '(integer) 1', atMs: 1 },
            ],
          }),
        ]}
      />,
    );
    expect(screen.getByText(/wrote keys and then removed them \(DEL\)/)).toBeInTheDocument();
  });

  it('shows the first failing check by default and lets the learner pick another', async () => {
    const checks = [
      check({ name: 'first', keyspace: [keys[0]] }),
      check({ name: 'second', passed: false, keyspace: [keys[2]] }),
      check({ name: 'third', keyspace: [keys[3]] }),
    ];
    render(<KeyspaceInspector checks={checks} />);
    const picker = screen.getByRole('combobox', { name: 'Show the store after' });
    expect(picker).toHaveDisplayValue('✗ second');
    expect(screen.getByRole('rowheader', { name: 'queue' })).toBeInTheDocument();
    await userEvent.selectOptions(picker, '✓ third (final state)');
    expect(screen.getByRole('rowheader', { name: 'tags' })).toBeInTheDocument();
    expect(screen.queryByRole('rowheader', { name: 'queue' })).not.toBeInTheDocument();
  });
});
