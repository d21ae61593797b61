import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lessonsPlugin } from './scripts/vite-lessons.ts';
import { runnerWorkerCsp } from './scripts/vite-csp.ts';
import { prerenderPlugin } from './scripts/vite-prerender.ts';

/** Every test file under tests/, as a path from the root, with its source. */
function testFiles(): { file: string; source: string }[] {
  const tests = fileURLToPath(new URL('./tests', import.meta.url));
  return readdirSync(tests, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.test\.tsx?$/.test(file))
    .map((file) => ({
      file: `tests/${file.split(path.sep).join('/')}`,
      source: readFileSync(path.join(tests, file), 'utf8'),
    }));
}

/**
 * Test files that need a worker of their own (the `isolated` project below), found by what they
 * import, call or declare, so a new such file needs no list entry: files that lock the realm down
 * with SES (vitest cannot run another file in a locked realm) or mock modules (a mock must not
 * meet a module another file already loaded).
 */
const needsOwnWorker =
  /hardenRealm|\/harness\.ts'|worker-realm\.ts|child-realm\.ts|vi\.(do)?mock\(/;

/**
 * DOM files (`@vitest-environment jsdom`) share one jsdom per worker (the `dom` project below):
 * setting up jsdom and importing React and Testing Library cost about 1.4 s of CPU per file,
 * paid once per worker instead (measured: 32 files in fresh workers took 121 s of CPU, 102 s with
 * 14 of them sharing). tests/setup.ts puts the document, storage, URL and
 * timers back after each file, so none carries into the next.
 */
const isDom = /@vitest-environment jsdom/;

/**
 * DOM files that still need a fresh realm: those that render the real app shell (src/app/App.tsx,
 * directly or through tests/helpers/app-fixtures.tsx). A lesson page warms the app's one runner
 * client, whose chunk arrives after the file has ended; in a shared jsdom its start (no `Worker`
 * in jsdom) then fails inside the next file (measured: 4 unhandled rejections). And hydration
 * must meet the app's module state exactly as a first page load has it (measured before: it
 * failed after other DOM files ran in its worker). The ones that exist run as parts of
 * tests/app/app-shell.test.tsx (HOSTS below); a new one gets a worker of its own until it joins.
 */
const rendersTheApp = /app-fixtures\.tsx'|\/app\/App\.tsx'/;

/**
 * fengari (the scripting VM, src/redis/lua) reads `process.env.FENGARICONF` at load, and
 * workers have no `process`, so the read is replaced with '' at build time. Not through the dev
 * server's `define`: in dev that creates a global `process` object in every worker, and fengari
 * then takes its Node branch and calls `require('os').platform()`, which kills the runner worker.
 * In dev the replacement is made where fengari is, in the pre-bundled dependencies.
 */
function fengariConf(): Plugin {
  const define = { 'process.env.FENGARICONF': JSON.stringify('') };
  return {
    name: 'cachelab:fengari-conf',
    config: (_config, { command }) =>
      command === 'build'
        ? { define }
        : {
            optimizeDeps: {
              // src/redis/lua imports two of fengari's own modules beside its entry; their
              // require cycle only initialises in order when the pre-bundle keeps it (as the
              // CLI build does, scripts/build-cli.mjs).
              rolldownOptions: { transform: { define }, output: { strictExecutionOrder: true } },
            },
          },
  };
}

/**
 * Test files that run other test files as parts of themselves, each in a worker of its own: one
 * worker start, environment and module load instead of one per part (see each host's comment).
 * tests/runner/locked-realm.test.ts runs the suites that lock the realm down in its one locked
 * realm; tests/workspace/monaco-mocked.test.tsx the suites that share its one Monaco mock;
 * tests/app/app-shell.test.tsx the suites that render the real app shell.
 */
const HOSTS = [
  'tests/runner/locked-realm.test.ts',
  'tests/workspace/monaco-mocked.test.tsx',
  'tests/app/app-shell.test.tsx',
];

/**
 * The files the hosts import (`import './x.test.ts';` or `await import('./x.test.tsx');`), as
 * paths from the root: they run inside their host, and only there.
 */
function hostedParts(): string[] {
  return HOSTS.flatMap((host) => {
    const source = TEST_FILES.find(({ file }) => file === host)?.source ?? '';
    return [
      ...source.matchAll(/^\s*(?:await )?import[ (]'(\.{1,2}\/[^']+\.test\.tsx?)'\)?;$/gm),
    ].map(([, part]) => path.posix.join(path.posix.dirname(host), part));
  });
}

