import { defineConfig } from 'vitest/config';

// Differential tests against a real redis-server; `npm run test:redis` starts one and sets REDIS_URL.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/redis-server/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
  },
});
