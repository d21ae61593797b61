/**
 * Lighthouse mobile for `npm run bench`: what issue 14 calls "Lighthouse mobile" — Lighthouse's
 * default mobile form factor and its default simulated throttling (4× CPU slowdown, slow 4G),
 * neither changed here. It drives Debian's Chromium (chrome-launcher with an explicit chromePath
 * and the flags from scripts/chromium.mjs; nothing is downloaded).
 *
 * `measureLighthouse({ baseUrl, chromiumPath, runs })` expects `vite preview` at baseUrl and
 * returns the median of `runs` runs (by performance score; that run's metrics are reported) plus
 * every run's raw figures, the load average beside each, and the main-thread long tasks of the
 * median run. A benchmark, never a test: a missed budget is only printed.
 *
 * Standalone: node scripts/bench-lighthouse.mjs <baseUrl> [runs]
 */
import os from 'node:os';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_FLAGS, findChromium } from './chromium.mjs';

const LESSON_PATH = '/lessons/key-value-basics';
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];

const loadAverage = () => os.loadavg().map((n) => Math.round(n * 100) / 100);
const score = (category) =>
  category?.score === null || category?.score === undefined
    ? null
    : Math.round(category.score * 100);
const metric = (lhr, id) => {
  const value = lhr.audits[id]?.numericValue;
  return value === undefined ? null : Math.round(value);
};

/** The figures kept from one Lighthouse result. */
function summarize(lhr, loadAverageAtStart) {
  const tasks = lhr.audits['long-tasks']?.details?.items ?? [];
  return {
    performance: score(lhr.categories.performance),
    accessibility: score(lhr.categories.accessibility),
    bestPractices: score(lhr.categories['best-practices']),
    totalBlockingTimeMs: metric(lhr, 'total-blocking-time'),
    firstContentfulPaintMs: metric(lhr, 'first-contentful-paint'),
    largestContentfulPaintMs: metric(lhr, 'largest-contentful-paint'),
    speedIndexMs: metric(lhr, 'speed-index'),
    cumulativeLayoutShift:
      Math.round((lhr.audits['cumulative-layout-shift']?.numericValue ?? 0) * 1000) / 1000,
    interactiveMs: metric(lhr, 'interactive'),
    // Failed audits in the two categories that must be 100, so a drop says why.
    failedAudits: ['accessibility', 'best-practices'].flatMap((id) =>
      (lhr.categories[id]?.auditRefs ?? [])
        .filter((ref) => ref.weight > 0 && lhr.audits[ref.id]?.score !== 1)
        .map((ref) => ref.id),
    ),
    longTasks: tasks.slice(0, 10).map((task) => ({
      url: task.url,
      startMs: Math.round(task.startTime),
      durationMs: Math.round(task.duration),
    })),
    loadAverageAtStart,
    loadAverageAtEnd: loadAverage(),
  };
}

/** Runs Lighthouse `runs` times against the lesson page; see the file comment. */
export async function measureLighthouse({ baseUrl, chromiumPath, runs = 3 }) {
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    // A fresh browser per run: no cache, no storage, no warmed code cache from the run before.
    const chrome = await chromeLauncher.launch({
      chromePath: chromiumPath,
      chromeFlags: CHROMIUM_FLAGS,
      logLevel: 'silent',
    });
    try {
      const startLoad = loadAverage();
      const result = await lighthouse(`${baseUrl}${LESSON_PATH}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
      });
      if (!result?.lhr) throw new Error('Lighthouse returned no result');
      if (result.lhr.runtimeError)
        throw new Error(`Lighthouse: ${result.lhr.runtimeError.message}`);
      samples.push(summarize(result.lhr, startLoad));
    } finally {
      await chrome.kill();
    }
  }
  const byScore = [...samples].sort((a, b) => (a.performance ?? -1) - (b.performance ?? -1));
  const median = byScore[Math.floor((byScore.length - 1) / 2)];
  return {
    url: LESSON_PATH,
    settings: 'mobile form factor, default simulated throttling (4× CPU, slow 4G)',
    runs: samples.length,
    median,
    samples,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [baseUrl, runs] = process.argv.slice(2);
  const chromiumPath = findChromium();
  if (!baseUrl || !chromiumPath) {
    console.error('usage: node scripts/bench-lighthouse.mjs <baseUrl> [runs] (needs Chromium)');
    process.exit(2);
  }
  const result = await measureLighthouse({ baseUrl, chromiumPath, runs: Number(runs) || 3 });
  console.log(JSON.stringify(result, null, 2));
}
