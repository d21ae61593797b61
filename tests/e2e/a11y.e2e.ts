/**
 * axe-core on the built app in Chromium: the lesson page before and after a run in both themes,
 * the outline and the not-found page, and a phone. Any violation fails; all are printed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launchBrowser, ROOT } from './browser.ts';
import {
  lessonOneFile,
  runAndWait,
  setCode,
  setTheme,
  waitForEditor,
  waitForTouchEditor,
} from './workspace-driver.ts';

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

/** Runs axe on the page; prints and returns every violation. */
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
  // Every violation counts, whatever its impact: the target is zero.
  return violations.map(
    (v) =>
      `${v.id}: ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')}`,
  );
}

describe('accessibility (axe-core)', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(
      `has no axe violations on the lesson page, before and after a run (${theme})`,
      { timeout: 240_000 },
      async () => {
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
        // Every tab of the panel set, and the solution diff, in this theme.
        for (const tab of ['Command trace', 'Keyspace', 'redis-cli', 'Console', 'Hints', 'Save']) {
          await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
          expect(await audit(page, `lesson ${theme} tab ${tab}`)).toEqual([]);
        }
        await page.getByRole('tab', { name: 'Solution' }).click();
        await page.locator('.solution-diff').waitFor();
        expect(await audit(page, `lesson ${theme} solution`)).toEqual([]);
        await page.getByRole('button', { name: 'Keyboard help' }).click();
        expect(await audit(page, `lesson ${theme} keyboard help`)).toEqual([]);
        await page.close();
      },
    );

    it(
      `has no violations on a phone, with the menu open and the touch editor (${theme})`,
      { timeout: 120_000 },
      async () => {
        const context = await browser.newContext({
          viewport: { width: 390, height: 844 },
          hasTouch: true,
          isMobile: true,
        });
        const page = await context.newPage();
        await page.goto(`${baseUrl()}/lessons/key-value-basics`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await setTheme(page, theme);
        await page.getByRole('button', { name: 'Lessons' }).click();
        expect(await audit(page, `phone ${theme} menu`)).toEqual([]);
        await page.keyboard.press('Escape');
        await page.getByRole('link', { name: /Jump to exercise/ }).click();
        await waitForTouchEditor(page);
        expect(await audit(page, `phone ${theme} touch editor`)).toEqual([]);
        await context.close();
      },
    );
  }

  for (const [label, route] of [
    ['outline', '/'],
    ['not-found', '/lessons/nope'],
  ] as const) {
    it(`has no axe violations on the ${label} page in both themes`, async () => {
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
