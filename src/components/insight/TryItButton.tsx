import { redisSnippetCommands } from './redis-snippet.ts';
import { useConsoleContext } from './console-context.ts';

/** Props for {@link TryItButton}. */
export interface TryItButtonProps {
  /** The text of the fenced `redis` block. */
  source: string;
}

/** Sends a lesson's redis snippet to the in-page console. Renders nothing where there is no console. */
export function TryItButton({ source }: TryItButtonProps) {
  const redisConsole = useConsoleContext();
  const commands = redisSnippetCommands(source);
  if (!redisConsole || commands.length === 0) return null;
  const label = commands.length === 1 ? '1 command' : `${commands.length} commands`;
  return (
    <button
      type="button"
      className="insight-try-it"
      title={`Run ${label} in the Redis console`}
      onClick={() => redisConsole.sendToConsole(commands)}
    >
      Try it
    </button>
  );
}
