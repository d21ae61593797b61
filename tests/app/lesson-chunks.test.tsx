// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.tsx';
import { lessonSlugOf } from '../../src/app/lesson-path.ts';
import { outlineCompletion } from '../../src/app/use-outline-completion.ts';
import {
  getCourse,
  getLoadedLesson,
  hasLesson,
  loadLesson,
} from '../../src/lessons/course-source.ts';
import { hashChecks } from '../../src/progress/checks-hash.ts';
import { emptyProgress } from '../../src/progress/progress-schema.ts';

afterEach(cleanup);

function outline() {
  const course = getCourse();
  if (!course.ok) throw new Error(course.error.message);
  return course.lessons;
}

/** The bundled course (no `course` prop), as the real page gets it. */
function renderBundled(path: string) {
  const location = memoryLocation({ path });
  return render(
    <Router hook={location.hook}>
      <App />
    </Router>,
  );
}

describe(
  'the course split into an eager outline and a chunk per lesson',
  { timeout: 20_000 },
  () => {
    it('keeps lesson bodies, code, hints and checks out of the eager outline', () => {
      const lessons = outline();
      expect(lessons.length).toBeGreaterThan(1);
      for (const lesson of lessons)
        expect(Object.keys(lesson).sort()).toEqual(
          ['checksHash', 'order', 'slug', 'summary', 'title'].sort(),
        );
    });

    it('loads a lesson by slug, whole, and only when asked', async () => {
      const last = outline().at(-1)!;
      expect(getLoadedLesson(last.slug)).toBeUndefined();
      const lesson = await loadLesson(last.slug);
      expect(lesson).toMatchObject({ slug: last.slug, title: last.title });
      expect(lesson!.starter.length).toBeGreaterThan(0);
      expect(lesson!.bodyTree.children.length).toBeGreaterThan(0);
      // The outline's hash is the hash of the very checks the chunk carries.
      expect(hashChecks(lesson!.checksSource)).toBe(last.checksHash);
      expect(getLoadedLesson(last.slug)).toBe(lesson);
      expect(await loadLesson(last.slug)).toBe(lesson);
    });

    it('resolves an unknown slug to undefined, without a chunk to load', async () => {
      expect(hasLesson('no-such-lesson')).toBe(false);
      expect(hasLesson('toString')).toBe(false);
      await expect(loadLesson('no-such-lesson')).resolves.toBeUndefined();
      await expect(loadLesson('toString')).resolves.toBeUndefined();
    });

    it('shows the loading state, then the lesson, when its chunk is not in yet', async () => {
      const second = outline()[1];
      expect(getLoadedLesson(second.slug)).toBeUndefined();
      renderBundled(`/lessons/${second.slug}`);
      expect(screen.getByRole('status')).toHaveTextContent(`Loading ${second.title}`);
      const heading = await screen.findByRole(
        'heading',
        { level: 1, name: second.title },
        { timeout: 10_000 },
      );
      // Focus lands on the heading once it exists, as after any navigation.
      await waitFor(() => expect(heading).toHaveFocus());
      expect(screen.queryByText(`Loading ${second.title}…`)).toBeNull();
    });

    it('shows the not-found page for an unknown slug of the bundled course', () => {
      renderBundled('/lessons/no-such-lesson');
      expect(
        screen.getByRole('heading', { level: 1, name: 'Lesson not found' }),
      ).toBeInTheDocument();
    });
  },
);

describe('outlineCompletion', () => {
  it('marks passed against the same checks, stale against others, nothing when never passed', () => {
    const data = emptyProgress();
    const saved = { revision: 1, savedAt: 1 };
    data.lessons.a = { ...saved, completion: { checksHash: hashChecks('A'), passedAt: 1 } };
    data.lessons.b = { ...saved, completion: { checksHash: hashChecks('old B'), passedAt: 1 } };
    data.lessons.c = saved;
    const lessons = ['a', 'b', 'c'].map((slug) => ({
      slug,
      checksHash: hashChecks(slug.toUpperCase()),
    }));
    expect(outlineCompletion(data, lessons)).toEqual({ a: 'passed', b: 'stale' });
  });
});

describe('lessonSlugOf (which chunk src/main.tsx awaits before hydrating)', () => {
  it('reads the slug of a lesson URL under the base, and nothing else', () => {
    expect(lessonSlugOf('/lessons/expiry', '/')).toBe('expiry');
    expect(lessonSlugOf('/lessons/expiry/', '/')).toBe('expiry');
    expect(lessonSlugOf('/sub/lessons/expiry', '/sub/')).toBe('expiry');
    expect(lessonSlugOf('/lessons/caf%C3%A9', '/')).toBe('café');
    expect(lessonSlugOf('/lessons/expiry', '/sub/')).toBeUndefined();
    expect(lessonSlugOf('/', '/')).toBeUndefined();
    expect(lessonSlugOf('/lessons/a/b', '/')).toBeUndefined();
    expect(lessonSlugOf('/lessons/%E0%A4%A', '/')).toBeUndefined();
  });
});
