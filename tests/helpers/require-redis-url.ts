/**
 * Global setup of the redis-server suite (vitest.redis.config.ts): without a server the suite
 * fails with the way to get one, instead of reporting every test as skipped and exiting 0.
 */
export default function requireRedisUrl(): void {
  if (process.env.REDIS_URL) return;
  throw new Error(
    'REDIS_URL is not set, so the redis-server suite cannot run (it never skips). Run it with ' +
      '`npm run test:redis`, which starts a throwaway redis-server on a free port; install one ' +
      'with `apt-get install -y redis-server redis-tools`. Or point REDIS_URL at a server whose ' +
      'databases may be emptied, e.g. REDIS_URL=redis://127.0.0.1:6379/15.',
  );
}
