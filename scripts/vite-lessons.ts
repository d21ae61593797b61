import path from 'node:path';
import type { Logger, Plugin } from 'vite';
import { loadLessonsFromDisk } from '../src/cli/load-lessons.ts';
import type { CourseResult } from '../src/lessons/course-source.ts';
import { LessonError } from '../src/lessons/parse-lesson.ts';
import { renderLesson, type RenderedLesson } from '../src/lessons/render-lesson.ts';
import type { Lesson } from '../src/lessons/schema.ts';

/** The module the app imports the course from. */
export const COURSE_MODULE_ID = 'virtual:cachelab/course';
const RESOLVED_ID = `\0${COURSE_MODULE_ID}`;

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
      return id === COURSE_MODULE_ID ? RESOLVED_ID : undefined;
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const result = await readCourse(root);
      if (!isBuild && logger) {
        if (result.ok)
          logger.info(`cachelab: ${result.lessons.length} lessons OK`, { timestamp: true });
        else logger.error(`cachelab: ${result.error.message}`, { timestamp: true });
      }
      // A plain object literal: it gzips ~6% smaller than JSON.parse('...'), whose escaping adds bytes.
      return `export default ${JSON.stringify(result)};\n`;
    },
    // Any change under lessons/ (edit, new folder, deleted file) updates the course module;
    // src/lessons/course-source.ts accepts it and the app re-renders: no page reload.
    hotUpdate({ file, modules }) {
      if (this.environment.name !== 'client' || !file.startsWith(lessonsDir())) return;
      const course = this.environment.moduleGraph.getModuleById(RESOLVED_ID);
      if (!course) return;
      // A plain (non-HMR) invalidation stamps the module, so Vite discards a load of the course
      // that started before this change and would otherwise cache the old lessons.
      this.environment.moduleGraph.invalidateModule(course);
      return [...modules, course];
    },
  };
}
