/**
 * `ctx.clock`: learner-visible time that checks move forward. The realm clock always moves (so
 * the learner's `Date.now()` follows); on a real server every TTL is re-set as well, so the
 * same check passes on the mock and on Redis.
 */
import type { Clock } from './checks-api.ts';
import type { RealmClock } from './harden.ts';
import type { RedisBackend } from './redis-backend.ts';
import type { RawRedis } from './sandbox-redis.ts';

/** A check's clock, plus how far the check moved it. */
export interface CheckClock extends Clock {
  /** Total ms this check advanced. */
  advancedMs(): number;
}

/** Creates the clock for one check. `host` is the check's unlogged client. */
export function createCheckClock(
  realm: RealmClock,
  backend: RedisBackend,
  host: RawRedis,
): CheckClock {
  let advanced = 0;
  return {
    now: () => realm.now(),
    async advance(ms: number) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`clock.advance needs a non-negative number of ms, got ${String(ms)}`);
      }
      realm.advance(ms);
      advanced += ms;
      if (backend.ttlAging === 'pexpire') await ageKeysOnServer(host, ms);
    },
    advancedMs: () => advanced,
  };
}

interface ServerClient {
  scan(cursor: string, ...args: unknown[]): Promise<[string, string[]]>;
  pttl(key: string): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
  del(...keys: string[]): Promise<number>;
}

/**
 * Ages every key with a TTL by `ms` on a server that cannot be time-shifted: re-sets the TTL
 * with PEXPIRE, or deletes the key when its time has run out.
 */
export async function ageKeysOnServer(client: RawRedis, ms: number): Promise<void> {
  const server = client as unknown as ServerClient;
  let cursor = '0';
  do {
    const [next, keys] = await server.scan(cursor, 'COUNT', 1000);
    cursor = String(next);
    for (const key of keys) {
      const ttl = await server.pttl(key);
      if (ttl < 0) continue;
      if (ttl - ms <= 0) await server.del(key);
      else await server.pexpire(key, ttl - ms);
    }
  } while (cursor !== '0');
}
