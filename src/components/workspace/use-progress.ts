import { useSyncExternalStore } from 'react';
import type { ProgressSnapshot, ProgressStore } from '../../progress/progress-store.ts';

/** The progress store's current snapshot; re-renders on every change, from this tab or another. */
export function useProgressSnapshot(store: ProgressStore): ProgressSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
