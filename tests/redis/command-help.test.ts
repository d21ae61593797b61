import { describe, expect, test } from 'vitest';
import { commandDoc, commandHelp } from '../../src/redis/command-help.ts';

describe(commandHelp, () => {
  test('shows syntax, summary, since and group in redis-cli layout', () => {
    expect(commandHelp('expire')).toBe(
      [
        '',
        '  EXPIRE key seconds [NX|XX|GT|LT]',
        "  summary: Set a key's time to live in seconds",
        '  since: 1.0.0',
        '  group: generic',
        '',
      ].join('\n'),
    );
  });

  test('builds optional, repeated and alternative arguments like redis-cli', () => {
    expect(commandDoc('zadd')?.syntax).toBe(
      'key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]',
    );
    expect(commandDoc('client kill')?.summary).toBe('Kill the connection of a client');
  });

  test('marks commands the sandbox does not support, and knows groups', () => {
    expect(commandHelp('bgsave')).toContain("cachelab's sandbox does not support this command");
    expect(commandHelp('xadd')).not.toContain('does not support');
    expect(commandHelp('get')).not.toContain('does not support');
    expect(commandHelp('@hash')).toContain('  HSET key field value [field value ...]');
    expect(commandHelp('nosuchcommand')).toBeNull();
  });
});
