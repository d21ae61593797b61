import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { KeyspaceSnapshot } from '../../runner/keyspace-snapshot.ts';
import type { PlaygroundClient } from '../../runner/browser/playground-client.ts';

/** One block on the console screen. */
export interface ConsoleLine {
  /** Stable key for rendering. */
  id: number;
  /** An echoed command, a reply, an error reply, or a note from the console itself. */
  kind: 'input' | 'reply' | 'error' | 'note';
  /** The text as redis-cli would print it. */
  text: string;
  /** The prompt shown before an echoed command. */
  prompt?: string;
}

/** One command a caller ran through the console, and the reply it got. */
export interface ConsoleReply {
  /** The command, trimmed. */
  command: string;
  /** The prompt it ran under. */
  prompt: string;
  /** The reply as redis-cli prints it. */
  text: string;
  /** True for an error reply. */
  error: boolean;
}

/** Everything {@link RedisConsole} renders and the callbacks it calls. */
export interface RedisConsoleState {
  /** What is on screen, oldest first. */
  lines: readonly ConsoleLine[];
  /** The text in the command box. */
  draft: string;
  /** Updates the command box (typing). */
  setDraft(value: string): void;
  /** The prompt redis-cli would show now: `redis>`, or `redis(TX)>` inside MULTI. */
  prompt: string;
  /** True while commands are queued or running. */
  busy: boolean;
  /** Runs what is in the command box. */
  submit(): void;
  /**
   * Runs commands one after another, as if typed (the "Try it" buttons use this), and resolves
   * with each command's reply. `focus` also asks the view to show the console and focus its input.
   */
  run(commands: readonly string[], options?: { focus?: boolean }): Promise<ConsoleReply[]>;
  /** Walks back through history (Up). */
  historyUp(): void;
  /** Walks forward through history (Down), ending at the line being typed. */
  historyDown(): void;
  /** Empties the screen, keeping the store and history. */
  clearScreen(): void;
  /** Empties the playground store. */
  resetStore(): Promise<void>;
  /** Increments on each request to show the console, so the view can move focus to its input. */
  focusRequest: number;
  /** Asks the view to show the console and focus its input. */
  requestFocus(): void;
}

/** Options for {@link useRedisConsole}. */
export interface UseRedisConsoleOptions {
  /** The playground store behind the console. */
  client: PlaygroundClient;
  /** The keyspace the last run's final check left; undefined before any run. */
  seed?: KeyspaceSnapshot | null;
  /** Screen blocks kept before the oldest scroll away (default 500). */
  maxLines?: number;
  /** Commands kept in history (default 200). */
  maxHistory?: number;
}

const PROMPT = 'redis>';
const TX_PROMPT = 'redis(TX)>';

/**
 * The console's state: screen, history, prompt and a queue that runs lines strictly in order.
 * The store is seeded lazily, on the first command after a run, so a learner who never opens the
 * console never starts its worker.
 */
