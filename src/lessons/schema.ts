import { z } from 'zod';

/** The YAML frontmatter at the top of every `lesson.md`. */
export const frontmatterSchema = z.strictObject({
  title: z.string().trim().min(1),
  summary: z.string().trim().min(1),
  hints: z.array(z.string().trim().min(1)).min(1),
});

/** Parsed, validated frontmatter. */
export type Frontmatter = z.infer<typeof frontmatterSchema>;

/** The files that make up a lesson folder, by name. */
export const LESSON_FILES = ['lesson.md', 'starter.ts', 'solution.ts', 'checks.ts'] as const;

/** A fully loaded lesson. */
export interface Lesson extends Frontmatter {
  /** The slug from the folder name, e.g. "key-value-basics". */
  slug: string;
  /** The number from the folder name, which orders the course. */
  order: number;
  /** Folder name, e.g. "01-key-value-basics". */
  folder: string;
  /** Markdown body without frontmatter. */
  body: string;
  /** Source of starter.ts. */
  starter: string;
  /** Source of solution.ts. */
  solution: string;
  /** Source of checks.ts (used for its hash and by hosts that transpile it). */
  checksSource: string;
}
