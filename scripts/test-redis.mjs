// npm run test:redis: starts a throwaway redis-server on a free loopback port, runs the tests in
// tests/redis-server/ (vitest.redis.config.ts) with REDIS_URL set, stops the server by its pid,
// and exits with Vitest's code.
import { spawn } from 'node:child_process';
import { startRedisServer } from './redis-server-process.mjs';

let server;
try {
  server = await startRedisServer();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
console.log(`redis-server pid ${server.pid} listening on ${server.url}`);

const stopAndExit = async (code) => {
  await server.stop();
  process.exit(code);
};
process.on('SIGINT', () => stopAndExit(130));
process.on('SIGTERM', () => stopAndExit(143));

const vitest = spawn(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--config',
    'vitest.redis.config.ts',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env: { ...process.env, REDIS_URL: server.url } },
);
const code = await new Promise((resolve) =>
  vitest.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
);
await stopAndExit(code);
