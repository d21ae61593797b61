import { describe, expect, it, vi } from 'vitest';
import { createBrowserStorage } from '../../src/progress/storage-adapter.ts';

function fakeWindow(localStorage: () => Storage) {
  const listeners = new Set<(event: StorageEvent) => void>();
  return {
    get localStorage() {
      return localStorage();
    },
    addEventListener: (_type: string, listener: (event: StorageEvent) => void) =>
      listeners.add(listener),
    removeEventListener: (_type: string, listener: (event: StorageEvent) => void) =>
      listeners.delete(listener),
    dispatch: (event: Partial<StorageEvent>) => listeners.forEach((l) => l(event as StorageEvent)),
  };
}

function mapStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
    clear: () => data.clear(),
    key: () => null,
    get length() {
      return data.size;
    },
  };
}

describe(createBrowserStorage, () => {
  it('falls back to memory when touching localStorage throws', () => {
    const win = fakeWindow(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const storage = createBrowserStorage(win as unknown as Window);
    expect(storage.persistent).toBe(false);
    storage.write('k', 'v');
    expect(storage.read('k')).toBe('v');
  });

  it('falls back to memory when writes are refused', () => {
    const refusing = {
      ...mapStorage(),
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const storage = createBrowserStorage(fakeWindow(() => refusing) as unknown as Window);
    expect(storage.persistent).toBe(false);
  });

  it('uses localStorage and relays storage events from other tabs', () => {
    const local = mapStorage();
    const win = fakeWindow(() => local);
    const storage = createBrowserStorage(win as unknown as Window);
    expect(storage.persistent).toBe(true);
    storage.write('k', 'v');
    expect(local.getItem('k')).toBe('v');
    const listener = vi.fn();
    const stop = storage.onExternalChange(listener);
    win.dispatch({ storageArea: local, key: 'cachelab:v1', newValue: '{}' });
    win.dispatch({ storageArea: mapStorage(), key: 'cachelab:v1', newValue: 'other area' });
    expect(listener).toHaveBeenCalledExactlyOnceWith('cachelab:v1', '{}');
    stop();
    win.dispatch({ storageArea: local, key: 'cachelab:v1', newValue: '{}' });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
