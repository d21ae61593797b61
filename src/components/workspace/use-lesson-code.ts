import { useCallback, useEffect, useRef, useState } from 'react';
import type { CodeConflict, ProgressStore } from '../../progress/progress-store.ts';
import { useProgressSnapshot } from './use-progress.ts';

/** How long typing pauses before the code is saved. */
export const SAVE_DEBOUNCE_MS = 400;

/** A lesson's code in the editor, kept in sync with the progress store. */
export interface LessonCode {
  /** The code the editor shows. */
  code: string;
  /** For typing: updates the code and saves it after a pause. */
  setCode: (code: string) => void;
  /** For whole replacements (reset, undo): updates and saves at once. */
  replaceCode: (code: string) => void;
  /** Saves any pending change now (before a run, when leaving the page). */
  flush: () => void;
  /** Another tab's newer code for this lesson, if the learner has not chosen yet. */
  conflict: CodeConflict | undefined;
  /** Settles the conflict. */
  resolveConflict: (choice: 'theirs' | 'mine') => void;
}

interface CodeState {
  store: ProgressStore;
  slug: string;
  epoch: number;
  code: string;
}

/**
 * Loads a lesson's saved code (or its starter), saves while the learner types, and reloads when
 * progress is replaced wholesale (import, clear all). Never starts a run.
 */
export function useLessonCode(store: ProgressStore, slug: string, starter: string): LessonCode {
  const snapshot = useProgressSnapshot(store);
  const [state, setState] = useState<CodeState>(() => ({
    store,
    slug,
    epoch: snapshot.epoch,
    code: store.openLesson(slug, starter),
  }));
  const pending = useRef<{ slug: string; code: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    const change = pending.current;
    pending.current = null;
    if (change) store.saveCode(change.slug, change.code);
  }, [store]);

  // A different lesson, a different store (the learner's own after hydration, see
  // use-hydrated.ts), or progress replaced wholesale: show what the store now holds. (A pending
  // save of the previous lesson is flushed by the effect cleanup below.)
  if (state.store !== store || state.slug !== slug || state.epoch !== snapshot.epoch) {
    setState({ store, slug, epoch: snapshot.epoch, code: store.openLesson(slug, starter) });
  }

  useEffect(() => {
    // Typing not yet saved when an import or clear-all landed must not overwrite the new progress.
    clearTimeout(timer.current);
    pending.current = null;
  }, [snapshot.epoch]);

  useEffect(() => {
    store.openLesson(slug, starter);
    return () => {
      flush();
      store.closeLesson(slug);
    };
  }, [store, slug, starter, flush]);

  useEffect(() => {
    // pagehide fires on tab close and on mobile app switches, where unload may not.
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [flush]);

  const setCode = useCallback(
    (code: string) => {
      setState((current) => ({ ...current, code }));
      pending.current = { slug, code };
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, SAVE_DEBOUNCE_MS);
    },
    [slug, flush],
  );

  const replaceCode = useCallback(
    (code: string) => {
      clearTimeout(timer.current);
      pending.current = null;
      setState((current) => ({ ...current, code }));
      store.saveCode(slug, code);
    },
    [store, slug],
  );

  const conflict = snapshot.conflicts[slug];
  const code = state.code;
  const resolveConflict = useCallback(
    (choice: 'theirs' | 'mine') => {
      clearTimeout(timer.current);
      pending.current = null;
      const next = store.resolveConflict(slug, choice, code);
      setState((current) => ({ ...current, code: next }));
    },
    [store, slug, code],
  );

  return { code, setCode, replaceCode, flush, conflict, resolveConflict };
}
