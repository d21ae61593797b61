/**
 * The learner's progress: per-lesson code, completion, and the rules that keep work safe.
 *
 * Invariants:
 * - Every write is read-modify-write against storage, so a tab only ever replaces the lesson it
 *   is writing, never another tab's newer data for other lessons.
 * - Each lesson's code carries a revision. A tab remembers the revision it last read or wrote;
 *   if storage holds a newer revision with different code, the save is withheld and a conflict
 *   is raised for the learner to settle. Nobody's code is overwritten blindly.
 * - Code equal to the starter is not stored, so a lesson whose starter changes shows the new
 *   starter to learners who never edited it, and keeps the code of those who did.
 * - Unreadable data is copied aside under `cachelab:corrupt:<timestamp>` before starting fresh.
 */
import { hashChecks } from './checks-hash.ts';
import {
  CORRUPT_KEY_PREFIX,
  STORAGE_KEY,
  describeIssue,
  emptyProgress,
  progressDataSchema,
  progressExportSchema,
  type LessonProgress,
  type ProgressData,
} from './progress-schema.ts';
import type { StorageAdapter } from './storage-adapter.ts';

/** How a lesson's completion looks to the outline: passed, or passed against older checks. */
export type CompletionState = 'passed' | 'stale';

/** Something the learner should know about their saved progress. */
export interface ProgressNotice {
  /** Stable id, for dismissing. */
  id: string;
  /** What happened: unreadable data set aside, no persistent storage, or a write refused. */
  kind: 'corrupt' | 'memory-only' | 'write-failed';
  /** Learner-facing sentence. */
  message: string;
}

/** Another tab saved different code for a lesson open here. */
export interface CodeConflict {
  /** The lesson. */
  slug: string;
  /** The code the other tab saved (the starter if it reset). */
  theirCode: string;
  /** The revision the other tab wrote. */
  theirRevision: number;
}

/** An immutable view of the store, for `useSyncExternalStore`. */
export interface ProgressSnapshot {
  /** What is stored, as last read or written by this tab. */
  data: ProgressData;
  /** Notices not yet dismissed. */
  notices: readonly ProgressNotice[];
  /** Unsettled conflicts by lesson slug. */
  conflicts: Readonly<Record<string, CodeConflict>>;
  /** False when progress lives only in this tab's memory. */
  persistent: boolean;
  /** Increments when progress was replaced wholesale (import, clear all), so open editors reload. */
  epoch: number;
}

/** What happened to a save. */
export type SaveOutcome = 'saved' | 'unchanged' | 'conflict' | 'failed';

/** The result of importing a progress file. */
export type ImportOutcome = { ok: true; lessons: number } | { ok: false; error: string };

/** The progress store's API. */
export interface ProgressStore {
  /** The current snapshot; the same object until something changes. */
  getSnapshot(): ProgressSnapshot;
  /** Calls `listener` after every change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Marks a lesson as open in this tab and returns the code to show: saved code, else the starter. */
  openLesson(slug: string, starter: string): string;
  /** Stops watching a lesson for conflicts (the tab navigated away). */
  closeLesson(slug: string): void;
  /** Saves a lesson's code unless another tab saved different code first. */
  saveCode(slug: string, code: string): SaveOutcome;
  /** Settles a conflict; returns the code the editor should now show. */
  resolveConflict(slug: string, choice: 'theirs' | 'mine', myCode: string): string;
  /** Records a run; the first all-passed run against the current checks marks the lesson complete. */
  recordRun(slug: string, checksSource: string, allPassed: boolean): void;
  /** Completion of one lesson against its current checks. */
  completionOf(slug: string, checksSource: string): CompletionState | undefined;
  /** Completion of every lesson that has any, keyed by slug (the outline's `completion` prop). */
  completionMap(
    lessons: readonly { slug: string; checksSource: string }[],
  ): Record<string, CompletionState>;
  /** All progress as the text of an export file. */
  exportJson(): string;
  /** Replaces all progress with an export file's, after validating it. */
  importJson(text: string): ImportOutcome;
  /** Deletes all progress (the caller asks for confirmation first). */
  clearAll(): void;
  /** Hides a notice. */
  dismissNotice(id: string): void;
  /** Stops listening to other tabs. */
  dispose(): void;
}

