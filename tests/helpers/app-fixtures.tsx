import { render } from '@testing-library/react';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { App, type AppProps } from '../../src/app/App.tsx';
import type { CourseResult } from '../../src/lessons/course-source.ts';
import { assembleCourse, parseLessonFolder } from '../../src/lessons/parse-lesson.ts';
import { renderLesson } from '../../src/lessons/render-lesson.ts';
import { lessonFiles, readLessonFolder } from './lesson-fixtures.ts';

/**
 * A three-lesson course: the real lesson 1 prose plus two fixture lessons. Lesson 1's starter is
 * a stand-in when starter.ts etc. are not written yet, so routing tests do not depend on the runner.
 */
export function testCourse(): CourseResult {
  const real = readLessonFolder('01-key-value-basics');
  const first = parseLessonFolder('01-key-value-basics', { ...lessonFiles('stand-in'), ...real });
  const lessons = assembleCourse([
    first,
    parseLessonFolder('02-cache-patterns', lessonFiles('Cache patterns')),
    parseLessonFolder('03-key-naming', lessonFiles('Key naming')),
  ]);
  return { ok: true, lessons: lessons.map(renderLesson) };
}

/** Renders the app at `path` with an in-memory router; returns the location controls. */
export function renderApp(path: string, props: AppProps = {}) {
  const location = memoryLocation({ path, record: true });
  const view = render(
    <Router hook={location.hook}>
      <App course={testCourse()} {...props} />
    </Router>,
  );
  return { ...view, location };
}
