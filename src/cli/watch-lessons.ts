import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { resolveLessonsDir } from './course-dir.ts';

/** Options for `watchLessons`. */
export interface WatchLessonsOptions {
  /** Quiet time after the last change before `onChange` fires (default 150 ms). Editors save in bursts. */
  debounceMs?: number;
  /**
   * Called if watching fails after start-up: `lessons/` deleted, or a lesson folder's watch
   * failing while the folder still exists (e.g. out of inotify watches). Failures while starting
   * are thrown by `watchLessons` itself.
   */
  onError?: (error: Error) => void;
}

/** A running watch. */
export interface LessonWatcher {
  /** Stops watching and drops any pending callback. */
  close(): void;
}

/**
 * Watches the lessons of `root` (its `lessons/`, or `root` itself for a `--course` folder) and calls `onChange` with the lesson folders (e.g. "04-expiry") that
 * changed, sorted, once edits have settled. For `cachelab verify --watch`.
 *
 * Every watch is in place when this returns. Node 20's `recursive` option on Linux walks the tree
 * asynchronously, so an edit made just after start-up (on a busy machine, seconds after) was
 * missed. Lesson folders are flat, so this watches `lessons/` itself (folders added or removed)
 * and each lesson folder, and starts watching a folder as soon as it appears.
 */
export function watchLessons(
  root: string,
  onChange: (folders: string[]) => void,
  options: WatchLessonsOptions = {},
): LessonWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const lessonsDir = resolveLessonsDir(root);
  const pending = new Set<string>();
  const folderWatchers = new Map<string, FSWatcher>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let starting = true;

  const changed = (folder: string, filename: string) => {
    // Editors write swap and backup files next to the real ones; they are not lesson changes.
    if (closed || !folder || folder.startsWith('.') || /[~#]$/.test(filename)) return;
    pending.add(folder);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const folders = [...pending].sort();
      pending.clear();
      onChange(folders);
    }, debounceMs);
  };

  const watchFolder = (folder: string) => {
    if (closed || folderWatchers.has(folder) || folder.startsWith('.')) return;
    let watcher: FSWatcher;
    try {
      if (!statSync(path.join(lessonsDir, folder)).isDirectory()) return;
      watcher = watch(path.join(lessonsDir, folder), (_event, filename) =>
        changed(folder, filename?.toString() ?? ''),
      );
    } catch (error) {
      // Gone again, or not a folder: nothing to watch. Anything else (out of inotify watches,
      // no permission) would leave the folder unwatched, so it is reported.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      if (starting) throw error;
      options.onError?.(error as Error);
      return;
    }
    // A deleted folder ends its watcher, and `lessons/` reports the deletion itself; any other
    // failure means edits in that folder would go unseen, so it is reported, never swallowed.
    watcher.on('error', (error) => {
      watcher.close();
      folderWatchers.delete(folder);
      if (!closed && existsSync(path.join(lessonsDir, folder))) options.onError?.(error);
    });
    folderWatchers.set(folder, watcher);
  };

  const top: FSWatcher = watch(lessonsDir, (_event, filename) => {
    const folder = filename?.toString() ?? '';
    watchFolder(folder);
    changed(folder, folder);
  });
  top.on('error', (error) => options.onError?.(error));
  const watcher: LessonWatcher = {
    close() {
      closed = true;
      clearTimeout(timer);
      pending.clear();
      top.close();
      for (const watcher of folderWatchers.values()) watcher.close();
      folderWatchers.clear();
    },
  };
  try {
    for (const entry of readdirSync(lessonsDir)) watchFolder(entry);
  } catch (error) {
    watcher.close();
    throw error;
  }
  starting = false;
  return watcher;
}
