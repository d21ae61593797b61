import { createContext, useContext } from 'react';
import type { KeyspaceSnapshot } from '../../runner/keyspace-snapshot.ts';
import type { ConsoleReply, RedisConsoleState } from './use-redis-console.ts';

/** What lesson content and the workspace can do with the page's Redis console. */
export interface ConsoleContextValue {
  /**
   * Runs these commands in the console, in order, as if the learner had typed them, and resolves
   * with their replies (for "Try it", which shows them beside the snippet).
   */
  sendToConsole(commands: string[]): Promise<ConsoleReply[]>;
  /** Shows the console (the workspace selects its tab) and focuses its input. */
  showConsole(): void;
  /** Makes the console's store start from a run's final keyspace (null: nothing to copy). */
  setSeed(snapshot: KeyspaceSnapshot | null): void;
  /** The console's state, for `<RedisConsole>`. */
  console: RedisConsoleState;
}

/**
 * Provided once per lesson page by `RedisConsoleProvider`, around both the prose (whose "Try it"
 * buttons send commands) and the workspace (which shows the console and seeds it after a run).
 * Without it, "Try it" buttons render nothing.
 */
export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

/** The page's console, if it has one. */
export function useConsoleContext(): ConsoleContextValue | null {
  return useContext(ConsoleContext);
}
