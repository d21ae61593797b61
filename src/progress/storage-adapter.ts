/**
 * The only door to persistent storage. Everything in src/progress reads and writes through a
 * `StorageAdapter`, so tests inject a fake and a browser with storage disabled (private modes,
 * blocked cookies, sandboxed iframes) still works in memory instead of crashing.
 */

/** Called when another tab changed a key; `key` is null when that tab cleared all storage. */
export type ExternalChangeListener = (key: string | null, newValue: string | null) => void;

/** A small key/value store with change notifications from other tabs. */
export interface StorageAdapter {
  /** False when data lives only in memory and is gone when the tab closes. */
  readonly persistent: boolean;
  /** The stored string, or null when the key is absent. */
  read(key: string): string | null;
  /** Stores a string; throws when the browser refuses (e.g. quota exceeded). */
  write(key: string, value: string): void;
  /** Removes a key; absent keys are fine. */
  remove(key: string): void;
  /** Subscribes to changes made by other tabs; returns an unsubscribe function. */
  onExternalChange(listener: ExternalChangeListener): () => void;
}

/** A storage that lives in this tab's memory only. Also the fake for tests. */
export function createMemoryStorage(initial: Record<string, string> = {}): StorageAdapter & {
  /** Every key currently held, for tests and for diagnostics. */
  keys(): string[];
  /** Simulates another tab writing `key`: stores it and notifies listeners like a `storage` event. */
  simulateExternalWrite(key: string, value: string | null): void;
} {
  const data = new Map(Object.entries(initial));
  const listeners = new Set<ExternalChangeListener>();
  return {
    persistent: false,
    read: (key) => data.get(key) ?? null,
    write: (key, value) => void data.set(key, value),
    remove: (key) => void data.delete(key),
    onExternalChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    keys: () => [...data.keys()],
    simulateExternalWrite(key, value) {
      if (value === null) data.delete(key);
      else data.set(key, value);
      for (const listener of listeners) listener(key, value);
    },
  };
}

/**
 * Wraps `window.localStorage`, falling back to memory when it is missing or throws. Merely
 * touching `localStorage` throws a SecurityError in some configurations, so every access is
 * guarded, and a probe write proves that writes work too.
 */
export function createBrowserStorage(win: Window | undefined = globalThis.window): StorageAdapter {
  let storage: Storage;
  try {
    if (!win) return createMemoryStorage();
    storage = win.localStorage;
    const probe = 'cachelab:probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
  } catch {
    return createMemoryStorage();
  }
  return {
    persistent: true,
    read: (key) => storage.getItem(key),
    write: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
    onExternalChange(listener) {
      // The `storage` event fires only in *other* tabs of the same origin, never in the writer.
      const handler = (event: StorageEvent) => {
        if (event.storageArea !== storage) return;
        listener(event.key, event.newValue);
      };
      win.addEventListener('storage', handler);
      return () => win.removeEventListener('storage', handler);
    },
  };
}
