/**
 * axe-core on the built app in Chromium: the lesson page before and after a run in both themes,
 * the outline and the not-found page. Serious or critical violations fail; all are printed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launchBrowser, ROOT } from './browser.ts';
import { lessonOneFile, runAndWait, setCode, waitForEditor } from './workspace-driver.ts';

const AXE = readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Runs axe on the page; prints every violation and returns the serious and critical ones. */
async function audit(page: Page, label: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  })) as Violation[];
  for (const v of violations) {
    console.log(
      `[axe ${label}] ${v.impact} ${v.id}: ${v.help} (${v.nodes.length}) e.g. ${v.nodes[0]?.target.join(' ')}`,
    );
  }
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  if ((await toggle.getAttribute('aria-pressed')) !== String(theme === 'dark'))
    await toggle.click();
  expect(await toggle.getAttribute('aria-pressed')).toBe(String(theme === 'dark'));
}

describe('accessibility (axe-core)', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`has no serious or critical violations on the lesson page, before and after a run (${theme})`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${baseUrl()}/lessons/key-value-basics`);
      await waitForEditor(page);
      await setTheme(page, theme);
      expect(await audit(page, `lesson ${theme} before run`)).toEqual([]);
      await setCode(page, lessonOneFile('starter.ts'));
      const status = page.locator('[role="status"][aria-label="Run summary"]');
      // role=status is implicitly aria-live=polite, unless something overrides it.
      expect(await status.getAttribute('aria-live')).not.toBe('off');
      const { summary } = await runAndWait(page);
      expect(summary).toMatch(/checks passed$/);
      expect(await status.textContent()).toBe(summary);
      expect(await audit(page, `lesson ${theme} after run`)).toEqual([]);
      await page.close();
    });
  }

  for (const [label, route] of [
    ['outline', '/'],
    ['not-found', '/lessons/nope'],
  ] as const) {
    it(`has no serious or critical violations on the ${label} page in both themes`, async () => {
      const page = await browser.newPage();
      await page.goto(`${baseUrl()}${route}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      for (const theme of ['light', 'dark'] as const) {
        await setTheme(page, theme);
        expect(await audit(page, `${label} ${theme}`)).toEqual([]);
      }
      await page.close();
    });
  }
});
