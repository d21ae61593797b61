import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/** Options for `watchLessons`. */
export interface WatchLessonsOptions {
  /** Quiet time after the last change before `onChange` fires (default 150 ms). Editors save in bursts. */
  debounceMs?: number;
  /** Called if the watcher itself fails, e.g. when `lessons/` is deleted. */
  onError?: (error: Error) => void;
}

/** A running watch. */
export interface LessonWatcher {
  /** Stops watching and drops any pending callback. */
  close(): void;
}

/**
 * Watches `<root>/lessons` recursively and calls `onChange` with the lesson folders (e.g.
 * "04-expiry") that changed, sorted, once edits have settled. For `cachelab verify --watch`.
 */
export function watchLessons(
  root: string,
  onChange: (folders: string[]) => void,
  options: WatchLessonsOptions = {},
): LessonWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const lessonsDir = path.join(root, 'lessons');
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  // Node 20 supports recursive fs.watch on Linux, macOS and Windows.
  const watcher: FSWatcher = watch(lessonsDir, { recursive: true }, (_event, filename) => {
    if (!filename) return;
    const folder = filename.toString().split(/[\\/]/)[0];
    // Editors write swap and backup files next to the real ones; they are not lesson changes.
    if (!folder || folder.startsWith('.') || /[~#]$/.test(filename.toString())) return;
    pending.add(folder);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const folders = [...pending].sort();
      pending.clear();
      onChange(folders);
    }, debounceMs);
  });
  watcher.on('error', (error) => options.onError?.(error));

  return {
    close() {
      clearTimeout(timer);
      pending.clear();
      watcher.close();
    },
  };
}
