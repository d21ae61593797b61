// @vitest-environment jsdom
import { act, StrictMode } from 'react';
import { hydrateRoot, type Root } from 'react-dom/client';
import { Router } from 'wouter';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App.tsx';
import { provideAppProgress } from '../../src/components/workspace/app-services.ts';
import { loadLesson } from '../../src/lessons/course-source.ts';
import { prerenderLessons } from '../../src/prerender.tsx';
import { createProgressStore } from '../../src/progress/progress-store.ts';
import { createMemoryStorage } from '../../src/progress/storage-adapter.ts';

const SLUG = 'key-value-basics';
let root: Root | undefined;

afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.innerHTML = '';
});

/**
 * Hydrates the prerendered lesson page with a learner whose saved code differs from the starter
 * (the prerendered page shows the starter); returns the errors React recovered from.
 */
async function hydrateWithSavedCode(
  code: string,
): Promise<{ errors: unknown[]; heading: Element | null }> {
  const page = (await prerenderLessons('/')).find((p) => p.path === `lessons/${SLUG}`)!;
  const container = document.createElement('div');
  container.innerHTML = page.html;
  document.body.append(container);
  const heading = container.querySelector('h1');
  window.history.replaceState(null, '', `/lessons/${SLUG}`);
  const learner = createProgressStore({ ...createMemoryStorage(), persistent: true });
  learner.saveCode(SLUG, code);
  provideAppProgress(learner);
  const errors: unknown[] = [];
  await act(async () => {
    root = hydrateRoot(
      container,
      <StrictMode>
        <Router base="">
          <App />
        </Router>
      </StrictMode>,
      { onRecoverableError: (error) => errors.push(error) },
    );
  });
  return { errors, heading };
}

describe('hydrating a prerendered lesson page', { timeout: 30_000 }, () => {
  it("adopts the page without a mismatch, then shows the learner's saved code", async () => {
    const starter = (await loadLesson(SLUG))!.starter;
    const mine = `// my own attempt\n${starter}`;
    const { errors, heading } = await hydrateWithSavedCode(mine);
    expect(errors).toEqual([]);
    // The read-only preview, or the plain editor if the editor chunk already failed in jsdom.
    const editor = document.querySelector<HTMLElement>('[aria-label^="Code editor for"]');
    const shown = editor instanceof HTMLTextAreaElement ? editor.value : editor?.textContent;
    expect(shown).toBe(mine);
    // The prerendered nodes were kept, not replaced.
    expect(heading).not.toBeNull();
    expect(document.querySelector('h1')).toBe(heading);
    expect(heading?.textContent).toBe('Key-value basics');
  });
});
