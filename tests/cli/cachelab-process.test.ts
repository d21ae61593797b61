/**
 * `cachelab` as a process, as `npx cachelab` runs it: the bin, its exit codes as the shell sees
 * them, stdout/stderr. Kept to a few runs, since each starts Node, the TypeScript hooks and a
 * runner child; everything else is tested in-process (cachelab-cli.test.ts). Hostile code run
 * through the process (memory, time) is sandbox-node.test.ts's. The packed, installed package
 * is tested by `npm run test:pack`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { withDownloadHeader } from '../../src/progress/download-header.ts';
import { repoRoot, runCachelab, runCachelabIn } from '../helpers/run-cachelab.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'cachelab-process-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.concurrent('the cachelab bin', () => {
  test('--help exits 0; an unknown command exits 2 with the message on stderr', async () => {
    // Two processes at once: each spends its time starting Node and the TypeScript hooks.
    const [help, bad] = await Promise.all([runCachelab('--help'), runCachelab('frobnicate')]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^cachelab: an interactive Redis course/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('cachelab: unknown command "frobnicate". Run cachelab --help.\n');
  }, 60_000);

  test('grades a downloaded file from another folder, exit 0, JSON on stdout', async () => {
    const solution = readFileSync(
      path.join(repoRoot, 'lessons/01-key-value-basics/solution.ts'),
      'utf8',
    );
    writeFileSync(path.join(scratch, 'mine.ts'), withDownloadHeader(solution, 'key-value-basics'));
    const { code, stdout, stderr } = await runCachelabIn(scratch, 'grade', 'mine.ts', '--json');
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ lesson: 'key-value-basics', passed: true });
    expect(code).toBe(0);
  }, 60_000);
});
