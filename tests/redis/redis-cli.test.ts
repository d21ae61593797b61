import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { completeCommand, runRedisCli } from '../../src/cli/redis-cli.ts';

async function cli(
  args: string[],
  input = '',
  isTTY = false,
): Promise<{ code: number; out: string; err: string }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  stdin.end(input);
  const code = await runRedisCli(args, { stdin, stdout, stderr, isTTY });
  return { code, out, err };
}

describe(runRedisCli, () => {
  test('piped stdin runs one command per line and prints replies as redis-cli --no-raw', async () => {
    const input = [
      'SET greeting hello',
      'GET greeting',
      'INCR greeting',
      'GET nope',
      'RPUSH l a b',
      'LRANGE l 0 -1',
      '',
    ].join('\n');
    const { code, out } = await cli([], input);
    expect(code).toBe(0);
    expect(out).toBe(
      [
        'OK',
        '"hello"',
        '(error) ERR value is not an integer or out of range',
        '(nil)',
        '(integer) 2',
        '1) "a"',
        '2) "b"',
        '',
      ].join('\n'),
    );
  });

  test('prints QUEUED inside MULTI and the results on EXEC', async () => {
    const { out } = await cli(['--no-raw'], 'MULTI\nSET a 1\nINCR a\nEXEC\n');
    expect(out).toBe('OK\nQUEUED\nQUEUED\n1) OK\n2) (integer) 2\n');
  });

  test('reports unbalanced quotes, skips blank lines, repeats with a count, stops at QUIT', async () => {
    const { out } = await cli([], 'SET "open v\n\n3 INCR n\nQUIT\nGET n\n');
    expect(out).toBe('Invalid argument(s)\n(integer) 1\n(integer) 2\n(integer) 3\n');
  });

  test('HELP prints the generated syntax and summary', async () => {
    const { out } = await cli([], 'HELP SET\n');
    expect(out).toContain(
      '  SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]',
    );
    expect(out).toContain('  summary: Set the string value of a key');
  });

  test('runs a single command given as arguments', async () => {
    const { out } = await cli(['ECHO', 'a "b"']);
    expect(out).toBe('"a \\"b\\""\n');
  });

  test('rejects unknown options with usage on stderr', async () => {
    const { code, err } = await cli(['--raw']);
    expect(code).toBe(1);
    expect(err).toContain('Unrecognized option: --raw');
  });

  test('interactive mode prompts, shows the database and (TX) inside MULTI', async () => {
    const { out } = await cli([], 'SELECT 2\nMULTI\nPING\nEXEC\n', true);
    expect(out).toContain('cachelab> ');
    expect(out).toContain('cachelab[2]> ');
    expect(out).toContain('cachelab[2](TX)> ');
    expect(out).toContain('1) PONG');
  });

  test('tab completes command names from the generated docs', () => {
    expect(completeCommand('hgeta')).toEqual([['HGETALL'], 'hgeta']);
    expect(completeCommand('GET k')).toEqual([[], 'GET k']);
  });
});