export function useRedisConsole({
  client,
  seed,
  maxLines = 500,
  maxHistory = 200,
}: UseRedisConsoleOptions): RedisConsoleState {
  const [lines, setLines] = useState<readonly ConsoleLine[]>([]);
  const [draft, setDraft] = useState('');
  const [prompt, setPrompt] = useState(PROMPT);
  const [pendingCount, setPendingCount] = useState(0);
  const [focusRequest, setFocusRequest] = useState(0);
  const [history, setHistory] = useState<readonly string[]>([]);
  // Position while walking history, and the half-typed line to come back to.
  const [walk, setWalk] = useState<{ index: number; saved: string } | null>(null);

  const nextLineId = useRef(1);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const wantedSeed = useRef<KeyspaceSnapshot | null>(null);
  const loadedSeed = useRef<KeyspaceSnapshot | null>(null);
  // Queued commands echo the prompt current when they run, not when they were typed.
  const promptRef = useRef(PROMPT);
  const showPrompt = useCallback((next: string) => {
    promptRef.current = next;
    setPrompt(next);
  }, []);

  useEffect(() => {
    wantedSeed.current = seed ?? null;
  }, [seed]);

  const print = useCallback(
    (...added: Omit<ConsoleLine, 'id'>[]) => {
      setLines((old) =>
        [...old, ...added.map((line) => ({ ...line, id: nextLineId.current++ }))].slice(-maxLines),
      );
    },
    [maxLines],
  );

  const remember = useCallback(
    (line: string) => {
      setHistory((old) => (old[old.length - 1] === line ? old : [...old, line].slice(-maxHistory)));
      setWalk(null);
    },
    [maxHistory],
  );

  /** Queues work so replies print in the order commands were given. */
  const enqueue = useCallback((task: () => Promise<void>): Promise<void> => {
    setPendingCount((n) => n + 1);
    const next = queue.current.then(task).finally(() => setPendingCount((n) => n - 1));
    queue.current = next.catch(() => undefined);
    return next;
  }, []);

  const syncSeed = useCallback(async () => {
    const wanted = wantedSeed.current;
    if (wanted === loadedSeed.current) return;
    loadedSeed.current = wanted;
    if (!wanted) return;
    const keys = await client.load(wanted);
    const omitted = wanted.omittedKeys ? ` (${wanted.omittedKeys} more were too many to copy)` : '';
    print({
      kind: 'note',
      text: `The console store now holds a copy of what your last run left: ${keys === 1 ? '1 key' : `${keys} keys`}${omitted}.`,
    });
  }, [client, print]);

  const execute = useCallback(
    (raw: string): Promise<ConsoleReply | null> => {
      let result: ConsoleReply | null = null;
      return enqueue(async () => {
        const line = raw.trim();
        if (line === '') return;
        if (/^clear$/i.test(line)) {
          setLines([]);
          return;
        }
        try {
          // Copy the last run's keys in first, so its note sits above the command it serves.
          await syncSeed();
        } catch (error) {
          print({
            kind: 'error',
            text: `(error) ${error instanceof Error ? error.message : String(error)}`,
          });
        }
        const prompt = promptRef.current;
        print({ kind: 'input', text: line, prompt });
        try {
          const reply = await client.exec(line);
          print({ kind: reply.error ? 'error' : 'reply', text: reply.text });
          result = { command: line, prompt, text: reply.text, error: reply.error };
          showPrompt(reply.transaction ? TX_PROMPT : PROMPT);
        } catch (error) {
          const text = `(error) ${error instanceof Error ? error.message : String(error)}`;
          print({ kind: 'error', text });
          result = { command: line, prompt, text, error: true };
          showPrompt(PROMPT);
        }
      }).then(() => result);
    },
    [client, enqueue, print, showPrompt, syncSeed],
  );

  const submit = useCallback(() => {
    const line = draft;
    setDraft('');
    if (line.trim() !== '') remember(line.trim());
    void execute(line);
  }, [draft, execute, remember]);

  const run = useCallback(
    async (commands: readonly string[], options: { focus?: boolean } = {}) => {
      if (options.focus) setFocusRequest((n) => n + 1);
      const replies: Promise<ConsoleReply | null>[] = [];
      for (const command of commands) {
        if (command.trim() !== '') remember(command.trim());
        replies.push(execute(command));
      }
      const settled = await Promise.all(replies.map((reply) => reply.catch(() => null)));
      return settled.filter((reply): reply is ConsoleReply => reply !== null);
    },
    [execute, remember],
  );

  const requestFocus = useCallback(() => setFocusRequest((n) => n + 1), []);

  const historyUp = useCallback(() => {
    if (history.length === 0) return;
    const index = walk ? Math.max(0, walk.index - 1) : history.length - 1;
    setWalk({ index, saved: walk ? walk.saved : draft });
    setDraft(history[index]);
  }, [draft, history, walk]);

  const historyDown = useCallback(() => {
    if (!walk) return;
    if (walk.index + 1 >= history.length) {
      setDraft(walk.saved);
      setWalk(null);
      return;
    }
    setWalk({ index: walk.index + 1, saved: walk.saved });
    setDraft(history[walk.index + 1]);
  }, [history, walk]);

  const clearScreen = useCallback(() => setLines([]), []);

  const resetStore = useCallback(
    () =>
      enqueue(async () => {
        // The run's copy counts as loaded, so the next command does not bring it back.
        loadedSeed.current = wantedSeed.current;
        try {
          await client.load(null);
          print({ kind: 'note', text: 'The console store was reset: it is empty now.' });
        } catch (error) {
          print({
            kind: 'error',
            text: `(error) ${error instanceof Error ? error.message : String(error)}`,
          });
        }
        showPrompt(PROMPT);
      }),
    [client, enqueue, print, showPrompt],
  );

  const changeDraft = useCallback((value: string) => {
    setDraft(value);
    setWalk(null);
  }, []);

  const busy = pendingCount > 0;
  // One object while nothing in it changes: the provider re-renders when a run hands it a new
  // seed, and a new object here made every console consumer (the whole workspace, each "Try it")
  // render again in the task that paints the run's results.
  return useMemo(
    () => ({
      lines,
      draft,
      setDraft: changeDraft,
      prompt,
      busy,
      submit,
      run,
      historyUp,
      historyDown,
      clearScreen,
      resetStore,
      focusRequest,
      requestFocus,
    }),
    [
      lines,
      draft,
      changeDraft,
      prompt,
      busy,
      submit,
      run,
      historyUp,
      historyDown,
      clearScreen,
      resetStore,
      focusRequest,
      requestFocus,
    ],
  );
}
