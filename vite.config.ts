import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { lessonsPlugin } from './scripts/vite-lessons.ts';
import { runnerWorkerCsp } from './scripts/vite-csp.ts';
import { prerenderPlugin } from './scripts/vite-prerender.ts';

export default defineConfig({
  plugins: [react(), runnerWorkerCsp(), lessonsPlugin(), prerenderPlugin()],
  resolve: {
    alias: {
      'cachelab/checks': fileURLToPath(new URL('./src/runner/checks-api.ts', import.meta.url)),
    },
  },
  worker: { format: 'es' },
  // fengari (the scripting VM, src/redis/lua) reads this at load; workers have no `process`.
  define: { 'process.env.FENGARICONF': JSON.stringify('') },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.{ts,tsx}'],
    // These suites need a real redis-server or Chromium; they run from their own scripts
    // (npm run test:redis, npm run test:e2e), never as silent skips here.
    exclude: ['tests/redis-server/**', 'tests/e2e/**', '**/node_modules/**'],
    setupFiles: ['tests/setup.ts'],
  },
});
