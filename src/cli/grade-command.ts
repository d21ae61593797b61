/**
 * `cachelab grade <files and folders…>`: finds the submissions, tells each one's lesson (from
 * `--lesson` or the file's download header), grades them on a set of warm isolated runners, and
 * hands the results to the reporters. Exit 0 when every submission passed, 1 when any failed;
 * usage errors (exit 2) are thrown as UsageError before anything is graded.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDownloadHeader } from '../progress/download-header.ts';
import { BOUNDARY_LIMITS } from '../runner/limits.ts';
import type { RunReport } from '../runner/report.ts';
import {
  batchJson,
  formatBatchReport,
  formatGradeReport,
  submissionJson,
  type SubmissionJson,
} from './grade.ts';
import { lessonFileIn, lessonFolders } from './course-dir.ts';
import { markStep, noteDuration } from './grade-timing.ts';
import { RunnerError } from './runner-pool.ts';
import { submissionPassed, type SubmissionResult } from './submission-result.ts';
import { UsageError } from './usage-error.ts';

/** The reporters `--reporter` accepts. */
export const REPORTERS = ['readable', 'json', 'junit', 'github'] as const;

/** One reporter. */
export type ReporterName = (typeof REPORTERS)[number];

/** Where `grade` writes. */
export interface GradeIo {
  /** Reports. */
  stdout: NodeJS.WritableStream;
  /** Progress and warnings. */
  stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal (progress is shown only then). */
  stderrIsTTY: boolean;
}

/** The runners `grade` uses: a runner pool (runner-pool.ts) or anything shaped like one. */
export interface Grader {
  /** Grades `source` against `lesson` on the next free runner. */
  run(lesson: string, source: string): Promise<RunReport>;
  /** Resolves once a runner is ready; rejects (RunnerError) if none can start. */
  ready(): Promise<unknown>;
  /** Stops every runner. */
  close(): Promise<void>;
}

/** What `grade` was asked to do. */
export interface GradeOptions {
  /** Files and folders, as given. */
  paths: readonly string[];
  /** `--lesson`: grade every file against this lesson, whatever its header says. */
  lesson?: string;
  /** The course folder (NN-slug lessons, or a folder holding lessons/). */
  courseDir: string;
  /** The folder relative paths are resolved against. */
  cwd: string;
  /** Reporters to run, already validated. */
  reporters: readonly ReporterName[];
  /** `--output`: the file the JUnit reporter writes. */
  output?: string;
  /** How many runners grade at once. */
  jobs: number;
  /** Makes the runners (injected so tests and benchmarks can count or fake them). */
  createGrader(courseDir: string, size: number): Grader | Promise<Grader>;
}

const SUBMISSION_EXTENSIONS = /\.(?:[cm]?ts|[cm]?js)$/;

/** Expands folders into the submission files inside them (sorted, skipping node_modules and dot folders). */
async function collectFiles(
  paths: readonly string[],
  cwd: string,
): Promise<{ files: { shown: string; absolute: string }[]; batch: boolean }> {
  const files: { shown: string; absolute: string }[] = [];
  const seen = new Set<string>();
  let batch = paths.length > 1;
  const add = (shown: string, absolute: string) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    files.push({ shown, absolute });
  };
  const walk = async (shown: string, absolute: string): Promise<void> => {
    const entries = await readdir(absolute, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const childShown = path.join(shown, entry.name);
      const childAbsolute = path.join(absolute, entry.name);
      if (entry.isDirectory()) await walk(childShown, childAbsolute);
      else if (SUBMISSION_EXTENSIONS.test(entry.name) && !entry.name.endsWith('.d.ts'))
        add(childShown, childAbsolute);
    }
  };
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let info;
    try {
      info = await stat(absolute);
    } catch (error) {
      throw new UsageError(
        `cannot read ${given}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    if (info.isDirectory()) {
      batch = true;
      const before = files.length;
      await walk(given, absolute);
      if (files.length === before)
        throw new UsageError(`no .ts or .js files in ${given} (folders are searched recursively)`);
    } else {
      add(given, absolute);
    }
  }
  return { files, batch };
}

/** Reads one submission; a file too big or unreadable is that submission's failure. */
async function readSubmission(absolute: string): Promise<string | { message: string }> {
  try {
    const info = await stat(absolute);
    // The runner refuses sources over this size anyway; reading a huge file would only cost memory.
    if (info.size > BOUNDARY_LIMITS.sourceChars * 3) {
      return {
        message: `the file is ${info.size} bytes; the limit is ${BOUNDARY_LIMITS.sourceChars} characters`,
      };
    }
    const source = await readFile(absolute, 'utf8');
    if (source.length > BOUNDARY_LIMITS.sourceChars)
      return {
        message: `the file is ${source.length} characters; the limit is ${BOUNDARY_LIMITS.sourceChars}`,
      };
    return source;
  } catch (error) {
    return {
      message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    };
  }
}

/** Shows "12/300 graded, 3 failed" on a terminal, at most every 100 ms. */
function progressLine(io: GradeIo, total: number) {
  let last = 0;
  let shown = false;
  return {
    update(done: number, failed: number) {
      if (!io.stderrIsTTY || total < 2) return;
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\x1b[Kcachelab grade: ${done}/${total} graded, ${failed} failed`);
    },
    clear() {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}

