import { afterEach, describe, expect, test, vi } from 'vitest';
import requireRedisUrl from '../helpers/require-redis-url.ts';

afterEach(() => vi.unstubAllEnvs());

describe('the redis-server suite without a server', () => {
  test('fails with the way to get one, instead of skipping', () => {
    vi.stubEnv('REDIS_URL', '');
    expect(() => requireRedisUrl()).toThrow(/npm run test:redis.*apt-get install -y redis-server/);
  });

  test('runs when REDIS_URL names a server', () => {
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:6390/15');
    expect(() => requireRedisUrl()).not.toThrow();
  });
});
