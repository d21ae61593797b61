// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PageRedisConsole,
  RedisConsoleProvider,
} from '../../src/components/insight/RedisConsoleProvider.tsx';
import type { PlaygroundClient } from '../../src/runner/browser/playground-client.ts';
import { HastContent } from '../../src/components/HastContent.tsx';
import { renderMarkdown } from '../../src/markdown/render-markdown.ts';

afterEach(cleanup);

const lesson = [
  'Write and read a key:',
  '',
  '```redis',
  'redis> SET greeting "hello world"',
  'OK',
  'redis> GET greeting',
  '"hello world"',
  '```',
  '',
  '```ts',
  "await redis.set('greeting', 'hello');",
  '```',
].join('\n');

/** A console store that records the lines it was asked to run. */
function recordingClient(): PlaygroundClient & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    exec: async (line) => {
      lines.push(line);
      return { text: 'OK', error: false, transaction: false };
    },
    load: async () => 0,
    dispose() {},
  };
}

function renderLesson(client?: PlaygroundClient) {
  // The lesson page renders its body through HastContent, whose <pre> carries the Try it wiring.
  const markdown = <HastContent tree={renderMarkdown(lesson)} />;
  if (!client) return render(markdown);
  return render(
    <RedisConsoleProvider client={client}>
      {markdown}
      <PageRedisConsole />
    </RedisConsoleProvider>,
  );
}

describe('Try it on lesson redis blocks', () => {
  it('sends a highlighted redis block’s commands to the console', async () => {
    const client = recordingClient();
    renderLesson(client);
    const buttons = screen.getAllByRole('button', { name: 'Try it' });
    expect(buttons).toHaveLength(1);
    await userEvent.click(buttons[0]);
    await waitFor(() =>
      expect(client.lines).toEqual(['SET greeting "hello world"', 'GET greeting']),
    );
    expect(screen.getByRole('log', { name: 'Redis console output' })).toHaveTextContent(
      'redis> GET greeting',
    );
    expect(await screen.findByRole('status', { name: 'Try it output' })).toHaveTextContent(
      'redis> GET greeting',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Open in redis-cli' }));
    expect(screen.getByRole('textbox', { name: 'Redis command' })).toHaveFocus();
  });

  it('keeps the code block itself', () => {
    renderLesson(recordingClient());
    expect(document.querySelector('pre code.language-ts')).toHaveTextContent(
      "await redis.set('greeting', 'hello');",
    );
    expect(document.querySelector('pre code.language-redis')).toHaveTextContent(
      'redis> SET greeting "hello world"',
    );
  });

  it('shows no button on a page without a console', () => {
    renderLesson();
    expect(screen.queryByRole('button', { name: 'Try it' })).not.toBeInTheDocument();
    expect(document.querySelector('pre code.language-redis')).toBeInTheDocument();
  });
});
