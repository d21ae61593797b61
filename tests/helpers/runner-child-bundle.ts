/**
 * Builds the runner child (src/cli/runner-child.ts) into one JavaScript file, as
 * scripts/build-cli.mjs does for the package, so host tests start children in about a second
 * instead of transpiling every TypeScript module through the loader hooks in each child.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { inject } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Bundles the child into `outDir` and returns the entry's path. */
export async function buildRunnerChild(outDir: string): Promise<string> {
  const build = await rolldown({
    input: { 'runner-child': path.join(root, 'src/cli/runner-child.ts') },
    platform: 'node',
    cwd: root,
    resolve: { alias: { 'cachelab/checks': path.join(root, 'src/runner/checks-api.ts') } },
    logLevel: 'silent',
  });
  try {
    await build.write({
      dir: outDir,
      format: 'esm',
      entryFileNames: '[name].mjs',
      codeSplitting: false,
    });
  } finally {
    await build.close();
  }
  return path.join(outDir, 'runner-child.mjs');
}

/**
 * The runner child bundle that tests/helpers/global-setup.ts built for this test run, so a test
 * file that starts children never pays for transpiling the child's sources in each of them.
 */
export function runnerChildEntry(): string {
  const entry = inject('runnerChildEntry');
  if (!entry) throw new Error('No runner child bundle: run the tests through vite.config.ts.');
  return entry;
}
