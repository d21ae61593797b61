#!/usr/bin/env node
/**
 * The browser section of `npm run bench`: the runner worker in Chromium, on a built app.
 *
 * `measureBrowser({ baseUrl, chromiumPath, distDir = 'dist' })` expects `vite preview` (or any
 * server that sends the worker's CSP header) at baseUrl, serving this checkout's `distDir`. Run this file directly to build,
 * serve and measure on its own: `node scripts/bench-browser.mjs [--json]`.
 *
 * Figures:
 * - worker ready (cold): a fresh browser context each time, so nothing is cached; the worker's own
 *   clock (creation → ready) and the page's (new Worker → ready message);
 * - first run: lesson 1's solution on a freshly ready worker (which ran its built-in warm-up
 *   exercise before saying ready, as every worker does);
 * - warm runs: the same, 30 times after that first run; `durationMs` from the worker's report
 *   (transpile, evaluate, checks) and the page's round trip (post → done).
 */
/* global window, Worker -- pageStartWorker and pageRuns run inside Chromium via page.evaluate */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_MISSING, findChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const LESSON = 'key-value-basics';
const COLD_STARTS = 5;
const WARM_RUNS = 30;

function builtWorkerPath(distDir) {
  const assets = path.resolve(root, distDir, 'assets');
  const found = readdirSync(assets).filter((f) => /^runner-worker-[\w-]+\.js$/.test(f));
  if (found.length !== 1) {
    throw new Error(`expected one runner-worker-*.js in ${assets}, found ${found.length}`);
  }
  return `/assets/${found[0]}`;
}

/** Nearest-rank percentile of an unsorted list. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const round = (ms) => Math.round(ms * 10) / 10;

/** In the page: start a worker and wait for ready. Kept self-contained for page.evaluate. */
function pageStartWorker(url) {
  const begin = performance.now();
  const worker = new Worker(url, { type: 'module' });
  window.__benchWorker = worker;
  return new Promise((resolve, reject) => {
    worker.onerror = (event) => reject(new Error(event.message || 'worker error'));
    worker.onmessage = (event) => {
      // The worker loop posts JSON text (src/runner/worker-loop.ts).
      const data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
      if (data?.type === 'ready')
        resolve({ startupMs: data.startupMs, pageMs: performance.now() - begin });
      if (data?.type === 'fatal') reject(new Error(data.message));
    };
  });
}

/** In the page: post runs one after another and time each. */
function pageRuns({ lesson, source, count }) {
  const worker = window.__benchWorker;
  const once = (message) =>
    new Promise((resolve, reject) => {
      const begin = performance.now();
      const timer = setTimeout(() => reject(new Error('run timed out')), 10_000);
      worker.onmessage = (event) => {
        const data = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
        if (data?.type === 'done' && data.runId === message.runId) {
          clearTimeout(timer);
          resolve({ roundTripMs: performance.now() - begin, report: data.report });
        }
      };
      worker.postMessage(message);
    });
  return (async () => {
    const results = [];
    for (let i = 0; i < count; i += 1) {
      const { roundTripMs, report } = await once({
        type: 'run',
        runId: `bench-${i}`,
        lesson,
        source,
      });
      if (!report.passed)
        throw new Error(`lesson 1's solution failed: ${JSON.stringify(report).slice(0, 500)}`);
      results.push({ roundTripMs, workerMs: report.durationMs });
    }
    return results;
  })();
}

/** Measures the runner worker in Chromium against a served build of this checkout. */
export async function measureBrowser({ baseUrl, chromiumPath, distDir = 'dist' }) {
  const workerPath = builtWorkerPath(distDir);
  const source = readFileSync(`${root}lessons/01-key-value-basics/solution.ts`, 'utf8');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_FLAGS,
    headless: true,
  });
  try {
    const cold = [];
    const firstRuns = [];
    for (let i = 0; i < COLD_STARTS; i += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${baseUrl}/`);
      cold.push(await page.evaluate(pageStartWorker, `${baseUrl}${workerPath}`));
      const [first] = await page.evaluate(pageRuns, {
        lesson: LESSON,
        source,
        count: 1,
      });
      firstRuns.push(first);
      await context.close();
    }

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.evaluate(pageStartWorker, `${baseUrl}${workerPath}`);
    // The first lesson-1 run loads its checks chunk; everything after it is a warm run.
    const [, ...warm] = await page.evaluate(pageRuns, {
      lesson: LESSON,
      source,
      count: WARM_RUNS + 1,
    });
    await context.close();

    const stats = (values) => ({
      p50: round(percentile(values, 50)),
      p95: round(percentile(values, 95)),
    });
    return {
      chromium: browser.version(),
      workerReadyMs: {
        inWorker: round(
          percentile(
            cold.map((c) => c.startupMs),
            50,
          ),
        ),
        fromPage: round(
          percentile(
            cold.map((c) => c.pageMs),
            50,
          ),
        ),
        samples: cold.length,
      },
      firstRunMs: {
        inWorker: round(
          percentile(
            firstRuns.map((r) => r.workerMs),
            50,
          ),
        ),
        roundTrip: round(
          percentile(
            firstRuns.map((r) => r.roundTripMs),
            50,
          ),
        ),
        samples: firstRuns.length,
      },
      warmRunMs: {
        inWorker: stats(warm.map((r) => r.workerMs)),
        roundTrip: stats(warm.map((r) => r.roundTripMs)),
        samples: warm.length,
      },
    };
  } finally {
    await browser.close();
  }
}

/** Prints the figures as a small table. */
export function printBrowserTable(figures) {
  const rows = [
    [
      'worker ready, cold (in worker / from page)',
      `${figures.workerReadyMs.inWorker} / ${figures.workerReadyMs.fromPage} ms`,
    ],
    [
      'first run, lesson 1 solution (in worker / round trip)',
      `${figures.firstRunMs.inWorker} / ${figures.firstRunMs.roundTrip} ms`,
    ],
    [
      'warm run p50 (in worker / round trip)',
      `${figures.warmRunMs.inWorker.p50} / ${figures.warmRunMs.roundTrip.p50} ms`,
    ],
    [
      'warm run p95 (in worker / round trip)',
      `${figures.warmRunMs.inWorker.p95} / ${figures.warmRunMs.roundTrip.p95} ms`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(
    `Chromium ${figures.chromium}, ${figures.warmRunMs.samples} warm runs, ${figures.workerReadyMs.samples} cold starts`,
  );
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { startPreview } = await import('./e2e.mjs');
  const chromiumPath = findChromium();
  if (!chromiumPath) {
    console.error(CHROMIUM_MISSING);
    process.exit(1);
  }
  const preview = await startPreview();
  try {
    const figures = await measureBrowser({
      baseUrl: preview.baseUrl,
      chromiumPath,
      distDir: preview.outDir,
    });
    // One line: scripts/bench.mjs reads the last line of stdout.
    if (process.argv.includes('--json')) console.log(JSON.stringify(figures));
    else printBrowserTable(figures);
  } finally {
    preview.stop();
  }
}
