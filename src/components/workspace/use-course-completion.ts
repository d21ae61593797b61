import { useMemo } from 'react';
import type { CompletionState, ProgressStore } from '../../progress/progress-store.ts';
import { useProgressSnapshot } from './use-progress.ts';

/** Completion of every lesson, for the outline; updates on runs here and in other tabs. */
export function useCourseCompletion(
  store: ProgressStore,
  lessons: readonly { slug: string; checksSource: string }[],
): Record<string, CompletionState> {
  const snapshot = useProgressSnapshot(store);
  return useMemo(() => {
    void snapshot; // recomputed whenever the store changes
    return store.completionMap(lessons);
  }, [store, lessons, snapshot]);
}
