/**
 * Drives the lesson workspace the way a learner does: the Monaco editor, the Run button and the
 * run summary. Shared by the journey, accessibility and sub-path suites.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './browser.ts';

/** A file of lesson 1 (01-key-value-basics), read verbatim. */
export function lessonOneFile(name: 'solution.ts' | 'starter.ts' | 'checks.ts'): string {
  return readFileSync(path.join(ROOT, 'lessons', '01-key-value-basics', name), 'utf8');
}

/** How many checks a lesson's checks.ts defines (each check has one `name:` at six spaces). */
export function countChecks(checksSource: string): number {
  return checksSource.match(/^ {6}name: /gm)?.length ?? 0;
}

/** Waits until the touch editor (CodeMirror, on phones) has started. */
export async function waitForTouchEditor(page: Page): Promise<void> {
  await page.locator('.cm-editor .cm-content').first().waitFor({ timeout: 30_000 });
}

/**
 * Waits until the app has taken over the prerendered page (its `cachelab:app-ready` mark, see
 * src/app/App.tsx): until then the prerendered controls are painted but do nothing.
 */
export async function waitForApp(page: Page): Promise<void> {
  await page.waitForFunction(
    () => performance.getEntriesByName('cachelab:app-ready').length > 0,
    undefined,
    { timeout: 60_000 },
  );
}

/**
 * Switches the app to `theme` with the header's toggle ("Switch to dark theme" and back), once
 * the toggle works: clicked before the app took over, it did nothing, and the wait for its new
 * label timed out (CI, once, on a phone page whose test waited only for the prerendered h1).
 */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await waitForApp(page);
  const toggle = page.getByRole('button', { name: /^Switch to (dark|light) theme$/ });
  if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) {
    await toggle.click();
  }
  await page
    .getByRole('button', { name: `Switch to ${theme === 'dark' ? 'light' : 'dark'} theme` })
    .waitFor();
}

/** Waits until the Monaco editor has rendered its lines. */
export async function waitForEditor(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
}

/**
 * Replaces the editor's text exactly, with a synthetic paste into the focused editor after
 * selecting all (typing would be auto-indented and auto-closed).
 */
export async function setCode(page: Page, code: string): Promise<void> {
  // Near the editor's top-left corner: the lines element is as tall as the whole file and is
  // clipped by the editor, so its centre can lie under the tab panels below it.
  await page
    .locator('.monaco-editor')
    .first()
    .click({ position: { x: 80, y: 12 } });
  await page.keyboard.press('Control+A');
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    document.activeElement?.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true }),
    );
  }, code);
}

/** The run summary's current text. */
export async function summaryText(page: Page): Promise<string> {
  // Read from the DOM: before the first run the region is empty, hidden from the a11y tree.
  return page.evaluate(
    () => document.querySelector('[role="status"][aria-label="Run summary"]')?.textContent ?? '',
  );
}

/**
 * Starts a run with `trigger` (default: click Run) and waits until the run summary shows the next
 * finished run (its `data-run` changes, so a run that ends with the same sentence as the last is
 * seen too); returns the sentence and the time taken.
 */
export async function runAndWait(
  page: Page,
  trigger: () => Promise<void> = () => page.getByRole('button', { name: /^Run/ }).click(),
): Promise<{ summary: string; ms: number }> {
  const before = await page.evaluate(
    () =>
      document
        .querySelector('[role="status"][aria-label="Run summary"]')
        ?.getAttribute('data-run') ?? null,
  );
  const started = Date.now();
  await trigger();
  await page.waitForFunction(
    (previous) => {
      const status = document.querySelector('[role="status"][aria-label="Run summary"]');
      const button = [...document.querySelectorAll('button')].find((b) =>
        b.textContent?.startsWith('Run'),
      );
      return (
        status?.getAttribute('data-run') !== previous &&
        button?.getAttribute('aria-busy') !== 'true'
      );
    },
    before,
    { timeout: 60_000, polling: 50 },
  );
  return { summary: await summaryText(page), ms: Date.now() - started };
}
