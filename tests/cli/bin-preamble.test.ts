/**
 * The shell preamble of bin/cachelab.cjs: run as a command, as npm's bin link runs it, `grade`
 * starts without NODE_EXTRA_CA_CERTS (Node would spend ~100 ms parsing that bundle before any
 * JavaScript), and every other command keeps it. Node warns at start-up when the variable names
 * a file it cannot read, so a missing file shows whether the process was started with it.
 */
import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../helpers/run-cachelab.ts';

const BIN = `${repoRoot}/bin/cachelab.cjs`;
const CA_WARNING = /Ignoring extra certs from `\/nonexistent-cachelab-ca\.pem`/;

/** Runs `command ...args` with NODE_EXTRA_CA_CERTS naming a missing file; resolves its stderr. */
function stderrOf(
  command: string,
  args: string[],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent-cachelab-ca.pem' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe.concurrent('the bin run as a command', () => {
  test('grade starts without NODE_EXTRA_CA_CERTS', async () => {
    const run = await stderrOf(BIN, ['grade', '--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(CA_WARNING);
  }, 60_000);

  test('control: the same grade run with `node <bin>` (no preamble) does read it', async () => {
    const run = await stderrOf(process.execPath, [BIN, 'grade', '--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(CA_WARNING);
  }, 60_000);

  test('every other command keeps it (verify --redis rediss:// may need it)', async () => {
    const run = await stderrOf(BIN, ['verify', '--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(CA_WARNING);
  }, 60_000);
});
