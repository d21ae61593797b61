// Starts a throwaway redis-server on a free loopback port, and stops it by its pid.
// Shared by scripts/test-redis.mjs and scripts/gen-command-docs.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';

export const INSTALL_HINT =
  'redis-server not found. Install it with: apt-get update && apt-get install -y redis-server';

/** Absolute path of a binary on PATH, or null. */
export function which(bin) {
  const found = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function ping(port) {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let buf = '';
    sock.once('error', () => resolve(false));
    sock.on('data', (d) => {
      buf += d;
      if (buf.includes('\r\n')) {
        sock.destroy();
        resolve(buf.startsWith('+PONG'));
      }
    });
    sock.once('connect', () => sock.write('PING\r\n'));
  });
}

/**
 * Starts redis-server; resolves to { port, url, pid, stop() } once it answers PING. `extraArgs`
 * are appended to the command line (e.g. `--databases 1`).
 */
export async function startRedisServer(extraArgs = []) {
  const bin = which('redis-server');
  if (!bin) {
    const err = new Error(INSTALL_HINT);
    err.code = 'NO_REDIS';
    throw err;
  }
  const port = await freePort();
  const child = spawn(
    bin,
    [
      '--save',
      '',
      '--appendonly',
      'no',
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 10_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not start on port ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, url: `redis://127.0.0.1:${port}`, pid: child.pid, stop };
}
