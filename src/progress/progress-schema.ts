/**
 * The shape of saved progress, versioned and parsed with zod on every read: storage is input
 * from the outside world (older builds, other apps on the same origin, hand edits, imports).
 */
import { z } from 'zod/mini';

// zod/mini (a fraction of zod's size, so the first page load stays small) ships no messages;
// the reasons shown for unreadable progress use zod's English ones.
z.config(z.locales.en());

/** The localStorage key of the current format. A new format gets a new key, never a reinterpretation. */
export const STORAGE_KEY = 'cachelab:v1';

/** Prefix of keys where unreadable data is set aside instead of being deleted. */
export const CORRUPT_KEY_PREFIX = 'cachelab:corrupt:';

const completionSchema = z.strictObject({
  /** Hash of the lesson's checks.ts when the learner first passed them (see checks-hash.ts). */
  checksHash: z.string().check(z.minLength(1)),
  /** Epoch ms of the first all-passed run against these checks. */
  passedAt: z.int().check(z.nonnegative()),
});

/** Progress on one lesson. */
export const lessonProgressSchema = z.strictObject({
  /** The learner's code; absent when they never changed the starter (or reset to it). */
  code: z.optional(z.string()),
  /** Increases on every code write by any tab; lets a tab notice that another one wrote first. */
  revision: z.int().check(z.nonnegative()),
  /** Epoch ms of the last code write. */
  savedAt: z.int().check(z.nonnegative()),
  /** Set by the first all-passed run. */
  completion: z.optional(completionSchema),
});

/** Everything stored under STORAGE_KEY. */
export const progressDataSchema = z.strictObject({
  version: z.literal(1),
  lessons: z.record(z.string().check(z.minLength(1)), lessonProgressSchema),
});

/** An exported progress file. The `app`/`kind` tags let import reject unrelated JSON clearly. */
export const progressExportSchema = z.strictObject({
  app: z.literal('cachelab'),
  kind: z.literal('progress'),
  version: z.literal(1),
  exportedAt: z.string(),
  lessons: z.record(z.string().check(z.minLength(1)), lessonProgressSchema),
});

/** Progress on one lesson. */
export type LessonProgress = z.infer<typeof lessonProgressSchema>;
/** Everything stored under STORAGE_KEY. */
export type ProgressData = z.infer<typeof progressDataSchema>;
/** The contents of an exported progress file. */
export type ProgressExport = z.infer<typeof progressExportSchema>;

/** A fresh, empty progress record. */
export function emptyProgress(): ProgressData {
  return { version: 1, lessons: {} };
}

/** Formats the first zod issue as "lessons.x.code: expected string, received number". */
export function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unknown problem';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
