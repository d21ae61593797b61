import { useSyncExternalStore } from 'react';

const never = () => () => {};

/**
 * False while React hydrates a prerendered page, true otherwise (and at once for any component
 * mounted later, or rendered without hydration). Hydration must render exactly what the build
 * rendered, a first visit in the light theme, so anything that depends on this learner (saved
 * code, completion, the theme) reads the learner's own state only once this is true: React
 * re-renders those components right after hydration, instead of discarding the whole page for a
 * mismatch.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
