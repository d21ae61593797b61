import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadLessonsFromDisk } from '../../src/cli/load-lessons.ts';
import type { CheckSuite } from '../../src/runner/checks-api.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const checkModules = import.meta.glob<{ default: CheckSuite }>('../../lessons/*/checks.ts', {
  eager: true,
});
const variantTests = import.meta.glob('./course-*.test.ts');

/** The checks of the lesson in `folder`, e.g. "04-expiry". */
function suiteOf(folder: string): CheckSuite {
  const found = checkModules[`../../lessons/${folder}/checks.ts`];
  if (!found) throw new Error(`no checks.ts for ${folder}`);
  return found.default;
}

describe('the course', async () => {
  const lessons = await loadLessonsFromDisk(root);

  it('starts with the six basics, in order, and has at least 11 lessons', () => {
    expect(lessons.map((l) => l.folder).slice(0, 6)).toEqual([
      '01-key-value-basics',
      '02-cache-patterns',
      '03-key-naming',
      '04-expiry',
      '05-rate-limiting',
      '06-sessions',
    ]);
    expect(lessons.length).toBeGreaterThanOrEqual(11);
  });

  describe.each(lessons.map((l) => [l.folder, l] as const))('lesson %s', (folder, lesson) => {
    const suite = () => suiteOf(folder);

    it('has two or three hints', () => {
      expect(lesson.hints.length).toBeGreaterThanOrEqual(2);
      expect(lesson.hints.length).toBeLessThanOrEqual(3);
    });

    it('has a worked ioredis example, commands to try, a table and a "Your task" section', () => {
      const body = lesson.body;
      expect(body).toMatch(/```ts\n[\s\S]*?await redis\./);
      expect(body).toContain('```redis\n');
      expect(body).toMatch(/^\|.*\|\n\|( ?-+ ?\|)+/m);
      expect(body).toMatch(/^## Your task$/m);
    });

    it('has at least six uniquely named checks, every export of which the task mentions', () => {
      expect(suite().checks.length).toBeGreaterThanOrEqual(6);
      const task = lesson.body.slice(lesson.body.indexOf('## Your task'));
      for (const name of suite().exports) expect(task, name).toContain(`${name}(`);
    });

    it('has a variant test file in tests/lessons', () => {
      const file = `./course-${folder.slice(0, 2)}.test.ts`;
      expect(Object.keys(variantTests), file).toContain(file);
    });

    it('ships a self-contained starter and solution that import only ioredis types', () => {
      for (const source of [lesson.starter, lesson.solution]) {
        const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
        expect(imports).toEqual(['ioredis']);
        for (const name of suite().exports)
          expect(source).toMatch(new RegExp(`export (async )?function ${name}\\(`));
      }
    });
  });
});
