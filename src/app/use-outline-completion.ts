import { useMemo } from 'react';
import type { CompletionState } from '../components/CourseOutline.tsx';
import { useProgressSnapshot } from '../components/workspace/use-progress.ts';
import type { LessonSummary } from '../lessons/course-source.ts';
import type { ProgressData } from '../progress/progress-schema.ts';
import type { ProgressStore } from '../progress/progress-store.ts';

/**
 * Completion per lesson from the outline's checks hashes, the same rule as the store's
 * `completionOf` (same hash: passed; another: stale). The outline carries the hash, not the
 * checks source, so the menu's marks need no lesson chunk.
 */
export function outlineCompletion(
  data: ProgressData,
  lessons: readonly Pick<LessonSummary, 'slug' | 'checksHash'>[],
): Record<string, CompletionState> {
  const map: Record<string, CompletionState> = {};
  for (const { slug, checksHash } of lessons) {
    const completion = data.lessons[slug]?.completion;
    if (completion) map[slug] = completion.checksHash === checksHash ? 'passed' : 'stale';
  }
  return map;
}

/** Completion of every lesson, for the menu and outline; updates on runs here and in other tabs. */
export function useOutlineCompletion(
  store: ProgressStore,
  lessons: readonly LessonSummary[],
): Record<string, CompletionState> {
  const snapshot = useProgressSnapshot(store);
  return useMemo(() => outlineCompletion(snapshot.data, lessons), [snapshot, lessons]);
}
