import bundledOutline, { lessonLoaders as bundledLoaders } from 'virtual:cachelab/course';
import type { RenderedLesson } from './render-lesson.ts';

/** An invalid lesson file, as the page shows it. */
export interface LessonProblem {
  /** The file at fault, e.g. "lessons/01-x/lesson.md". */
  file: string;
  /** The frontmatter field at fault, when there is one. */
  field?: string;
  /** The LessonError message, naming file and field. */
  message: string;
}

/** The course as a whole: the lessons, or the first lesson file that is wrong. */
export type CourseResult =
  | {
      /** Every lesson parsed. */ ok: true;
      /** Lessons in course order, with markdown pre-rendered. */ lessons: RenderedLesson[];
    }
  | {
      /** A lesson file is invalid. */ ok: false;
      /** Names the file and field at fault. */ error: LessonProblem;
    };

/** What every page needs of one lesson (menu, outline, completion marks), without its body. */
export interface LessonSummary {
  /** Lesson id, used in its URL. */
  slug: string;
  /** Lesson title. */
  title: string;
  /** One-line summary. */
  summary: string;
  /** Position in the course. */
  order: number;
  /** hashChecks(checksSource): enough to tell a completion current from stale. */
  checksHash: string;
}

/** The eager part of the course: the outline, or the first lesson file that is wrong. */
export type CourseOutline =
  | {
      /** Every lesson parsed. */ ok: true;
      /** Lessons in course order, summaries only. */ lessons: LessonSummary[];
    }
  | {
      /** A lesson file is invalid. */ ok: false;
      /** Names the file and field at fault. */ error: LessonProblem;
    };

/** Loads one lesson's chunk (`virtual:cachelab/lesson/<slug>`). */
export type LessonLoader = () => Promise<{ default: RenderedLesson | null }>;

/**
 * The course, read from lessons/ by scripts/vite-lessons.ts with the same loader the CLI uses
 * (`loadLessonsFromDisk` → `parseLessonFolder` → `assembleCourse`), then `renderLesson`. Parsing
 * and markdown rendering happen in Node, at dev-server or build time, so yaml, zod and the
 * markdown toolchain (together about 100 KB gzip) stay out of the page. In dev an invalid lesson
 * arrives as `ok: false` instead of breaking the module.
 *
 * Only the outline is eager. Each lesson's body, code and checks are a chunk of their own, loaded
 * by `loadLesson` (src/main.tsx awaits the current one before hydrating, and the prerendered page
 * preloads it), so adding a lesson no longer grows every page's initial JavaScript.
 */
let outline: CourseOutline = bundledOutline;
let loaders: Record<string, LessonLoader> = bundledLoaders;
let loaded = new Map<string, RenderedLesson>();
let pending = new Map<string, Promise<RenderedLesson | undefined>>();
const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

/** The course outline as of now (it changes only in dev, when a lesson file is edited). */
export function getCourse(): CourseOutline {
  return outline;
}

/** A lesson whose chunk has loaded, or undefined (not loaded yet, or no such lesson). */
export function getLoadedLesson(slug: string): RenderedLesson | undefined {
  return loaded.get(slug);
}

/** Whether the outline has a lesson with this slug. */
export function hasLesson(slug: string): boolean {
  return Object.hasOwn(loaders, slug);
}

/**
 * Loads a lesson's chunk; resolves undefined for a slug the course does not have. A failed load
 * (network) rejects and is forgotten, so the next call retries.
 */
export function loadLesson(slug: string): Promise<RenderedLesson | undefined> {
  const done = loaded.get(slug);
  if (done) return Promise.resolve(done);
  if (!hasLesson(slug)) return Promise.resolve(undefined);
  let promise = pending.get(slug);
  if (!promise) {
    const from = loaders;
    promise = from[slug]().then(
      (module) => {
        // A course that hot-reloaded meanwhile has started its own load; this one is stale.
        if (from !== loaders) return loadLesson(slug);
        pending.delete(slug);
        const lesson = module.default ?? undefined;
        if (lesson) {
          loaded.set(slug, lesson);
          notify();
        }
        return lesson;
      },
      (error: unknown) => {
        pending.delete(slug);
        throw error;
      },
    );
    pending.set(slug, promise);
  }
  return promise;
}

/** Calls `listener` whenever the course hot-reloads or a lesson loads; returns the unsubscribe. */
export function subscribeCourse(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// This module accepts course updates itself, so a lesson edit swaps the data in place: no page
// reload, and nothing else (editor, progress) is re-run. Lessons already on the page are loaded
// again from the new course before the swap, so the page never shows a half-updated course.
if (import.meta.hot) {
  import.meta.hot.accept('virtual:cachelab/course', (next) => {
    if (!next) return;
    const module = next as unknown as {
      default: CourseOutline;
      lessonLoaders: Record<string, LessonLoader>;
    };
    const held = [...loaded.keys()].filter((slug) => Object.hasOwn(module.lessonLoaders, slug));
    void Promise.all(held.map((slug) => module.lessonLoaders[slug]())).then(
      (modules) => {
        outline = module.default;
        loaders = module.lessonLoaders;
        loaded = new Map();
        pending = new Map();
        held.forEach((slug, i) => {
          const lesson = modules[i].default;
          if (lesson) loaded.set(slug, lesson);
        });
        notify();
      },
      (error: unknown) => console.error('cachelab: reloading a lesson failed', error),
    );
  });
}