/** Options for `createProgressStore`. */
export interface ProgressStoreOptions {
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** Creates the store over a storage adapter and starts listening to other tabs. */
export function createProgressStore(
  storage: StorageAdapter,
  { now = Date.now }: ProgressStoreOptions = {},
): ProgressStore {
  const listeners = new Set<() => void>();
  /** Revision of each lesson's code as this tab last read or wrote it. */
  const knownRevision = new Map<string, number>();
  /** Code (undefined = starter) as this tab last read or wrote it. */
  const knownCode = new Map<string, string | undefined>();
  /** Lessons open in this tab, with their starters. */
  const open = new Map<string, string>();
  const hashCache = new Map<string, string>();
  let notices: ProgressNotice[] = [];
  let conflicts: Record<string, CodeConflict> = {};
  let epoch = 0;

  if (!storage.persistent) {
    notices.push({
      id: 'memory-only',
      kind: 'memory-only',
      message:
        'This browser is not letting cachelab save, so your progress lasts only while this tab is open. Use "Export progress" to keep a copy.',
    });
  }

  let data = readStored();
  let snapshot = makeSnapshot();

  function makeSnapshot(): ProgressSnapshot {
    return { data, notices, conflicts, persistent: storage.persistent, epoch };
  }

  function emit() {
    snapshot = makeSnapshot();
    for (const listener of listeners) listener();
  }

  function addNotice(notice: ProgressNotice) {
    notices = [...notices.filter((n) => n.id !== notice.id), notice];
  }

  /** Parses stored progress; anything unreadable is set aside and replaced by empty progress. */
  function readStored(): ProgressData {
    const raw = storage.read(STORAGE_KEY);
    if (raw === null) return emptyProgress();
    let reason: string;
    try {
      const parsed = progressDataSchema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
      reason = describeIssue(parsed.error);
    } catch (error) {
      reason = `not JSON (${(error as Error).message})`;
    }
    setAside(raw, reason);
    return emptyProgress();
  }

  function setAside(raw: string, reason: string) {
    const key = `${CORRUPT_KEY_PREFIX}${now()}`;
    let kept = true;
    try {
      storage.write(key, raw);
    } catch {
      kept = false;
    }
    if (kept) storage.remove(STORAGE_KEY);
    addNotice({
      id: `corrupt:${key}`,
      kind: 'corrupt',
      message: kept
        ? `Saved progress could not be read (${reason}), so cachelab started fresh. The old data was set aside under "${key}" in this site's storage.`
        : `Saved progress could not be read (${reason}), and there was no room to set it aside. cachelab is working from a fresh copy without saving over it.`,
    });
  }

  function persist(next: ProgressData): boolean {
    try {
      storage.write(STORAGE_KEY, JSON.stringify(next));
      data = next;
      return true;
    } catch (error) {
      addNotice({
        id: 'write-failed',
        kind: 'write-failed',
        message: `Your browser refused to save progress (${(error as Error).message}). Your code is still in the editor; use "Download my code" or "Export progress" to keep it.`,
      });
      emit();
      return false;
    }
  }

  function withLesson(base: ProgressData, slug: string, entry: LessonProgress): ProgressData {
    return { ...base, lessons: { ...base.lessons, [slug]: entry } };
  }

  function hashOf(checksSource: string): string {
    let hash = hashCache.get(checksSource);
    if (hash === undefined) {
      hash = hashChecks(checksSource);
      hashCache.set(checksSource, hash);
    }
    return hash;
  }

  function onExternalChange(key: string | null, newValue: string | null) {
    if (key !== null && key !== STORAGE_KEY) return;
    let incoming: ProgressData;
    if (newValue === null) {
      incoming = emptyProgress();
    } else {
      let parsed;
      try {
        parsed = progressDataSchema.safeParse(JSON.parse(newValue));
      } catch {
        return; // Another tab wrote something unreadable; our next read sets it aside.
      }
      if (!parsed.success) return;
      incoming = parsed.data;
    }
    let nextConflicts = conflicts;
    for (const [slug, starter] of open) {
      const theirs = incoming.lessons[slug];
      const theirRevision = theirs?.revision ?? 0;
      if (theirRevision <= (knownRevision.get(slug) ?? 0)) continue;
      if (theirs?.code === knownCode.get(slug)) {
        knownRevision.set(slug, theirRevision);
        continue;
      }
      nextConflicts = {
        ...nextConflicts,
        [slug]: { slug, theirCode: theirs?.code ?? starter, theirRevision },
      };
    }
    conflicts = nextConflicts;
    data = incoming;
    emit();
  }

  const unlisten = storage.onExternalChange(onExternalChange);

  const store: ProgressStore = {
    getSnapshot: () => snapshot,

    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    openLesson(slug, starter) {
      // Called during render, so it must not notify synchronously; only a newly set-aside
      // corrupt record changes what subscribers see, and that is announced a tick later.
      const noticesBefore = notices;
      data = readStored();
      if (notices !== noticesBefore) queueMicrotask(emit);
      const entry = data.lessons[slug];
      open.set(slug, starter);
      knownRevision.set(slug, entry?.revision ?? 0);
      knownCode.set(slug, entry?.code);
      return entry?.code ?? starter;
    },

    closeLesson(slug) {
      open.delete(slug);
    },

    saveCode(slug, code) {
      if (conflicts[slug]) return 'conflict';
      const fresh = readStored();
      const entry = fresh.lessons[slug];
      const storedRevision = entry?.revision ?? 0;
      const starter = open.get(slug);
      if (storedRevision > (knownRevision.get(slug) ?? 0) && entry?.code !== knownCode.get(slug)) {
        conflicts = {
          ...conflicts,
          [slug]: {
            slug,
            theirCode: entry?.code ?? starter ?? '',
            theirRevision: storedRevision,
          },
        };
        data = fresh;
        emit();
        return 'conflict';
      }
      const stored = code === starter ? undefined : code;
      if (entry ? entry.code === stored : stored === undefined) {
        knownRevision.set(slug, storedRevision);
        knownCode.set(slug, stored);
        return 'unchanged';
      }
      const revision = storedRevision + 1;
      const next: LessonProgress = { ...entry, revision, savedAt: now() };
      if (stored === undefined) delete next.code;
      else next.code = stored;
      if (!persist(withLesson(fresh, slug, next))) return 'failed';
      knownRevision.set(slug, revision);
      knownCode.set(slug, stored);
      emit();
      return 'saved';
    },

    resolveConflict(slug, choice, myCode) {
      const conflict = conflicts[slug];
      if (!conflict) return myCode;
      const { [slug]: _settled, ...rest } = conflicts;
      void _settled;
      conflicts = rest;
      const theirStored = conflict.theirCode === open.get(slug) ? undefined : conflict.theirCode;
      knownRevision.set(slug, conflict.theirRevision);
      knownCode.set(slug, theirStored);
      if (choice === 'theirs') {
        emit();
        return conflict.theirCode;
      }
      // "Keep mine" writes on top of the revision the learner has now seen.
      const outcome = store.saveCode(slug, myCode);
      if (outcome !== 'saved') emit();
      return myCode;
    },

    recordRun(slug, checksSource, allPassed) {
      if (!allPassed) return;
      const fresh = readStored();
      const checksHash = hashOf(checksSource);
      const entry = fresh.lessons[slug] ?? { revision: 0, savedAt: now() };
      if (entry.completion?.checksHash === checksHash) return;
      const next = { ...entry, completion: { checksHash, passedAt: now() } };
      if (persist(withLesson(fresh, slug, next))) emit();
    },

    completionOf(slug, checksSource) {
      const completion = data.lessons[slug]?.completion;
      if (!completion) return undefined;
      return completion.checksHash === hashOf(checksSource) ? 'passed' : 'stale';
    },

    completionMap(lessons) {
      const map: Record<string, CompletionState> = {};
      for (const { slug, checksSource } of lessons) {
        const state = store.completionOf(slug, checksSource);
        if (state) map[slug] = state;
      }
      return map;
    },

    exportJson() {
      const fresh = readStored();
      const file = {
        app: 'cachelab',
        kind: 'progress',
        version: 1,
        exportedAt: new Date(now()).toISOString(),
        lessons: fresh.lessons,
      };
      return `${JSON.stringify(file, null, 2)}\n`;
    },

    importJson(text) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        return { ok: false, error: `That file is not valid JSON (${(error as Error).message}).` };
      }
      const parsed = progressExportSchema.safeParse(json);
      if (!parsed.success) {
        const tagged = json as { app?: unknown; version?: unknown } | null;
        if (
          tagged?.app === 'cachelab' &&
          typeof tagged.version === 'number' &&
          tagged.version > 1
        ) {
          return {
            ok: false,
            error: `That file was exported by a newer cachelab (format ${tagged.version}); this one reads format 1.`,
          };
        }
        return {
          ok: false,
          error: `That file is not a cachelab progress export (${describeIssue(parsed.error)}).`,
        };
      }
      const current = readStored();
      const lessons: Record<string, LessonProgress> = {};
      // Revisions move past both sides, so other open tabs see the import as a newer write.
      for (const [slug, entry] of Object.entries(parsed.data.lessons)) {
        const revision = Math.max(entry.revision, current.lessons[slug]?.revision ?? 0) + 1;
        lessons[slug] = { ...entry, revision };
      }
      if (!persist({ version: 1, lessons }))
        return { ok: false, error: 'Your browser refused to save the imported progress.' };
      conflicts = {};
      for (const slug of open.keys()) {
        knownRevision.set(slug, lessons[slug]?.revision ?? 0);
        knownCode.set(slug, lessons[slug]?.code);
      }
      epoch += 1;
      emit();
      return { ok: true, lessons: Object.keys(lessons).length };
    },

    clearAll() {
      storage.remove(STORAGE_KEY);
      data = emptyProgress();
      conflicts = {};
      for (const slug of open.keys()) {
        knownRevision.set(slug, 0);
        knownCode.set(slug, undefined);
      }
      epoch += 1;
      emit();
    },

    dismissNotice(id) {
      notices = notices.filter((notice) => notice.id !== id);
      emit();
    },

    dispose() {
      unlisten();
      listeners.clear();
    },
  };
  return store;
}
