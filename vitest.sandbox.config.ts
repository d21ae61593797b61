import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:sandbox`: the process-level attack suite (tests/sandbox/). Real child processes
// meet real deadlines (SIGKILL), real memory limits and OOM kills, so each case takes seconds;
// `npm test` keeps one fast smoke test per attack class and runs everything else.
export default defineConfig({
  // Lesson checks import `cachelab/checks`, as in vite.config.ts.
  resolve: {
    alias: {
      'cachelab/checks': fileURLToPath(new URL('./src/runner/checks-api.ts', import.meta.url)),
    },
  },
  test: {
    environment: 'node',
    include: ['tests/sandbox/**/*.test.ts'],
    // The runner child bundle, built once per run as for `npm test`.
    globalSetup: ['tests/helpers/global-setup.ts'],
    // One file at a time: every case races a real deadline, and one file's spinning or bombing
    // children must not eat the time of another file's control runs.
    fileParallelism: false,
  },
});
