/**
 * The learner-facing part of `npm run bench`: the built app in Chromium, measured the way a
 * learner feels it, on `/lessons/key-value-basics`.
 *
 * `measurePage({ baseUrl, chromiumPath, distDir })` expects `vite preview` at baseUrl serving
 * `distDir`. Figures:
 * - initial JS: JS the page requests as it starts (until `load` and until it has requested all
 *   of index.html's eager scripts, which a prerendered page does after its first paint) that
 *   index.html loads eagerly (its module script and modulepreload links),
 *   gzip-compressed here (zlib default level) from the built files; every other JS requested by
 *   then (lazy chunks, the worker) is listed too;
 * - LCP, editor ready (`cachelab:editor-ready` mark), first run after the editor appears: a fresh
 *   context per sample, median of COLD samples;
 * - warm runs: WARM clicks on Run (100 ms apart, after 2 s of quiet), each timed in the page from the click to the first animation
 *   frame after the run summary shows the result (the frame that paints it).
 */
/* global document, DataTransfer, ClipboardEvent, requestAnimationFrame, MutationObserver -- page-side helpers run inside Chromium via page.evaluate */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { percentile } from './bench-browser.mjs';
import { CHROMIUM_FLAGS } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const LESSON_PATH = '/lessons/key-value-basics';
const COLD = 5;
const WARM = 30;

const round = (ms) => Math.round(ms * 10) / 10;
const median = (values) => round(percentile(values, 50));

/** Paths index.html loads before anything lazy: its module scripts and modulepreloads. */
function eagerScripts(distDir) {
  const html = readFileSync(path.resolve(root, distDir, 'index.html'), 'utf8');
  const found = new Set();
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    const tag = match[0];
    const isModule = /type="module"/.test(tag) || /rel="modulepreload"/.test(tag);
    const url = /(?:src|href)="([^"]+\.js)"/.exec(tag)?.[1];
    if (isModule && url) found.add(url);
  }
  return found;
}

/** gzip bytes of a built file, from its URL path. */
function gzipBytes(distDir, urlPath) {
  return gzipSync(readFileSync(path.resolve(root, distDir, `.${urlPath}`))).length;
}

/** In the page: the latest LCP entry so far (buffered). */
function pageLcp() {
  return new Promise((resolve) => {
    new PerformanceObserver((list) => {
      const entries = list.getEntries();
      resolve(entries[entries.length - 1]?.startTime ?? null);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    setTimeout(() => resolve(null), 2000);
  });
}

/** In the page: replace the editor's text with a synthetic paste (as the e2e tests do). */
function pagePaste(text) {
  const data = new DataTransfer();
  data.setData('text/plain', text);
  document.activeElement?.dispatchEvent(
    new ClipboardEvent('paste', { clipboardData: data, bubbles: true }),
  );
}

/**
 * In the page: click Run and time until the first animation frame after the run summary shows a
 * finished run (the runner's `cachelab:runner` measure is new, the button is no longer busy).
 */
export function pageClickRun() {
  const button = [...document.querySelectorAll('button')].find((b) =>
    b.textContent?.startsWith('Run'),
  );
  const before = performance.getEntriesByName('cachelab:runner').length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('run did not finish in 30 s')), 30_000);
    const done = () => {
      const status = document.querySelector('[role="status"][aria-label="Run summary"]');
      return (
        performance.getEntriesByName('cachelab:runner').length > before &&
        button.getAttribute('aria-busy') !== 'true' &&
        /passed|failed/.test(status?.textContent ?? '')
      );
    };
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      const shownAt = performance.now();
      requestAnimationFrame(() => {
        clearTimeout(timer);
        const measures = performance.getEntriesByName('cachelab:runner');
        resolve({
          clickToShownMs: shownAt - started,
          clickToFrameMs: performance.now() - started,
          runnerMs: measures[measures.length - 1].duration,
          summary: document.querySelector('[role="status"][aria-label="Run summary"]')?.textContent,
        });
      });
    });
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
    const started = performance.now();
    button.click();
  });
}

/**
 * Opens the lesson page in a fresh context. `atLoad` is the JS it requested as it started: until
 * `load`, and until every script in `expected` (index.html's eager ones) was requested. A
 * prerendered page asks for the app's scripts only after its first paint
 * (scripts/vite-prerender.ts), which can come after `load`.
 */
