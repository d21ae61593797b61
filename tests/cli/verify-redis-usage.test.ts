/** `cachelab verify --redis` usage errors: none of these needs a server, all exit 2. */
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseRedisUrl } from '../../src/cli/redis-url.ts';

async function cachelab(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, stdin: new PassThrough(), isTTY: false });
  return { code, stdout: out, stderr: err };
}

/** A loopback port with nothing listening on it. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('cachelab verify --redis usage', () => {
  test('--redis without a URL exits 2', async () => {
    const { code, stderr } = await cachelab('verify', '--redis');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cachelab: .*--redis/);
  });

  test.each([
    ['not a url', /--redis needs a URL like redis:\/\/127\.0\.0\.1:6379\/15/],
    ['http://127.0.0.1:6379/0', /needs a redis:\/\/ or rediss:\/\/ URL/],
    ['redis://127.0.0.1:6379/abc', /picks the database and must be a number, got "\/abc"/],
  ])('a bad URL (%s) exits 2 and says what is wrong', async (url, message) => {
    const { code, stdout, stderr } = await cachelab('verify', '--redis', url);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  test('a bad URL under --json is a usage error in JSON', async () => {
    const { code, stdout } = await cachelab('verify', '--redis', 'nope', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      error: {
        kind: 'usage',
        message: '--redis needs a URL like redis://127.0.0.1:6379/15, got "nope"',
      },
    });
  });

  test('--flush without --redis exits 2', async () => {
    const { code, stderr } = await cachelab('verify', '--flush');
    expect(code).toBe(2);
    expect(stderr).toContain('--flush only applies with --redis <url>');
  });

  test('--redis cannot be combined with --watch, nor given to grade', async () => {
    expect((await cachelab('verify', '--redis', 'redis://127.0.0.1/1', '--watch')).code).toBe(2);
    const graded = await cachelab('grade', 'x.ts', '--lesson', 'expiry', '--redis', 'redis://h');
    expect(graded.code).toBe(2);
    expect(graded.stderr).toContain('--redis and --flush only apply to verify');
  });

  test('an unreachable server exits 2 and names the URL', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}/15`;
    const { code, stderr } = await cachelab('verify', '--redis', url, '--lesson', 'expiry');
    expect(code).toBe(2);
    expect(stderr).toContain(`cannot connect to ${url}`);
  }, 20_000);

  test('--help documents --redis and --flush', async () => {
    const { stdout } = await cachelab('--help');
    expect(stdout).toContain('cachelab verify --redis <url> [--flush] [--lesson <slug>] [--json]');
    expect(stdout).toMatch(/--flush\s+\.\.\.unless --flush is given/);
  });
});

describe(parseRedisUrl, () => {
  test('the path picks the database; no path means database 0', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390/15').db).toBe(15);
    expect(parseRedisUrl('redis://127.0.0.1:6390').db).toBe(0);
  });

  test('reports the URL without its password', () => {
    expect(parseRedisUrl('redis://:s3cret@127.0.0.1:6390/2').display).toBe(
      'redis://:***@127.0.0.1:6390/2',
    );
  });
});
