import path from 'node:path';
import type { Logger, Plugin } from 'vite';
import { loadLessonsFromDisk } from '../src/cli/load-lessons.ts';
import type { CourseOutline, CourseResult, LessonSummary } from '../src/lessons/course-source.ts';
import { LessonError } from '../src/lessons/parse-lesson.ts';
import { renderLesson, type RenderedLesson } from '../src/lessons/render-lesson.ts';
import type { Lesson } from '../src/lessons/schema.ts';
import { hashChecks } from '../src/progress/checks-hash.ts';

/** The module the app imports the course from. */
export const COURSE_MODULE_ID = 'virtual:cachelab/course';
const RESOLVED_ID = `\0${COURSE_MODULE_ID}`;
/** One lesson's body is `virtual:cachelab/lesson/<slug>`, its own lazily loaded chunk. */
export const LESSON_MODULE_PREFIX = 'virtual:cachelab/lesson/';
const RESOLVED_LESSON_PREFIX = `\0${LESSON_MODULE_PREFIX}`;

/** The resolved id of a lesson's module, as Rollup names it (the prerender plugin finds its chunk by it). */
export function resolvedLessonId(slug: string): string {
  return `${RESOLVED_LESSON_PREFIX}${slug}`;
}

/** What every page needs of a lesson (menu, outline, completion marks): no body, code or checks. */
export function summarize(lesson: RenderedLesson): LessonSummary {
  return {
    slug: lesson.slug,
    title: lesson.title,
    summary: lesson.summary,
    order: lesson.order,
    checksHash: hashChecks(lesson.checksSource),
  };
}

/**
 * The course module's code: the outline eagerly, and one `import()` per lesson so Vite emits a
 * chunk per lesson. The eager bundle then grows by a line per lesson, not by its whole body.
 */
export function courseModuleCode(result: CourseResult): string {
  const outline: CourseOutline = result.ok
    ? { ok: true, lessons: result.lessons.map(summarize) }
    : result;
  const loaders = result.ok
    ? result.lessons.map(
        ({ slug }) =>
          `  ${JSON.stringify(slug)}: () => import(${JSON.stringify(LESSON_MODULE_PREFIX + slug)}),`,
      )
    : [];
  // A plain object literal: it gzips ~6% smaller than JSON.parse('...'), whose escaping adds bytes.
  return `export default ${JSON.stringify(outline)};\nexport const lessonLoaders = {\n${loaders.join('\n')}\n};\n`;
}

/** Options for {@link lessonsPlugin}. */
export interface LessonsPluginOptions {
  /** Repo root holding lessons/; defaults to Vite's root. */
  root?: string;
}

// Rendered lessons by their parsed content, so an edit re-renders only the lesson that changed.
const renderCache = new Map<string, RenderedLesson>();

function renderCached(lesson: Lesson): RenderedLesson {
  const key = JSON.stringify(lesson);
  let rendered = renderCache.get(key);
  if (!rendered) {
    rendered = renderLesson(lesson);
    renderCache.set(key, rendered);
  }
  return rendered;
}

/** Loads lessons/ with the CLI's loader and renders their markdown; a broken lesson becomes `ok: false`, never a throw. */
export async function readCourse(root: string): Promise<CourseResult> {
  try {
    const lessons = await loadLessonsFromDisk(root);
    return { ok: true, lessons: lessons.map(renderCached) };
  } catch (error) {
    const problem =
      error instanceof LessonError ? error : new LessonError('lessons', String(error));
    return {
      ok: false,
      error: { file: problem.file, field: problem.field, message: problem.message },
    };
  }
}

/**
 * Serves lessons/ to the app as `virtual:cachelab/course`, parsed in Node by the shared loader.
 * - `vite build` fails with the LessonError message (file and field).
 * - `vite` (dev) keeps running: the page shows the error, the terminal prints it, and any edit
 *   under lessons/ (including new folders) hot-reloads the course.
 */
export function lessonsPlugin(options: LessonsPluginOptions = {}): Plugin {
  let root = options.root ?? process.cwd();
  let isBuild = false;
  let logger: Logger | undefined;
  const lessonsDir = () => path.join(root, 'lessons') + path.sep;
  return {
    name: 'cachelab:lessons',
    configResolved(config) {
      root = options.root ?? config.root;
      isBuild = config.command === 'build';
      logger = process.env.VITEST ? undefined : config.logger;
    },
    async buildStart() {
      if (!isBuild) return;
      const result = await readCourse(root);
      // The message already names the file and field; a stack trace into the loader would bury it.
      if (!result.ok) throw Object.assign(new Error(result.error.message), { stack: '' });
      if (result.lessons.length === 0)
        throw new Error(`No lessons found under ${path.join(root, 'lessons')}`);
    },
    resolveId(id) {
      if (id === COURSE_MODULE_ID) return RESOLVED_ID;
      if (id.startsWith(LESSON_MODULE_PREFIX)) return `\0${id}`;
      return undefined;
    },
    async load(id) {
      if (id.startsWith(RESOLVED_LESSON_PREFIX)) {
        const slug = id.slice(RESOLVED_LESSON_PREFIX.length);
        const result = await readCourse(root);
        // In dev a broken course shows its error page; the lesson module then has nothing to give.
        const lesson = result.ok ? result.lessons.find((l) => l.slug === slug) : undefined;
        if (!lesson && isBuild) throw new Error(`No lesson with slug "${slug}" under lessons/`);
        return `export default ${JSON.stringify(lesson ?? null)};\n`;
      }
      if (id !== RESOLVED_ID) return undefined;
      const result = await readCourse(root);
      if (!isBuild && logger) {
        if (result.ok)
          logger.info(`cachelab: ${result.lessons.length} lessons OK`, { timestamp: true });
        else logger.error(`cachelab: ${result.error.message}`, { timestamp: true });
      }
      return courseModuleCode(result);
    },
    // Any change under lessons/ (edit, new folder, deleted file) updates the course module;
    // src/lessons/course-source.ts accepts it and the app re-renders: no page reload.
    hotUpdate({ file, modules }) {
      if (this.environment.name !== 'client' || !file.startsWith(lessonsDir())) return;
      const graph = this.environment.moduleGraph;
      const course = graph.getModuleById(RESOLVED_ID);
      if (!course) return;
      // A plain (non-HMR) invalidation stamps the module, so Vite discards a load of the course
      // that started before this change and would otherwise cache the old lessons. The lesson
      // modules are part of the update too: that gives them a new HMR timestamp, so the new
      // course module imports them under a new URL (the browser caches a module by its URL) and
      // src/lessons/course-source.ts reloads the ones the page holds.
      const lessonModules = [...graph.idToModuleMap.values()].filter((mod) =>
        mod.id?.startsWith(RESOLVED_LESSON_PREFIX),
      );
      for (const mod of [course, ...lessonModules]) graph.invalidateModule(mod);
      return [...modules, course, ...lessonModules];
    },
  };
}
