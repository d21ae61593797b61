import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadLessonsFromDisk } from '../../src/cli/load-lessons.ts';
import cachePatterns from '../../lessons/02-cache-patterns/checks.ts';
import keyNaming from '../../lessons/03-key-naming/checks.ts';
import expiry from '../../lessons/04-expiry/checks.ts';
import rateLimiting from '../../lessons/05-rate-limiting/checks.ts';
import sessions from '../../lessons/06-sessions/checks.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const suites = {
  'cache-patterns': cachePatterns,
  'key-naming': keyNaming,
  expiry,
  'rate-limiting': rateLimiting,
  sessions,
} as const;

describe('the course', async () => {
  const lessons = await loadLessonsFromDisk(root);

  it('has lessons 02 to 06 after key-value-basics, in order', () => {
    expect(lessons.map((l) => l.folder).slice(0, 6)).toEqual([
      '01-key-value-basics',
      '02-cache-patterns',
      '03-key-naming',
      '04-expiry',
      '05-rate-limiting',
      '06-sessions',
    ]);
  });

  describe.each(Object.entries(suites))('lesson %s', (slug, suite) => {
    const lesson = () => lessons.find((l) => l.slug === slug)!;

    it('has two or three hints', () => {
      expect(lesson().hints.length).toBeGreaterThanOrEqual(2);
      expect(lesson().hints.length).toBeLessThanOrEqual(3);
    });

    it('has a worked ioredis example, commands to try, a table and a "Your task" section', () => {
      const body = lesson().body;
      expect(body).toMatch(/```ts\n[\s\S]*?await redis\./);
      expect(body).toContain('```redis\n');
      expect(body).toMatch(/^\|.*\|\n\|( ?-+ ?\|)+/m);
      expect(body).toMatch(/^## Your task$/m);
    });

    it('has at least four uniquely named checks, every export of which the task mentions', () => {
      expect(suite.checks.length).toBeGreaterThanOrEqual(4);
      const task = lesson().body.slice(lesson().body.indexOf('## Your task'));
      for (const name of suite.exports) expect(task, name).toContain(`${name}(`);
    });

    it('ships a self-contained starter and solution that import only ioredis types', () => {
      for (const source of [lesson().starter, lesson().solution]) {
        const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
        expect(imports).toEqual(['ioredis']);
        for (const name of suite.exports)
          expect(source).toMatch(new RegExp(`export (async )?function ${name}\\(`));
      }
    });
  });
});
