/**
 * Build-time prerendering (server side only; scripts/vite-prerender.ts loads this through Vite's
 * SSR loader after `vite build`). Each lesson route gets its own HTML file with the page as React
 * first renders it: the lesson text, and the exercise with the starter code in the plain editor
 * that stands in while Monaco loads. The browser paints that before any JavaScript runs; once it
 * has, src/main.tsx hydrates it. Hydration renders exactly this (a first visit, light theme); the
 * learner's saved code, progress and theme arrive in the render right after (use-hydrated.ts).
 */
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { Router } from 'wouter';
import { App } from './app/App.tsx';
import { provideAppProgress } from './components/workspace/app-services.ts';
import { getCourse, loadLesson } from './lessons/course-source.ts';
import { createProgressStore } from './progress/progress-store.ts';
import { createMemoryStorage } from './progress/storage-adapter.ts';

/** One page to write: its path under the site's base, its tab title and the #root markup. */
export interface PrerenderedPage {
  /** e.g. "lessons/key-value-basics" (no leading or trailing slash). */
  path: string;
  /** The tab title, as the page sets it once it runs. */
  title: string;
  /** What goes inside <div id="root">. */
  html: string;
}

/** Renders every lesson page; `base` is Vite's base ("/" or "/sub/"). */
export async function prerenderLessons(base: string): Promise<PrerenderedPage[]> {
  const course = getCourse();
  if (!course.ok) throw new Error(`cannot prerender: ${course.error.message}`);
  // A first visit in a browser whose storage works: nothing saved, nothing to warn about.
  provideAppProgress(createProgressStore({ ...createMemoryStorage(), persistent: true }));
  const routerBase = base.replace(/\/$/, '');
  // Each lesson is a chunk of its own; the page renders only once its chunk is in.
  for (const { slug } of course.lessons) await loadLesson(slug);
  return course.lessons.map((lesson) => {
    const path = `lessons/${lesson.slug}`;
    const html = renderToString(
      <StrictMode>
        <Router base={routerBase} ssrPath={`${routerBase}/${path}`}>
          <App />
        </Router>
      </StrictMode>,
    );
    return { path, title: `${lesson.title} · cachelab`, html };
  });
}
