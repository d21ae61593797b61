/**
 * The second corpus, as redis-cli text: cli-corpus.redis piped into `redis-cli --no-raw` (against
 * the real server) and into `cachelab cli` (runRedisCli over the sandbox) must print the same
 * lines. Covers quoting, escapes, non-ASCII bytes, nested arrays, QUEUED and errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { runRedisCli } from '../../src/cli/redis-cli.ts';

const REDIS_URL = process.env.REDIS_URL;
const corpusText = readFileSync(new URL('./cli-corpus.redis', import.meta.url), 'utf8');

async function cachelabCli(input: string): Promise<string> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (d) => (out += d));
  stdin.end(input);
  const code = await runRedisCli(['--no-raw'], { stdin, stdout, stderr, isTTY: false });
  expect(code).toBe(0);
  return out;
}

describe.runIf(REDIS_URL)('cachelab cli against redis-cli --no-raw', () => {
  test('prints every reply of the redis-cli corpus exactly as redis-cli does', async () => {
    const redisCli = spawnSync('redis-cli', ['-u', REDIS_URL!, '--no-raw'], {
      input: corpusText,
      encoding: 'utf8',
    });
    if (redisCli.error)
      throw new Error(
        `redis-cli could not run (it ships with redis-tools): ${redisCli.error.message}`,
      );
    spawnSync('redis-cli', ['-u', REDIS_URL!, 'FLUSHALL'], { encoding: 'utf8' });
    const expected = redisCli.stdout.split('\n');
    const actual = (await cachelabCli(corpusText)).split('\n');
    const lines = Math.max(expected.length, actual.length);
    let identical = 0;
    const diffs: string[] = [];
    for (let i = 0; i < lines; i++) {
      if (expected[i] === actual[i]) identical++;
      else
        diffs.push(`output line ${i + 1}\n  redis-cli: ${expected[i]}\n  cachelab:  ${actual[i]}`);
    }
    const commands = corpusText.split('\n').filter((l) => l.trim() !== '').length;
    const path = new URL('../../bench-results/fidelity.json', import.meta.url);
    mkdirSync(new URL('.', path), { recursive: true });
    let previous: Record<string, unknown> = {};
    try {
      previous = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      // first run
    }
    const cli = {
      commands,
      outputLines: lines,
      identicalLines: identical,
      matchRate: Number((identical / lines).toFixed(4)),
    };
    writeFileSync(path, JSON.stringify({ ...previous, cli }, null, 2) + '\n');
    console.log(
      `cachelab cli vs redis-cli: ${identical}/${lines} output lines identical (${commands} commands)`,
    );
    expect(diffs, diffs.join('\n')).toEqual([]);
  });
});