const TEST_FILES = testFiles();

const HOSTED_PARTS = hostedParts();

const ISOLATED_FILES = [
  ...HOSTS,
  ...TEST_FILES.filter(
    ({ file, source }) =>
      (needsOwnWorker.test(source) || rendersTheApp.test(source)) &&
      !HOSTED_PARTS.includes(file) &&
      !HOSTS.includes(file),
  ).map(({ file }) => file),
  // Leaves a client's 20 s start-up timer running (the client has no dispose), which would
  // reject in whichever file the worker runs 20 s later.
  'tests/insight/playground-client.test.ts',
  // The process-level smoke test waits on the supervisor's own timers (hard deadline, start-up):
  // measured twice in CI on a fresh clone, in a worker shared with other files those timers
  // never fired and the test hung to its timeout (it passes alone and in every local order);
  // a worker of its own costs about a second.
  'tests/cli/process-isolation.test.ts',
  // ioredis-mock's pub/sub keeps module-level state: measured, its message events timed out
  // once after other ioredis-mock files in a shared worker (it passes alone).
  'tests/redis/pubsub.test.ts',
];

const DOM_FILES = TEST_FILES.filter(
  ({ file, source }) => isDom.test(source) && !ISOLATED_FILES.includes(file),
).map(({ file }) => file);

export default defineConfig({
  plugins: [react(), runnerWorkerCsp(), lessonsPlugin(), prerenderPlugin(), fengariConf()],
  resolve: {
    alias: {
      'cachelab/checks': fileURLToPath(new URL('./src/runner/checks-api.ts', import.meta.url)),
    },
  },
  worker: { format: 'es' },
  test: {
    environment: 'node',
    // The files are the projects' below (`include` would add up in each project that extends).
    // These suites need a real redis-server or Chromium, or (tests/sandbox) wait for real process
    // deadlines and memory limits; they run from their own scripts (npm run test:redis,
    // test:e2e, test:sandbox), never as silent skips here.
    exclude: [
      'tests/redis-server/**',
      'tests/e2e/**',
      'tests/sandbox/**',
      '**/node_modules/**',
      // These run inside another test file (hostedParts).
      ...HOSTED_PARTS,
    ],
    setupFiles: ['tests/setup.ts'],
    // Builds the runner child bundle, or reuses the last build of the same files (children start
    // from it, not from sources).
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Vitest's default for `run` is one worker less than the cores, which on the 2-core machines
    // this suite is timed on means ONE worker (measured: 104 % CPU). The main process is mostly
    // idle while files run, so use every core.
    maxWorkers: Math.max(2, availableParallelism()),
    // Keeps each transformed module (vi.mock hoisting, TSX, the lessons plugin's virtual modules)
    // in node_modules/.experimental-vitest-cache, keyed by its content, vitest's version and this
    // config's content, so a run transforms only what changed (measured on tests/lessons and
    // tests/redis: the main process 6.4 → 4.2 s of CPU). A module whose content is not all in its
    // file is either keyed by its generated code (virtual modules) or never cached
    // (import.meta.glob). A fresh clone, as in CI, starts cold and pays the transforms once.
    experimental: { fsModuleCache: true },
    projects: [
      {
        // Most files share their worker's module cache (isolate: false): each worker loads
        // vitest, zod, ioredis-mock, fengari and the sources once instead of once per file
        // (measured: about half a second of CPU per file). tests/setup.ts fails a file here
        // that locks the realm down, which would break every later file in its worker.
        extends: true,
        test: {
          name: 'shared',
          isolate: false,
          include: ['tests/**/*.test.{ts,tsx}'],
          exclude: [...ISOLATED_FILES, ...DOM_FILES],
          provide: { sharedWorker: true },
        },
      },
      {
        // The DOM files, one jsdom and one module cache per worker (see DOM_FILES).
        extends: true,
        test: {
          name: 'dom',
          isolate: false,
          environment: 'jsdom',
          include: DOM_FILES,
          provide: { sharedWorker: true },
        },
      },
      {
        // A fresh worker per file, for the files above.
        extends: true,
        test: { name: 'isolated', include: ISOLATED_FILES, provide: { sharedWorker: false } },
      },
    ],
  },
});
