import { describe, expect, test } from 'vitest';
import {
  formatClientReply,
  formatMonitorCommand,
  formatReply,
  quoteBytes,
} from '../../src/redis/cli-format.ts';
import { ReplyError } from '../../src/redis/reply-error.ts';
import { OK, Status } from '../../src/redis/fidelity/types.ts';

describe(formatReply, () => {
  test('prints status replies bare and bulk strings quoted', () => {
    expect(formatReply(OK)).toBe('OK');
    expect(formatReply(new Status('QUEUED'))).toBe('QUEUED');
    expect(formatReply('OK')).toBe('"OK"');
  });

  test('prints nil, integers, errors and the empty array like redis-cli', () => {
    expect(formatReply(null)).toBe('(nil)');
    expect(formatReply(-3)).toBe('(integer) -3');
    expect(formatReply(9223372036854775807n)).toBe('(integer) 9223372036854775807');
    expect(formatReply(new ReplyError('ERR syntax error'))).toBe('(error) ERR syntax error');
    expect(formatReply([])).toBe('(empty array)');
  });

  test('escapes quotes, backslashes, control characters and non-ASCII bytes', () => {
    expect(formatReply('say "hi"\\\n')).toBe('"say \\"hi\\"\\\\\\n"');
    expect(formatReply('\r\t\x07\x08\x00\x7f')).toBe('"\\r\\t\\a\\b\\x00\\x7f"');
    expect(formatReply('héllo')).toBe('"h\\xc3\\xa9llo"');
    expect(formatReply(Uint8Array.from([0xff, 0x41]))).toBe('"\\xffA"');
  });

  test('numbers arrays, pads indexes to the widest, and indents nested arrays', () => {
    expect(formatReply(['a', null, 1])).toBe('1) "a"\n2) (nil)\n3) (integer) 1');
    const ten = Array.from({ length: 10 }, (_, i) => String(i));
    expect(formatReply(ten).split('\n').slice(8)).toEqual([' 9) "8"', '10) "9"']);
    expect(formatReply(['0', ['a', ['b', 'c']], []])).toBe(
      '1) "0"\n2) 1) "a"\n   2) 1) "b"\n      2) "c"\n3) (empty array)',
    );
    expect(formatReply([ten]).split('\n')[1]).toBe('    2) "1"');
  });
});

describe(formatClientReply, () => {
  test('knows which commands reply with a status', () => {
    expect(formatClientReply('OK', { command: 'SET', args: ['k', 'v'] })).toBe('OK');
    expect(formatClientReply('old', { command: 'set', args: ['k', 'v', 'GET'] })).toBe('"old"');
    expect(formatClientReply('PONG', { command: 'ping' })).toBe('PONG');
    expect(formatClientReply('hi', { command: 'ping', args: ['hi'] })).toBe('"hi"');
    expect(formatClientReply('string', { command: 'type', args: ['k'] })).toBe('string');
    expect(formatClientReply('OK', { command: 'get', args: ['k'] })).toBe('"OK"');
  });

  test('prints rejections as errors and HGETALL objects as field/value pairs', () => {
    expect(
      formatClientReply(
        new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
        { command: 'get', isError: true },
      ),
    ).toBe('(error) WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(formatClientReply({ a: '1' }, { command: 'hgetall' })).toBe('1) "a"\n2) "1"');
  });

  test('reads exec() pairs and raw EXEC arrays alike', () => {
    const pairs = [[null, 'OK'], [new ReplyError('ERR value is not an integer or out of range')]];
    expect(formatClientReply(pairs, { command: 'exec' })).toBe(
      '1) "OK"\n2) (error) ERR value is not an integer or out of range',
    );
    expect(formatClientReply([1, ['a']], { command: 'exec' })).toBe('1) (integer) 1\n2) 1) "a"');
  });
});

describe(formatMonitorCommand, () => {
  test('prints the name bare and every argument quoted like redis-cli', () => {
    expect(formatMonitorCommand('SET', ['user:42', '{"id":42}'])).toBe(
      'SET "user:42" "{\\"id\\":42}"',
    );
    expect(quoteBytes('')).toBe('""');
  });
});
