#!/usr/bin/env node
/**
 * `npm run test:e2e`: builds the app, serves it with `vite preview` on a free loopback port, runs
 * the Chromium tests (vitest.e2e.config.ts) against it, stops the server and exits with Vitest's
 * code. Extra arguments go to Vitest, e.g. `npm run test:e2e -- runner`.
 *
 * The build goes to dist-e2e/ (git-ignored), so a developer's dist/ is left alone.
 *
 * Environment: CHROMIUM_PATH (default /usr/bin/chromium); E2E_SKIP_BUILD=1 reuses the last build;
 * E2E_OUT_DIR (default dist-e2e) gives concurrent runs their own build folder.
 * A second build with `--base=/cachelab/` goes to `<outdir>-base/` and is served on its own port,
 * so tests/e2e/subpath.e2e.ts can prove a sub-path deployment works.
 * The tests get E2E_BASE_URL, E2E_SUBPATH_URL (e.g. http://127.0.0.1:PORT/cachelab/), E2E_DIST_DIR
 * and CHROMIUM_PATH (not BASE_URL: Vitest sets that one to Vite's `base`).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_MISSING, findChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const viteBin = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));
const vitestBin = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));

/** Asks the OS for a free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion, inheriting stdio; resolves with its exit code. */
function run(command, args, env = process.env, stdio = 'inherit') {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio, env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Polls `url` until it answers, or fails after `timeoutMs`. */
async function waitForServer(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`vite preview did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/** The sub-path the second e2e build is served under. */
export const SUBPATH_BASE = '/cachelab/';

/**
 * Builds (unless skipped) into `outDir` and starts `vite preview` on it; returns the base URL
 * (origin only, without `base`), the output folder and a stop function. A separate folder keeps
 * a dev's own dist/ untouched. `base` (default "/") is passed to both build and preview.
 */
export async function startPreview({
  build = process.env.E2E_SKIP_BUILD !== '1',
  outDir = process.env.E2E_OUT_DIR || 'dist-e2e',
  base = '/',
} = {}) {
  if (build) {
    // Build and server logs go to stderr, so callers (e.g. bench --json) keep stdout clean.
    const code = await run(
      process.execPath,
      [viteBin, 'build', '--base', base, '--outDir', outDir, '--emptyOutDir'],
      process.env,
      ['ignore', 2, 2],
    );
    if (code !== 0) throw new Error(`vite build failed with code ${code}`);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      viteBin,
      'preview',
      '--base',
      base,
      '--outDir',
      outDir,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    { cwd: root, stdio: ['ignore', 2, 2], detached: true },
  );
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  };
  try {
    await waitForServer(`${baseUrl}${base}`, 30_000, child);
  } catch (error) {
    stop();
    throw error;
  }
  return { baseUrl, outDir, stop };
}

async function main() {
  const chromiumPath = findChromium();
  if (!chromiumPath) {
    console.error(CHROMIUM_MISSING);
    process.exit(1);
  }
  const outDir = process.env.E2E_OUT_DIR || 'dist-e2e';
  let preview;
  let subpath;
  const stopAndExit = (code) => {
    preview?.stop();
    subpath?.stop();
    process.exit(code);
  };
  // Both builds at once: they are mostly single-threaded, so the second costs little extra.
  // allSettled, so a server that did start is stopped when the other failed.
  const started = await Promise.allSettled([
    startPreview({ outDir }),
    startPreview({ outDir: `${outDir}-base`, base: SUBPATH_BASE }),
  ]);
  preview = started[0].status === 'fulfilled' ? started[0].value : undefined;
  subpath = started[1].status === 'fulfilled' ? started[1].value : undefined;
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    console.error(failed.reason instanceof Error ? failed.reason.message : failed.reason);
    stopAndExit(1);
  }
  process.on('SIGINT', () => stopAndExit(130));
  process.on('SIGTERM', () => stopAndExit(143));
  console.log(
    `e2e: testing ${preview.baseUrl} and ${subpath.baseUrl}${SUBPATH_BASE} with ${chromiumPath}`,
  );
  const code = await run(
    process.execPath,
    [vitestBin, 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)],
    {
      ...process.env,
      E2E_BASE_URL: preview.baseUrl,
      E2E_SUBPATH_URL: `${subpath.baseUrl}${SUBPATH_BASE}`,
      E2E_DIST_DIR: preview.outDir,
      CHROMIUM_PATH: chromiumPath,
    },
  );
  stopAndExit(code);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
