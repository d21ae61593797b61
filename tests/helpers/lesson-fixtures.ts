import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LessonFileName } from '../../src/lessons/parse-lesson.ts';
import { LESSON_FILES } from '../../src/lessons/schema.ts';

/** Frontmatter text for a valid lesson titled `title`. */
export function frontmatter(title: string, extra = ''): string {
  return `---\ntitle: ${title}\nsummary: About ${title}.\nhints:\n  - First hint\n  - Second hint\n${extra}---\n`;
}

/** The four files of a valid lesson, with any of them overridden (undefined removes it). */
export function lessonFiles(
  title: string,
  overrides: Partial<Record<LessonFileName, string | undefined>> = {},
): Partial<Record<LessonFileName, string>> {
  const files: Partial<Record<LessonFileName, string>> = {
    'lesson.md': `${frontmatter(title)}\n## Intro to ${title}\n\nSome text.\n`,
    'starter.ts': `export async function todo() {\n  // TODO ${title}\n}\n`,
    'solution.ts': 'export async function todo() {}\n',
    'checks.ts': 'export default {};\n',
  };
  for (const [name, text] of Object.entries(overrides)) {
    if (text === undefined) delete files[name as LessonFileName];
    else files[name as LessonFileName] = text;
  }
  return files;
}

/** Reads a real lesson folder from the repo's lessons/. */
export function readLessonFolder(folder: string): Partial<Record<LessonFileName, string>> {
  // fileURLToPath on the string, not `new URL`: jsdom replaces the global URL.
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lessons', folder);
  const files: Partial<Record<LessonFileName, string>> = {};
  for (const name of LESSON_FILES) {
    try {
      files[name] = readFileSync(path.join(dir, name), 'utf8');
    } catch {
      // Left out; parseLessonFolder names the missing file.
    }
  }
  return files;
}