/** Runs `cachelab grade`; resolves to exit code 0 or 1 (usage errors throw UsageError). */
export async function gradeSubmissions(options: GradeOptions, io: GradeIo): Promise<number> {
  const started = performance.now();
  const lessons = await lessonFolders(options.courseDir);
  if (options.lesson !== undefined && !lessons.has(options.lesson))
    throw new UsageError(unknownLesson(options.lesson, lessons));
  const { files, batch } = await collectFiles(options.paths, options.cwd);
  if (files.length === 0)
    throw new UsageError('grade needs a file: cachelab grade <file> [--lesson <slug>]');

  // Start the runners now: their start-up overlaps with reading the files.
  const size = Math.max(1, Math.min(options.jobs, files.length));
  const grader = await options.createGrader(options.courseDir, size);
  try {
    const results: SubmissionResult[] = new Array(files.length);
    const sources = await Promise.all(files.map((f) => readSubmission(f.absolute)));
    if (!batch) {
      // One file: what cannot be graded is a usage error, as it always was.
      const source = sources[0]!;
      if (typeof source !== 'string')
        throw new UsageError(`cannot read ${files[0]!.shown}: ${source.message}`);
      if (options.lesson === undefined && !parseDownloadHeader(source)) {
        throw new UsageError(
          `grade needs --lesson <slug>: ${files[0]!.shown} has no "// cachelab lesson: <slug>" header ` +
            '(files from "Download my code" have one)',
        );
      }
    }
    noteDuration('childOwnStartup', await grader.ready());
    markStep('childReady');

    const progress = progressLine(io, files.length);
    let done = 0;
    let failed = 0;
    let next = 0;
    const work = async (): Promise<void> => {
      while (next < files.length) {
        const index = next++;
        results[index] = await gradeOne(
          files[index]!.shown,
          sources[index]!,
          options,
          lessons,
          grader,
        );
        done++;
        if (!submissionPassed(results[index]!)) failed++;
        progress.update(done, failed);
      }
    };
    await Promise.all(Array.from({ length: size }, work));
    markStep('graded');
    progress.clear();
    await addCheckNames(results, options.courseDir, lessons);
    await report(results, batch, performance.now() - started, options, io);
    markStep('reported');
    return results.every(submissionPassed) ? 0 : 1;
  } finally {
    await grader.close();
    markStep('closed');
  }
}

