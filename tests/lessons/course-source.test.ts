import { describe, expect, it } from 'vitest';
import { getCourse, loadLesson } from '../../src/lessons/course-source.ts';

describe('the course module the app imports (virtual:cachelab/course)', () => {
  it('holds every lesson folder in the repo, in order, starting with key-value-basics', async () => {
    const course = getCourse();
    if (!course.ok) throw new Error(course.error.message);
    expect(course.lessons[0].slug).toBe('key-value-basics');
    expect((await loadLesson('key-value-basics'))!.starter).toContain('saveUser');
    const orders = course.lessons.map((lesson) => lesson.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
  });
});
