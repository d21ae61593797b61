/**
 * ioredis's `scanStream` family without node:stream (this module also runs in the browser).
 *
 * ioredis's ScanStream is an object-mode Readable whose `_read` sends one SCAN (or SSCAN, HSCAN,
 * ZSCAN) per page and pushes the page's elements as one chunk, empty pages included, until the
 * cursor comes back as "0". This class keeps that contract: one `'data'` event per page, in
 * order, then `'end'` and `'close'`; `pause()`/`resume()`; `close()` stops after the page in
 * flight; `for await (const page of stream)` reads page by page. Listeners are called through
 * `call`, so a host can refuse to run them (a sandbox whose check is over) or contain a throw.
 */

/** Options of a scan stream, as ioredis's `scanStream(options)` takes them. */
export interface ScanStreamOptions {
  /** MATCH pattern. */
  match?: string;
  /** COUNT hint. */
  count?: number;
  /** TYPE filter (SCAN only). */
  type?: string;
}

/** Sends one page request: the arguments after the command name; resolves `[cursor, elements]`. */
export type ScanPage = (args: (string | Uint8Array)[]) => Promise<unknown>;

/** How the stream calls a listener; returning false means "stop: nobody may be called now". */
export type ListenerCall = (listener: (...args: unknown[]) => void, args: unknown[]) => boolean;

type Listener = (...args: unknown[]) => void;

const defaultCall: ListenerCall = (listener, args) => {
  Reflect.apply(listener, undefined, args);
  return true;
};

/** The SCAN arguments ioredis's ScanStream sends for one page. */
export function scanArgs(
  key: string | Uint8Array | null,
  cursor: string,
  options: ScanStreamOptions,
): (string | Uint8Array)[] {
  const args: (string | Uint8Array)[] = key === null ? [cursor] : [key, cursor];
  if (options.match) args.push('MATCH', String(options.match));
  if (options.type) args.push('TYPE', String(options.type));
  if (options.count) args.push('COUNT', String(options.count));
  return args;
}

function cursorText(value: unknown): string {
  return value instanceof Uint8Array ? new TextDecoder().decode(value) : String(value);
}

/** A readable stream of SCAN pages with the events and methods learner code uses. */
export class ScanStream {
  #listeners = new Map<string, { fn: Listener; once: boolean }[]>();
  #cursor = '0';
  #drained = false;
  #ended = false;
  #flowing = false;
  #reading = false;
  #paused = false;
  #iterating = false;
  // Private fields, not properties: a hardened (frozen) stream keeps working, and learner code
  // holding the stream cannot reach the page function or the listener guard.
  readonly #page: ScanPage;
  readonly #key: string | Uint8Array | null;
  readonly #options: ScanStreamOptions;
  readonly #call: ListenerCall;

  constructor(
    page: ScanPage,
    key: string | Uint8Array | null,
    options: ScanStreamOptions,
    call: ListenerCall = defaultCall,
  ) {
    this.#page = page;
    this.#key = key;
    this.#options = { match: options.match, count: options.count, type: options.type };
    this.#call = call;
  }

  /** Adds a listener; a `'data'` listener starts the flow, as with a Node Readable. */
  on(event: string, listener: Listener): this {
    return this.#add(event, listener, false);
  }

  /** Same as `on`. */
  addListener(event: string, listener: Listener): this {
    return this.#add(event, listener, false);
  }

  /** Adds a listener for one event. */
  once(event: string, listener: Listener): this {
    return this.#add(event, listener, true);
  }

  /** Removes a listener. */
  off(event: string, listener: Listener): this {
    const list = this.#listeners.get(event) ?? [];
    const i = list.findIndex((l) => l.fn === listener);
    if (i >= 0) list.splice(i, 1);
    return this;
  }

  /** Same as `off`. */
  removeListener(event: string, listener: Listener): this {
    return this.off(event, listener);
  }

  /** Stops emitting `'data'` until `resume()`. */
  pause(): this {
    this.#paused = true;
    this.#flowing = false;
    return this;
  }

  /** Starts (or restarts) the flow of pages. */
  resume(): this {
    this.#paused = false;
    this.#flowing = true;
    this.#pump();
    return this;
  }

  /** Whether `pause()` holds the flow. */
  isPaused(): boolean {
    return this.#paused;
  }

  /** Ends the stream after the page in flight, as ioredis's `close()` does. */
  close(): void {
    this.#drained = true;
  }

  /** Reads page by page: `for await (const keys of redis.scanStream())`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<unknown[], void, undefined> {
    this.#iterating = true;
    while (!this.#drained) yield await this.#next();
    this.#finish();
  }

  #add(event: string, listener: Listener, once: boolean): this {
    if (typeof listener !== 'function') return this;
    const list = this.#listeners.get(event) ?? [];
    list.push({ fn: listener, once });
    this.#listeners.set(event, list);
    if (event === 'data' && !this.#paused && !this.#iterating) {
      this.#flowing = true;
      // Node starts a flowing stream on the next tick, after the caller's synchronous code.
      void Promise.resolve().then(() => this.#pump());
    }
    return this;
  }

  #emit(event: string, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return false;
    for (const entry of [...list]) {
      if (entry.once) this.off(event, entry.fn);
      let go = true;
      try {
        go = this.#call(entry.fn, args);
      } catch {
        // A throwing listener must not break the stream or reach the host as unhandled.
      }
      if (!go) {
        this.#drained = true;
        this.#flowing = false;
        return true;
      }
    }
    return true;
  }

  async #next(): Promise<unknown[]> {
    const reply = await this.#page(scanArgs(this.#key, this.#cursor, this.#options));
    const [cursor, elements] = Array.isArray(reply) ? reply : ['0', []];
    this.#cursor = cursorText(cursor);
    if (this.#cursor === '0') this.#drained = true;
    return Array.isArray(elements) ? elements : [];
  }

  async #pump(): Promise<void> {
    if (this.#reading || this.#ended) return;
    this.#reading = true;
    try {
      while (this.#flowing && !this.#drained) {
        let page: unknown[];
        try {
          page = await this.#next();
        } catch (error) {
          this.#drained = true;
          this.#emit('error', error);
          this.#finishAfterError();
          return;
        }
        this.#emit('data', page);
      }
      if (this.#flowing && this.#drained) this.#finish();
    } finally {
      this.#reading = false;
    }
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#emit('end');
    this.#emit('close');
  }

  #finishAfterError(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#emit('close');
  }
}

/** ioredis's scan streams: method name, command, whether it takes a key, whether replies are bytes. */
export const SCAN_STREAM_METHODS = [
  ['scanStream', 'scan', false, false],
  ['scanBufferStream', 'scan', false, true],
  ['sscanStream', 'sscan', true, false],
  ['sscanBufferStream', 'sscan', true, true],
  ['hscanStream', 'hscan', true, false],
  ['hscanBufferStream', 'hscan', true, true],
  ['zscanStream', 'zscan', true, false],
  ['zscanBufferStream', 'zscan', true, true],
] as const;
