import { parse as parseYaml, YAMLParseError } from 'yaml';
import { frontmatterSchema, LESSON_FILES, type Lesson } from './schema.ts';

/** A lesson file that is missing or wrong. The message always names the file, and the field when there is one. */
export class LessonError extends Error {
  /** Path of the offending file relative to the repo, e.g. "lessons/01-x/lesson.md". */
  readonly file: string;
  /** The frontmatter field at fault, when the problem is one field. */
  readonly field?: string;

  constructor(file: string, problem: string, field?: string) {
    super(field ? `${file}: field "${field}": ${problem}` : `${file}: ${problem}`);
    this.name = 'LessonError';
    this.file = file;
    this.field = field;
  }
}

/** The name of one of the files in a lesson folder. */
export type LessonFileName = (typeof LESSON_FILES)[number];

const FOLDER_PATTERN = /^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const FRONTMATTER_PATTERN = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * Parses one lesson folder from the text of its files. Both the browser (import.meta.glob) and
 * the CLI (fs) call this, so a lesson means the same thing everywhere.
 */
export function parseLessonFolder(
  folder: string,
  files: Partial<Record<LessonFileName, string>>,
): Lesson {
  const dir = `lessons/${folder}`;
  const match = FOLDER_PATTERN.exec(folder);
  if (!match) {
    throw new LessonError(
      dir,
      'folder name must be NN-slug, e.g. "07-pub-sub" (digits, a dash, then lower-case words joined by dashes)',
    );
  }
  for (const name of LESSON_FILES) {
    if (files[name] === undefined) throw new LessonError(`${dir}/${name}`, 'file is missing');
  }
  const markdownFile = `${dir}/lesson.md`;
  const markdown = files['lesson.md']!;
  const fm = FRONTMATTER_PATTERN.exec(markdown);
  if (!fm) {
    throw new LessonError(markdownFile, 'must start with YAML frontmatter between two "---" lines');
  }
  let data: unknown;
  try {
    data = parseYaml(fm[1]);
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` (line ${error.linePos[0].line + 1})`
        : '';
    throw new LessonError(
      markdownFile,
      `frontmatter is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const result = frontmatterSchema.safeParse(data ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : unknownKey(issue);
    throw new LessonError(markdownFile, issue.message, field);
  }
  return {
    ...result.data,
    slug: match[2],
    order: Number(match[1]),
    folder,
    body: markdown.slice(fm[0].length),
    starter: files['starter.ts']!,
    solution: files['solution.ts']!,
    checksSource: files['checks.ts']!,
  };
}

function unknownKey(issue: { code: string; keys?: string[] }): string | undefined {
  return issue.code === 'unrecognized_keys' ? issue.keys?.join(', ') : undefined;
}

/** Orders lessons by their number and rejects duplicate slugs or numbers. */
export function assembleCourse(lessons: readonly Lesson[]): Lesson[] {
  const sorted = [...lessons].sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
  const seenSlug = new Map<string, string>();
  const seenOrder = new Map<number, string>();
  for (const lesson of sorted) {
    const other = seenSlug.get(lesson.slug);
    if (other) {
      throw new LessonError(
        `lessons/${lesson.folder}`,
        `slug "${lesson.slug}" is already used by lessons/${other}`,
      );
    }
    const sameNumber = seenOrder.get(lesson.order);
    if (sameNumber) {
      throw new LessonError(
        `lessons/${lesson.folder}`,
        `number ${lesson.order} is already used by lessons/${sameNumber}`,
      );
    }
    seenSlug.set(lesson.slug, lesson.folder);
    seenOrder.set(lesson.order, lesson.folder);
  }
  return sorted;
}
