// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { TracePanel } from '../../src/components/insight/TracePanel.tsx';
import type { CheckResult } from '../../src/runner/report.ts';

const user42 = JSON.stringify({ id: 42, name: 'Ada Lovelace', email: 'ada@example.com' });

const checks: CheckResult[] = [
  {
    name: 'saveUser stores the user as JSON under user:<id>',
    passed: true,
    durationMs: 1,
    trace: [{ command: 'SET', args: ['user:42', user42], reply: 'OK', atMs: 0.41 }],
  },
  {
    name: 'getPopularPosts reads popular_posts first',
    passed: false,
    message: 'expected fetchPopularPosts to be called once',
    durationMs: 2,
    trace: [
      { command: 'GET', args: ['popular_posts'], reply: '(nil)', atMs: 0.2 },
      {
        command: 'INCR',
        args: ['greeting'],
        reply: '(error) ERR value is not an integer or out of range',
        atMs: 12.4,
      },
    ],
  },
];

afterEach(cleanup);

describe('TracePanel', () => {
  it('groups commands by check and opens only the failing check', () => {
    render(<TracePanel checks={checks} />);
    const passing = screen.getByRole('button', { name: /saveUser stores the user/ });
    const failing = screen.getByRole('button', { name: /getPopularPosts reads/ });
    expect(passing).toHaveAttribute('aria-expanded', 'false');
    expect(failing).toHaveAttribute('aria-expanded', 'true');
    expect(failing).toHaveAccessibleName(/Failed: .*\(2 commands\)/);
    const list = screen.getByRole('list');
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('+0.2 ms');
    expect(items[0]).toHaveTextContent('GET "popular_posts"');
    expect(items[0]).toHaveTextContent('(nil)');
    expect(items[1]).toHaveTextContent('+12 ms');
    expect(items[1]).toHaveTextContent('(error) ERR value is not an integer or out of range');
    expect(screen.queryByText(/SET "user:42"/)).not.toBeInTheDocument();
  });

  it('opens a passing group on click and shows arguments quoted like redis-cli', async () => {
    render(<TracePanel checks={checks} />);
    await userEvent.click(screen.getByRole('button', { name: /saveUser stores the user/ }));
    const entry = screen.getByText(/^SET "user:42"/);
    expect(entry.textContent).toBe(`SET "user:42" "${user42.replaceAll('"', '\\"')}"`);
    expect(screen.getAllByText('+0.4 ms')).toHaveLength(1);
  });

  it('truncates long values and expands them on request', async () => {
    const long = 'x'.repeat(500);
    render(
      <TracePanel
        checks={[
          {
            name: 'stores a big value',
            passed: false,
            durationMs: 1,
            trace: [{ command: 'SET', args: ['big', long], reply: 'OK', atMs: 1 }],
          },
        ]}
        maxChars={40}
      />,
    );
    const command = screen.getByText(/^SET "big"/);
    expect(command.textContent).toHaveLength(40);
    expect(command.textContent!.endsWith('…')).toBe(true);
    const more = screen.getByRole('button', { name: 'Show more' });
    expect(more).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(more);
    expect(command.textContent).toBe(`SET "big" "${long}"`);
    expect(screen.getByRole('button', { name: 'Show less' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
  });

  it('does not offer expansion for entries that fit', () => {
    render(<TracePanel checks={[checks[1]]} />);
    expect(screen.queryByRole('button', { name: /show more/i })).not.toBeInTheDocument();
  });

  it('says how many commands the cap left out', () => {
    render(<TracePanel checks={[{ ...checks[1], traceOmitted: 1234 }]} />);
    expect(screen.getByText('1234 more commands not shown')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /getPopularPosts/ })).toHaveAccessibleName(
      /\(1236 commands\)/,
    );
  });

  it('says so when a check sent no commands', () => {
    render(
      <TracePanel
        checks={[{ name: 'loadUser misses', passed: false, durationMs: 1, trace: [] }]}
      />,
    );
    expect(
      screen.getByText('Your code sent no Redis commands during this check.'),
    ).toBeInTheDocument();
  });

  it('invites a run before there are results', () => {
    render(<TracePanel checks={[]} />);
    expect(screen.getByRole('region', { name: 'Command trace' })).toHaveTextContent(
      'Run your code',
    );
  });
});
