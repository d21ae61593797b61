import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Differential tests against a real redis-server; `npm run test:redis` starts one and sets REDIS_URL.
export default defineConfig({
  // Lesson checks import `cachelab/checks`, as in vite.config.ts.
  resolve: {
    alias: {
      'cachelab/checks': fileURLToPath(new URL('./src/runner/checks-api.ts', import.meta.url)),
    },
  },
  test: {
    environment: 'node',
    include: ['tests/redis-server/**/*.test.ts'],
    // Fails the run, with an install hint, when REDIS_URL is missing: the suite never skips.
    globalSetup: ['tests/helpers/require-redis-url.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
  },
});
