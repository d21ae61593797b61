// npm run build:cli (and `prepack`): bundles the CLI into dist-cli/ so the installed package
// runs plain JavaScript, with no TypeScript transpiling of its own sources at start-up:
//
//   dist-cli/cachelab.mjs      the CLI (src/cli/main.ts), run by bin/cachelab.mjs
//   dist-cli/runner-child.mjs  a runner child process (src/cli/runner-child.ts), one file
//   dist-cli/chunk-*.mjs       the CLI's lazily loaded commands (grade, verify, cli, new)
//
// Dependencies are bundled too (ioredis-mock, ses, sucrase, zod, yaml, chai, ioredis), so the
// installed package needs nothing from the registry and starts by reading a few files instead of
// resolving hundreds of modules. Lesson checks.ts files are still TypeScript: the runner child
// transpiles each with sucrase when it loads it (src/cli/load-checks.ts).
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist-cli');
const started = performance.now();

await rm(out, { recursive: true, force: true });

/** Bundles one entry into dist-cli/. */
async function bundle(input, output = {}) {
  const build = await rolldown({
    input,
    platform: 'node',
    cwd: root,
    resolve: {
      alias: {
        'cachelab/checks': path.join(root, 'src/runner/checks-api.ts'),
      },
    },
    logLevel: 'warn',
  });
  try {
    await build.write({
      dir: out,
      format: 'esm',
      entryFileNames: '[name].mjs',
      chunkFileNames: 'chunk-[hash].mjs',
      ...output,
    });
  } finally {
    await build.close();
  }
}

// The child is its own bundle with no dynamic chunks shared with the CLI: it must load in one
// read, and its module order (ioredis-mock, then lockdown, then the runner) must hold.
await bundle({ 'runner-child': 'src/cli/runner-child.ts' }, { codeSplitting: false });
await bundle({ cachelab: 'src/cli/main.ts' });

// A marker the bin checks, so a half-written build is never run.
await writeFile(
  path.join(out, 'build.json'),
  `${JSON.stringify({ builtAt: new Date().toISOString() }, null, 2)}\n`,
);
console.error(`dist-cli/ built in ${Math.round(performance.now() - started)} ms`);
