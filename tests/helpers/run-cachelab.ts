import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where `bin/cachelab.mjs` and `lessons/` live. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The CLI entry point, for tests that drive a long-running process themselves. */
export const cachelabBin = path.join(repoRoot, 'bin/cachelab.mjs');

/** What one `cachelab` process printed and how it exited. */
export interface CliResult {
  /** The exit code, or null when killed by a signal. */
  code: number | null;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
}

/** Runs `node bin/cachelab.mjs ...args` from the repo root, as `npx cachelab` would. */
export function runCachelab(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cachelabBin, ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
