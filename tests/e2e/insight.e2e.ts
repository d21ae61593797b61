/**
 * Issue 7 in real Chromium: lesson 1's solution leaves its commands in the trace, and the in-page
 * redis-cli console answers like redis-cli.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, launchBrowser, screenshot } from './browser.ts';
import { lessonOneFile, setCode, waitForEditor } from './workspace-driver.ts';

const solution = lessonOneFile('solution.ts');

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${baseUrl()}/lessons/key-value-basics`);
});

afterAll(async () => {
  await browser?.close();
});

describe('insight: trace and console', () => {
  it('shows SET "user:…" and GET "popular_posts" in the trace after running the solution', async () => {
    await waitForEditor(page);
    await setCode(page, solution);
    await page.getByRole('button', { name: /^Run/ }).first().click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Run summary' }).textContent(), {
        timeout: 30_000,
      })
      .toMatch(/^All \d+ checks passed/);
    await page.getByRole('tab', { name: 'Command trace' }).click();
    const trace = page.getByRole('region', { name: 'Command trace' });
    // Passing checks start collapsed; open them all.
    const collapsed = trace.locator('button[aria-expanded="false"]');
    while ((await collapsed.count()) > 0) await collapsed.first().click();
    const text = await trace.innerText();
    expect(text).toMatch(/SET "user:\d+" "\{\\"id\\":/);
    expect(text).toContain('GET "popular_posts"');
    await screenshot(page, 'insight-trace');
  });

  it('keeps each insight tab’s state while another is shown', async () => {
    await page.getByRole('tab', { name: 'Keyspace' }).click();
    const keyspace = page.getByRole('region', { name: 'Keyspace inspector' });
    await expect.poll(() => keyspace.innerText()).toContain('popular_posts');
    await screenshot(page, 'insight-keyspace');
    // The trace groups opened above are still open after a round trip through another tab.
    await page.getByRole('tab', { name: 'Command trace' }).click();
    const trace = page.getByRole('region', { name: 'Command trace' });
    expect(await trace.locator('button[aria-expanded="false"]').count()).toBe(0);
    await page.getByRole('tab', { name: 'redis-cli' }).click();
  });

  it('answers the three console commands the way redis-cli does', async () => {
    const input = page.getByRole('textbox', { name: 'Redis command' });
    const log = page.getByRole('log', { name: 'Redis console output' });
    for (const command of ['SET greeting hello', 'GET greeting', 'INCR greeting']) {
      await input.fill(command);
      await input.press('Enter');
    }
    await expect
      .poll(() => log.innerText(), { timeout: 30_000 })
      .toContain('(error) ERR value is not an integer or out of range');
    const lines = (await log.innerText())
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const at = lines.indexOf('redis> SET greeting hello');
    expect(lines.slice(at, at + 6)).toEqual([
      'redis> SET greeting hello',
      'OK',
      'redis> GET greeting',
      '"hello"',
      'redis> INCR greeting',
      '(error) ERR value is not an integer or out of range',
    ]);
    await screenshot(page, 'insight-console');
  });

  it('starts the console store from what the last run left', async () => {
    const input = page.getByRole('textbox', { name: 'Redis command' });
    await input.fill('GET popular_posts');
    await input.press('Enter');
    const log = page.getByRole('log', { name: 'Redis console output' });
    await expect
      .poll(() => log.innerText(), { timeout: 10_000 })
      .toMatch(/redis> GET popular_posts\s+"\[\{\\"id\\":1/);
  });

  it('runs a lesson’s redis snippet in place with "Try it", and goes on in redis-cli', async () => {
    await page.getByRole('tab', { name: /^Results/ }).click();
    await page.getByRole('button', { name: 'Try it' }).first().click();
    await expect
      .poll(() => page.getByRole('status', { name: 'Try it output' }).first().innerText())
      .toMatch(/redis> DEL greeting\s+\(integer\) 1/);
    await page.getByRole('button', { name: 'Open in redis-cli' }).first().click();
    const log = page.getByRole('log', { name: 'Redis console output' });
    await expect
      .poll(() => log.innerText(), { timeout: 10_000 })
      .toMatch(/redis> DEL greeting\s+\(integer\) 1\s+redis> GET greeting\s+\(nil\)/);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Redis command');
  });
});
