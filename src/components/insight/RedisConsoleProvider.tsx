import { useMemo, useState, type ReactNode } from 'react';
import type { PlaygroundClient } from '../../runner/browser/playground-client.ts';
import type { KeyspaceSnapshot } from '../../runner/keyspace-snapshot.ts';
import { ConsoleContext, useConsoleContext, type ConsoleContextValue } from './console-context.ts';
import { RedisConsole } from './RedisConsole.tsx';
import { useRedisConsole } from './use-redis-console.ts';

/** Props for {@link RedisConsoleProvider}. */
export interface RedisConsoleProviderProps {
  /** The console's store; the app passes `appPlayground()`, tests a client over a fake worker. */
  client: PlaygroundClient;
  /** The lesson page: prose with "Try it" buttons, and the workspace. */
  children: ReactNode;
}

/** Owns the page's console state and shares it with "Try it" buttons and `<PageRedisConsole>`. */
export function RedisConsoleProvider({ client, children }: RedisConsoleProviderProps) {
  const [seed, setSeed] = useState<KeyspaceSnapshot | null | undefined>(undefined);
  const state = useRedisConsole({ client, seed });
  const { run, requestFocus } = state;
  const value = useMemo<ConsoleContextValue>(
    () => ({
      sendToConsole: (commands) => run(commands),
      showConsole: requestFocus,
      setSeed,
      console: state,
    }),
    [run, requestFocus, state],
  );
  return <ConsoleContext value={value}>{children}</ConsoleContext>;
}

// A component next to the provider that reads it; kept here so the pair is found together.
/** The page's console, wherever the workspace places it; nothing outside a provider. */
export function PageRedisConsole({ labelledBy }: { labelledBy?: string }) {
  const context = useConsoleContext();
  return context ? <RedisConsole console={context.console} labelledBy={labelledBy} /> : null;
}
