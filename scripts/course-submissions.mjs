// Shared by scripts/bench-cli.mjs and scripts/test-pack.mjs: the built-in course's sources, and a
// submission written the way "Download my code" writes it. Plain .mjs because both scripts run
// without the TypeScript hook; tests/progress/download-header.test.ts keeps `downloadedFile`
// equal to src/progress/download-header.ts's `withDownloadHeader`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every lesson under `<root>/lessons`, in order: its slug, solution and starter. */
export function readLessonSources(root) {
  const lessonsDir = path.join(root, 'lessons');
  return readdirSync(lessonsDir)
    .filter((d) => /^\d+-/.test(d))
    .sort()
    .map((folder) => {
      const read = (name) => readFileSync(path.join(lessonsDir, folder, name), 'utf8');
      return {
        slug: folder.replace(/^\d+-/, ''),
        solution: read('solution.ts'),
        starter: read('starter.ts'),
      };
    });
}

/** `code` behind the header that names its lesson, as a downloaded file carries it. */
export function downloadedFile(lesson, code) {
  return (
    `// cachelab lesson: ${lesson} (course: cachelab)\n` +
    `// Grade it with: npx cachelab grade ${lesson}.ts\n` +
    `// (once per folder: npm install --save-dev cachelab)\n` +
    code
  );
}
