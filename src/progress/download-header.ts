/**
 * The header comment "Download my code" puts at the top of the file, so the lesson travels with
 * the code: `cachelab grade <file>` reads it and needs no `--lesson`. Pure, so the page writes it
 * and the CLI parses it with the same module.
 */

/** The course the page serves; a file downloaded from it names this course. */
export const BUILT_IN_COURSE = 'cachelab';

/** The package name, as `npm install` and `npx` spell it. */
export const PACKAGE_NAME = 'cachelab';

/** What a download header says. */
export interface DownloadHeader {
  /** The lesson slug, e.g. "key-value-basics". */
  lesson: string;
  /** The course the lesson belongs to, e.g. "cachelab". */
  course: string;
}

const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';
// Only the first lines are read: a header is a header, not a comment anywhere in the file.
const HEADER_LINES = 5;
const LESSON_LINE = new RegExp(`^// cachelab lesson: (${SLUG})(?: \\(course: (${SLUG})\\))?\\s*$`);
const HEADER_LINE = /^\/\/ (cachelab lesson:|Grade it with:|\(once per folder:)/;

/** The command that grades a downloaded file outside this repository. */
export function gradeCommand(fileName: string): string {
  return `npx cachelab grade ${fileName}`;
}

/** The one-time set-up that makes `gradeCommand` work in an empty folder. */
export const INSTALL_COMMAND = `npm install --save-dev ${PACKAGE_NAME}`;

/** The header lines for a lesson's downloaded file (without a trailing newline). */
export function downloadHeader(lesson: string, course: string = BUILT_IN_COURSE): string {
  return [
    `// cachelab lesson: ${lesson} (course: ${course})`,
    `// Grade it with: ${gradeCommand(`${lesson}.ts`)}`,
    `// (once per folder: ${INSTALL_COMMAND})`,
  ].join('\n');
}

/** The file "Download my code" saves: the header, then the code with any older header removed. */
export function withDownloadHeader(
  code: string,
  lesson: string,
  course: string = BUILT_IN_COURSE,
): string {
  return `${downloadHeader(lesson, course)}\n${stripDownloadHeader(code)}`;
}

/** Removes a download header from the top of `code`, e.g. when a downloaded file is pasted back. */
export function stripDownloadHeader(code: string): string {
  const lines = code.split('\n');
  let start = 0;
  while (start < lines.length && start < HEADER_LINES && HEADER_LINE.test(lines[start]!)) start++;
  return start > 0 && LESSON_LINE.test(lines[0]!.replace(/\r$/, ''))
    ? lines.slice(start).join('\n')
    : code;
}

/** Reads the lesson (and course) a file names in its header, or undefined when it names none. */
export function parseDownloadHeader(source: string): DownloadHeader | undefined {
  const lines = source.replace(/^\uFEFF/, '').split('\n', HEADER_LINES);
  for (const raw of lines) {
    const match = LESSON_LINE.exec(raw.replace(/\r$/, ''));
    if (match) return { lesson: match[1]!, course: match[2] ?? BUILT_IN_COURSE };
  }
  return undefined;
}
