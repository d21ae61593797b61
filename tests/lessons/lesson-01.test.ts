import { describe, expect, it } from 'vitest';
import { parseLessonFolder } from '../../src/lessons/parse-lesson.ts';
import { LESSON_FILES } from '../../src/lessons/schema.ts';
import { readLessonFolder } from '../helpers/lesson-fixtures.ts';

const folder = '01-key-value-basics';

describe('lesson 1: key-value basics', () => {
  const files = readLessonFolder(folder);

  it.each(LESSON_FILES)('has %s', (name) => {
    expect(files[name]?.trim()).toBeTruthy();
  });

  // Parsed lazily so a missing file fails only the tests that need it, with a clear message.
  const parsed = () => parseLessonFolder(folder, files);

  it('is the first lesson, with slug key-value-basics', () => {
    expect(parsed()).toMatchObject({
      order: 1,
      slug: 'key-value-basics',
      title: 'Key-value basics',
    });
  });

  it('has three hints', () => {
    expect(parsed().hints).toHaveLength(3);
  });

  it('states the exercise contract: all four functions, both keys, and the database rule', () => {
    const lesson = parsed();
    const task = lesson.body.slice(lesson.body.indexOf('## Your task'));
    expect(task.length).toBeGreaterThan(200);
    for (const name of [
      'saveUser',
      'loadUser',
      'deleteUser',
      'getPopularPosts',
      'fetchPopularPosts',
    ]) {
      expect(task).toContain(name);
    }
    expect(task).toContain('user:<id>');
    expect(task).toContain('popular_posts');
    expect(task).toMatch(/exactly once/);
    expect(task).toMatch(/`true`[^\n]*`false`/);
  });

  it('covers the topics the course promises', () => {
    const lesson = parsed();
    for (const phrase of [
      /microseconds/,
      /milliseconds/,
      /cache-aside/i,
      /write-through/i,
      /write-back/i,
    ]) {
      expect(lesson.body).toMatch(phrase);
    }
    expect(lesson.body).toMatch(/JSON\.stringify/);
    expect(lesson.body).toMatch(/JSON\.parse/);
    expect(lesson.body).toContain('`user:42`');
    expect(lesson.body).toContain('```redis');
    expect(lesson.body).toMatch(/\n\|.*\|\n\| ?-{3}/); // a GFM table
    expect(lesson.body).toContain('](/cache-aside.svg)');
  });

  it('declares the exercise types in both starter and solution, so one file can be graded alone', () => {
    const lesson = parsed();
    for (const source of [lesson.starter, lesson.solution]) {
      for (const name of ['saveUser', 'loadUser', 'deleteUser', 'getPopularPosts']) {
        expect(source).toMatch(
          new RegExp(`export\\s+(?:async\\s+function|function|const|let)\\s+${name}\\b`),
        );
      }
      expect(source).toMatch(/interface User\b/);
    }
  });
});