export async function openLesson(browser, baseUrl, expected = new Set()) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const js = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script' || /\.js(\?|$)/.test(request.url()))
      js.push(new URL(request.url()).pathname);
  });
  await page.goto(`${baseUrl}${LESSON_PATH}`, { waitUntil: 'load' });
  const deadline = Date.now() + 10_000;
  const missing = () => [...expected].filter((url) => !js.includes(url));
  while (missing().length > 0) {
    if (Date.now() > deadline)
      throw new Error(`the page never requested ${missing().join(', ')} (10 s after load)`);
    await page.waitForTimeout(20);
  }
  const atLoad = [...js];
  return { context, page, atLoad };
}

export async function focusEditorAndPaste(page, source) {
  // Near the editor's top-left corner, as tests/e2e/workspace-driver.ts does: the lines element
  // is as tall as the whole file and clipped by the editor, so its centre can lie under the tab
  // panels below it, and a click there never focuses Monaco (the paste then went nowhere).
  await page
    .locator('.monaco-editor')
    .first()
    .click({ position: { x: 80, y: 12 } });
  await page.keyboard.press('Control+A');
  await page.evaluate(pagePaste, source);
  // Let React commit the edit, so Run sees the pasted code; the timing starts at the click.
  await page.waitForTimeout(200);
}

/** Measures the built app in Chromium; see the file comment for what each figure means. */
export async function measurePage({ baseUrl, chromiumPath, distDir }) {
  const source = readFileSync(path.join(root, 'lessons/01-key-value-basics/solution.ts'), 'utf8');
  const eager = eagerScripts(distDir);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_FLAGS,
    headless: true,
  });
  try {
    const samples = [];
    let requested = [];
    for (let i = 0; i < COLD; i += 1) {
      const { context, page, atLoad } = await openLesson(browser, baseUrl, eager);
      if (i === 0) requested = atLoad;
      await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 60_000 });
      const lcpMs = await page.evaluate(pageLcp);
      const editorReadyMs = await page.evaluate(
        () => performance.getEntriesByName('cachelab:editor-ready')[0]?.startTime ?? null,
      );
      await focusEditorAndPaste(page, source);
      const first = await page.evaluate(pageClickRun);
      if (!/^All \d+ checks passed$/.test(first.summary ?? ''))
        throw new Error(`lesson 1's solution did not pass in the page: ${first.summary}`);
      samples.push({ lcpMs, editorReadyMs, firstRunMs: first.clickToFrameMs });
      await context.close();
    }

    const { context, page } = await openLesson(browser, baseUrl);
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 60_000 });
    await focusEditorAndPaste(page, source);
    await page.evaluate(pageClickRun);
    // Let start-up work (the spare worker, Monaco's TypeScript worker) settle, and leave a short
    // gap between clicks as a learner would, so each run is timed on its own.
    await page.waitForTimeout(2000);
    const warm = [];
    for (let i = 0; i < WARM; i += 1) {
      await page.waitForTimeout(100);
      const run = await page.evaluate(pageClickRun);
      if (!/^All \d+ checks passed$/.test(run.summary ?? ''))
        throw new Error(`warm run ${i} did not pass: ${run.summary}`);
      warm.push(run);
    }
    await context.close();

    const unique = [...new Set(requested)];
    const chunks = unique.map((url) => ({
      url,
      eager: eager.has(url),
      gzipBytes: gzipBytes(distDir, url),
    }));
    const initialBytes = chunks.filter((c) => c.eager).reduce((n, c) => n + c.gzipBytes, 0);
    return {
      chromium: browser.version(),
      initialJs: { gzipBytes: initialBytes, chunks },
      lcpMs: median(samples.map((s) => s.lcpMs)),
      editorReadyMs: median(samples.map((s) => s.editorReadyMs)),
      firstRunMs: median(samples.map((s) => s.firstRunMs)),
      coldSamples: samples.length,
      warmRunMs: {
        samples: warm.length,
        clickToResultsP50: round(
          percentile(
            warm.map((r) => r.clickToFrameMs),
            50,
          ),
        ),
        clickToResultsP95: round(
          percentile(
            warm.map((r) => r.clickToFrameMs),
            95,
          ),
        ),
        runnerRoundTripP50: round(
          percentile(
            warm.map((r) => r.runnerMs),
            50,
          ),
        ),
      },
      raw: { cold: samples, warmClickToResults: warm.map((r) => round(r.clickToFrameMs)) },
    };
  } finally {
    await browser.close();
  }
}
