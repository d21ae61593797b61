import { startTransition, StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { App } from './app/App.tsx';
import { lessonSlugOf } from './app/lesson-path.ts';
import { adoptEarlyRun } from './components/workspace/early-run.ts';
import { afterFirstPaint } from './hooks/after-first-paint.ts';
import { adoptEarlyTheme, applyTheme } from './hooks/use-theme.ts';
import { loadLesson } from './lessons/course-source.ts';
// Self-hosted variable fonts (bundled from npm; the page makes no request to another origin).
// Each file carries every unicode subset with its unicode-range, so a page downloads only the
// Latin files it uses (about 48 KB for Inter, 40 KB for JetBrains Mono).
import '@fontsource-variable/inter/wght.css';
import '@fontsource-variable/jetbrains-mono/wght.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/prose.css';
import './styles/highlight.css';

/** Longest wait, from the navigation, for the first paint before hydrating anyway. */
const FIRST_PAINT_WAIT_MS = 1500;

// Before the first render, so a remembered dark theme never flashes light.
applyTheme();

const root = document.getElementById('root')!;
const app = (
  <StrictMode>
    <Router base={import.meta.env.BASE_URL.replace(/\/$/, '')}>
      <App />
    </Router>
  </StrictMode>
);

/** Loads the lesson the URL names, if any; a failed load leaves the route to show it loading. */
function loadCurrentLesson(): Promise<unknown> {
  const slug = lessonSlugOf(location.pathname, import.meta.env.BASE_URL);
  return slug ? loadLesson(slug).catch(() => undefined) : Promise.resolve();
}

if (root.hasChildNodes()) {
  // A prerendered lesson page (scripts/vite-prerender.ts) is hydrated, not replaced: the build
  // rendered exactly what a first visit renders (use-hydrated.ts), so React adopts the DOM that
  // is already laid out and painted. Replacing it with createRoot had React create the whole
  // page again and the browser restyle and re-lay it out in one commit: the longest task of a
  // phone's load (Lighthouse's Total Blocking Time). In a transition, hydration yields to the
  // browser every few milliseconds. It starts once the first paint is on screen, so it never
  // competes with that paint.
  // The page's lesson is a chunk of its own (scripts/vite-lessons.ts), preloaded by the page's
  // modulepreload, made with the app's own request; hydration must render what the build rendered,
  // so it waits for it.
  // The page's inline start script (scripts/vite-prerender.ts) ran this module only once that
  // paint was on screen, or after waiting 1.5 s from the navigation for it: the wait here ends at
  // the same time, not 1.5 s later.
  const paintWaitMs = Math.max(0, FIRST_PAINT_WAIT_MS - performance.now());
  void Promise.all([afterFirstPaint(paintWaitMs), loadCurrentLesson()]).then(() => {
    adoptEarlyRun();
    adoptEarlyTheme();
    startTransition(() => {
      hydrateRoot(root, app);
    });
  });
} else {
  // No prerendered page (the index.html fallback of a host without clean URLs): render, in a
  // transition so the render yields too.
  void loadCurrentLesson().then(() => startTransition(() => createRoot(root).render(app)));
}
