/**
 * A build served under a sub-path (`vite build --base=/cachelab/`): deep links, in-app links,
 * the runner worker's CSP header and a full run must all work below the base.
 * scripts/e2e.mjs builds it into `<outdir>-base/` and passes its URL as E2E_SUBPATH_URL.
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNNER_WORKER_CSP } from '../../scripts/vite-csp.ts';
import { builtWorkerPath, distDir, launchBrowser, screenshot } from './browser.ts';
import {
  countChecks,
  lessonOneFile,
  runAndWait,
  setCode,
  waitForEditor,
} from './workspace-driver.ts';

/** The sub-path build's URL, ending in the base, e.g. "http://127.0.0.1:40123/cachelab/". */
function subpathUrl(): string {
  const url = process.env.E2E_SUBPATH_URL;
  if (!url)
    throw new Error('E2E_SUBPATH_URL is not set; run the e2e tests with `npm run test:e2e`.');
  return url.endsWith('/') ? url : `${url}/`;
}

const BASE = () => new URL(subpathUrl()).pathname;
const CHECKS = countChecks(lessonOneFile('checks.ts'));

let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Paths of every request the page and its workers made. */
const requested: string[] = [];

beforeAll(async () => {
  expect(CHECKS).toBeGreaterThan(5);
  expect(BASE()).not.toBe('/');
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  context.on('request', (request) => requested.push(new URL(request.url()).pathname));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe('a build served under a sub-path', () => {
  it('opens a lesson from a deep link below the base', async () => {
    const response = await page.goto(`${subpathUrl()}lessons/key-value-basics`);
    expect(response?.status()).toBe(200);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toMatch(/key|value/i);
    await waitForEditor(page);
    await screenshot(page, 'subpath-lesson-1', false);
  });

  it('keeps the outline and next-lesson links under the base', async () => {
    const outline = await page
      .locator('nav[aria-label="Course"] a[href*="/lessons/"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    expect(outline.length).toBeGreaterThan(2);
    for (const href of outline) expect(href.startsWith(`${BASE()}lessons/`), href).toBe(true);
    const next = await page.locator('a[rel="next"]').getAttribute('href');
    expect(next?.startsWith(`${BASE()}lessons/`), String(next)).toBe(true);
  });

  it('serves the runner worker below the base with its Content-Security-Policy header', async () => {
    // The sub-path build's assets, e.g. "/assets/runner-worker-abc.js" relative to the base.
    const dir = path.resolve(distDir()) + '-base';
    const worker = builtWorkerPath('runner', dir).replace(/^\//, '');
    const response = await fetch(`${subpathUrl()}${worker}`);
    expect(response.status, worker).toBe(200);
    expect(response.headers.get('content-security-policy'), worker).toBe(RUNNER_WORKER_CSP);
  });

  it('runs the pasted solution of lesson 1 and passes every check', async () => {
    await setCode(page, lessonOneFile('solution.ts'));
    const { summary } = await runAndWait(page);
    expect(summary).toBe(`All ${CHECKS} checks passed`);
    // The worker that ran it was loaded from below the base.
    expect(requested.some((p) => p.startsWith(`${BASE()}assets/runner-worker-`))).toBe(true);
  });

  it('shows the not-found page for an unknown slug below the base', async () => {
    const response = await page.goto(`${subpathUrl()}lessons/nope`);
    expect(response?.status()).toBe(200);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toMatch(/not found|no lesson|can.t find/i);
    const href = await page
      .locator('main a[href$="/lessons/key-value-basics"]')
      .first()
      .getAttribute('href');
    expect(href).toBe(`${BASE()}lessons/key-value-basics`);
  });
});