async function gradeOne(
  file: string,
  source: string | { message: string },
  options: GradeOptions,
  lessons: Map<string, string>,
  grader: Grader,
): Promise<SubmissionResult> {
  if (typeof source !== 'string')
    return { file, problem: { kind: 'read', message: source.message } };
  const header = parseDownloadHeader(source);
  const lesson = options.lesson ?? header?.lesson;
  if (lesson === undefined) {
    return {
      file,
      problem: {
        kind: 'lesson',
        message:
          'no lesson: the file has no "// cachelab lesson: <slug>" header (pass --lesson <slug>)',
      },
    };
  }
  if (!lessons.has(lesson)) {
    const course = header && header.course !== 'cachelab' ? ` of course "${header.course}"` : '';
    return {
      file,
      lesson,
      problem: {
        kind: 'lesson',
        message: `the file names lesson "${lesson}"${course}, which this course does not have (${[...lessons.keys()].join(', ')}); pass --course <dir> or --lesson <slug>`,
      },
    };
  }
  try {
    return { file, lesson, report: await grader.run(lesson, source) };
  } catch (error) {
    if (!(error instanceof RunnerError)) throw error;
    // The runner failing on one submission is that submission's failure, never a usage error.
    return {
      file,
      lesson,
      report: {
        lesson,
        passed: false,
        checks: [],
        error: { kind: 'crashed', message: error.message },
        console: '',
        durationMs: 0,
      },
    };
  }
}

/** Adds each lesson's check names to results that did not run every check, so reports list the rest. */
async function addCheckNames(
  results: SubmissionResult[],
  courseDir: string,
  lessons: Map<string, string>,
): Promise<void> {
  const needing: SubmissionResult[] = [];
  for (const result of results) {
    if (result.lesson === undefined || !lessons.has(result.lesson)) continue;
    const error = result.report?.error;
    if (result.report && !error) continue;
    if (
      result.report &&
      error?.notRun !== undefined &&
      (error.kind !== 'timeout' || error.check !== undefined)
    ) {
      // The runner named every check it did not finish (a compile error names them all): the
      // list is complete without loading checks.ts in this process, which costs a sucrase
      // transpile per lesson on a batch's critical path.
      const finished = result.report.checks.map((c) => c.name);
      const interrupted = error.check !== undefined && !finished.includes(error.check);
      result.checkNames = [...finished, ...(interrupted ? [error.check!] : []), ...error.notRun];
      continue;
    }
    needing.push(result);
  }
  if (needing.length === 0) return;
  // Loaded only when a run was cut short: most runs never pay for sucrase in this process.
  const { checkNamesOf } = await import('./load-checks.ts');
  const names = new Map<string, string[] | undefined>();
  for (const result of needing) {
    const lesson = result.lesson!;
    if (!names.has(lesson)) {
      let list: string[] | undefined;
      try {
        list = checkNamesOf(lessonFileIn(courseDir, lessons.get(lesson)!, 'checks.ts'));
      } catch {
        list = undefined; // a broken checks.ts: the runner has already said so
      }
      names.set(lesson, list);
    }
    const list = names.get(lesson);
    if (list) result.checkNames = list;
  }
}

async function report(
  results: SubmissionResult[],
  batch: boolean,
  durationMs: number,
  options: GradeOptions,
  io: GradeIo,
): Promise<void> {
  for (const reporter of options.reporters) {
    if (reporter === 'json') {
      const json = batch ? batchJson(results, durationMs) : single(results[0]!);
      io.stdout.write(`${JSON.stringify(json)}\n`);
    } else if (reporter === 'readable') {
      io.stdout.write(
        batch ? formatBatchReport(results, durationMs) : formatGradeReport(results[0]!),
      );
    } else if (reporter === 'github') {
      const { githubAnnotations } = await import('./reporters/github.ts');
      for (const result of results) io.stdout.write(githubAnnotations(result));
      io.stdout.write(formatBatchReport(results, durationMs).split('\n').slice(-2).join('\n'));
    } else {
      const { junitReport } = await import('./reporters/junit.ts');
      const xml = junitReport(results, durationMs);
      if (options.output === undefined) io.stdout.write(xml);
      else {
        try {
          await writeFile(path.resolve(options.cwd, options.output), xml);
        } catch (error) {
          throw new UsageError(
            `cannot write ${options.output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          );
        }
      }
    }
  }
}

function single(result: SubmissionResult) {
  // One file keeps the documented single-file shape: the batch entry without its "file".
  const json: Partial<SubmissionJson> = submissionJson(result);
  delete json.file;
  return json;
}

/** The "unknown lesson" usage message, listing the lessons there are. */
export function unknownLesson(slug: string, lessons: Map<string, string>): string {
  return `unknown lesson "${slug}". Lessons: ${[...lessons.keys()].join(', ')}`;
}
