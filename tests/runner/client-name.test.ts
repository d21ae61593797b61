/**
 * How the sandbox's Redis client reads in a learner-facing call description (the timeout report
 * names the call that was running): as ioredis's `Redis`, never as the internal class, whose name
 * a minified bundle also mangles.
 */
import { describe, expect, test } from 'vitest';
import { inspect } from '../../src/runner/inspect.ts';
import { describeCall } from '../../src/runner/learner-proxy.ts';
import { SandboxRedis } from '../../src/runner/sandbox-redis.ts';

describe('the sandbox client in call descriptions', () => {
  test('reads as Redis', () => {
    const client = Object.create(SandboxRedis.prototype) as object;
    expect(inspect(client)).toBe('Redis {}');
    expect(describeCall('saveUser', [client, { id: 7 }])).toBe('saveUser(Redis {}, { id: 7 })');
  });

  test('control: a class of another name reads as that name', () => {
    class SandboxThing {}
    expect(describeCall('saveUser', [new SandboxThing()])).toBe('saveUser(SandboxThing {})');
  });
});
