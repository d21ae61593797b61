/**
 * What the CLI starts the runner children of a course with: the lessons folder, the child entry
 * (the build's bundle, or bin/runner-child.mjs from the TypeScript sources) and, from the build,
 * the child's startup snapshot. main.ts's pools and prestart.ts both take it from here, so a
 * prestarted child is started exactly as the pool would start it. Reads a few file headers and
 * nothing else: it must stay cheap to load, since prestart.ts runs before the CLI loads.
 */
import path from 'node:path';
import { DEFAULT_MEMORY_MB, heapMbFor } from './child-endpoint.ts';
import { builtChildEntry } from './child-entry.ts';
import { childSnapshot, type ChildSnapshot } from './child-snapshot-cache.ts';
import { resolveLessonsDir } from './course-dir.ts';

/** How the children of one course are started. */
export interface PoolPlan {
  /** The folder of `NN-slug` lesson folders. */
  lessonsDir: string;
  /** The child entry; undefined from the TypeScript sources (the pool's default). */
  childEntry?: string;
  /** The built child's startup snapshot (a blob, or how to build one); none from the sources. */
  snapshot?: ChildSnapshot;
}

/** The plan for the course at `root` (a folder of lessons, or one holding `lessons/`). */
export function poolPlan(root: string): PoolPlan {
  const lessonsDir = resolveLessonsDir(root);
  const childEntry = builtChildEntry();
  if (!childEntry) return { lessonsDir };
  const snapshot = childSnapshot(path.dirname(childEntry), heapMbFor(DEFAULT_MEMORY_MB));
  return { lessonsDir, childEntry, ...(snapshot ? { snapshot } : {}) };
}
