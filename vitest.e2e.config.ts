// Chromium journeys against a built app; `npm run test:e2e` (scripts/e2e.mjs) starts the server.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One browser at a time: timings and the loopback listener must not compete.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
