import { useState } from 'react';
import { redisSnippetCommands } from './redis-snippet.ts';
import { useConsoleContext } from './console-context.ts';
import type { ConsoleReply } from './use-redis-console.ts';

/** Props for {@link TryItButton}. */
export interface TryItButtonProps {
  /** The text of the fenced `redis` block. */
  source: string;
}

/**
 * Runs a lesson's redis snippet in the page's console store and shows the replies right under
 * the snippet, so the learner stays where they are reading (on a phone the console is thousands
 * of pixels further down). "Open in redis-cli" goes on from there in the console itself.
 * Renders nothing where there is no console.
 */
export function TryItButton({ source }: TryItButtonProps) {
  const redisConsole = useConsoleContext();
  const [replies, setReplies] = useState<readonly ConsoleReply[] | null>(null);
  const [busy, setBusy] = useState(false);
  const commands = redisSnippetCommands(source);
  if (!redisConsole || commands.length === 0) return null;
  const label = commands.length === 1 ? '1 command' : `${commands.length} commands`;
  return (
    <div className="insight-try-it-box">
      <div className="insight-try-it-actions">
        <button
          type="button"
          className="insight-try-it"
          title={`Run ${label} in the Redis console`}
          aria-busy={busy}
          onClick={() => {
            setBusy(true);
            void redisConsole
              .sendToConsole(commands)
              .then(setReplies)
              .finally(() => setBusy(false));
          }}
        >
          Try it
        </button>
        {replies && (
          <button type="button" className="link-button" onClick={redisConsole.showConsole}>
            Open in redis-cli
          </button>
        )}
      </div>
      <div role="status" aria-label="Try it output">
        {replies && (
          <pre className="insight-try-it-output">
            {replies.map((reply, index) => (
              <span key={index} className="insight-try-it-line">
                <span className="insight-prompt">{reply.prompt} </span>
                {reply.command}
                {'\n'}
                <span className={reply.error ? 'insight-line-error' : undefined}>{reply.text}</span>
                {'\n'}
              </span>
            ))}
          </pre>
        )}
      </div>
    </div>
  );
}
