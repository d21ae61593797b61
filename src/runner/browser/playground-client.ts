/**
 * The page's handle on the playground worker: sends console lines, parses every reply with zod,
 * and matches replies to requests by id. The worker starts lazily on first use, and is replaced
 * if it crashes or a command runs too long (e.g. an endless Lua script), so the console never
 * hangs the page.
 *
 * Unlike the runner's workers it stays a module worker on the page, not in a sandboxed frame
 * (frame-worker.ts): it runs no learner JavaScript, only typed commands and EVAL's Lua, whose VM
 * is plain JavaScript with an instruction budget and 16 MB string caps (src/redis/lua). Nothing
 * there hands a learner-sized length to a builtin that skips V8's interrupt check, so
 * `terminate()` does stop it; a frame would only add a process and a start-up.
 */
import type { KeyspaceSnapshot } from '../keyspace-snapshot.ts';
import {
  fromPlaygroundSchema,
  type FromPlayground,
  type ToPlayground,
} from '../playground-protocol.ts';

/** What the console prints for one line. */
export interface PlaygroundReply {
  /** The text redis-cli would print. */
  text: string;
  /** Whether it is an `(error) ...` reply. */
  error: boolean;
  /** Whether a MULTI is open after this line. */
  transaction: boolean;
}

/** The console's view of its store. */
export interface PlaygroundClient {
  /** Runs one line of redis-cli input. */
  exec(line: string): Promise<PlaygroundReply>;
  /** Replaces the store with a snapshot (or empties it); resolves to the number of keys loaded. */
  load(snapshot: KeyspaceSnapshot | null): Promise<number>;
  /** Stops the worker. */
  dispose(): void;
}

/** The part of `Worker` the client uses, so tests can fake the boundary. */
export interface WorkerLike {
  /** Sends a message to the worker. */
  postMessage(message: unknown): void;
  /** Listens for replies and crashes. */
  addEventListener(type: 'message' | 'error', listener: (event: Event) => void): void;
  /** Kills the worker. */
  terminate(): void;
}

/** Options for the client. */
export interface PlaygroundClientOptions {
  /** Starts a worker; defaults to the bundled playground worker. */
  spawn?: () => WorkerLike;
  /** How long one request may take, once the worker is ready, before it is replaced (default 3 s). */
  timeoutMs?: number;
  /** How long the worker may take to start (download, parse, ioredis-mock) (default 20 s). */
  startupTimeoutMs?: number;
}

function spawnPlaygroundWorker(): WorkerLike {
  return new Worker(new URL('./playground-worker.ts', import.meta.url), {
    type: 'module',
    name: 'cachelab-playground',
  });
}

interface Pending {
  resolve(message: FromPlayground): void;
  reject(error: Error): void;
  /** Runs out once the worker is ready; until then the start-up timer covers the request. */
  timer?: ReturnType<typeof setTimeout>;
}

/** Creates a client; the worker is spawned on the first request. */
export function createPlaygroundClient(options: PlaygroundClientOptions = {}): PlaygroundClient {
  const spawn = options.spawn ?? spawnPlaygroundWorker;
  const timeoutMs = options.timeoutMs ?? 3000;
  const startupTimeoutMs = options.startupTimeoutMs ?? 20_000;
  const pending = new Map<number, Pending>();
  let worker: WorkerLike | null = null;
  let ready = false;
  let startupTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;

  const failAll = (reason: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(new Error(reason));
    }
  };

  const kill = (reason: string) => {
    clearTimeout(startupTimer);
    worker?.terminate();
    worker = null;
    ready = false;
    failAll(reason);
  };

  const startTimer = (p: Pending) => {
    p.timer = setTimeout(() => {
      kill(
        `The command took longer than ${timeoutMs / 1000} s, so the console store was restarted empty.`,
      );
    }, timeoutMs);
  };

  const ensureWorker = (): WorkerLike => {
    if (worker) return worker;
    const w = spawn();
    w.addEventListener('message', (event) => {
      if (w !== worker) return;
      const parsed = fromPlaygroundSchema.safeParse((event as MessageEvent).data);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'fatal') return kill(message.message);
      if (message.type === 'ready') {
        ready = true;
        clearTimeout(startupTimer);
        for (const p of pending.values()) startTimer(p);
        return;
      }
      const p = pending.get(message.id);
      if (!p) return;
      clearTimeout(p.timer);
      pending.delete(message.id);
      p.resolve(message);
    });
    w.addEventListener('error', (event) => {
      if (w !== worker) return;
      event.preventDefault?.();
      kill('The console store crashed and was restarted empty.');
    });
    worker = w;
    startupTimer = setTimeout(
      () => kill('The console store did not start in time. Try again.'),
      startupTimeoutMs,
    );
    return w;
  };

  const request = (build: (id: number) => ToPlayground): Promise<FromPlayground> => {
    const w = ensureWorker();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject };
      pending.set(id, p);
      if (ready) startTimer(p);
      w.postMessage(build(id));
    });
  };

  return {
    async exec(line) {
      const message = await request((id) => ({ type: 'exec', id, line }));
      if (message.type !== 'output') throw new Error('The console store answered out of turn.');
      return { text: message.text, error: message.error, transaction: message.transaction };
    },
    async load(snapshot) {
      const message = await request((id) => ({ type: 'load', id, snapshot }));
      if (message.type !== 'loaded') throw new Error('The console store answered out of turn.');
      return message.keys;
    },
    dispose() {
      kill('The console was closed.');
    },
  };
}
