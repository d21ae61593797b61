// npm run build:cli (and `prepack`): bundles the CLI into dist-cli/ so the installed package
// runs plain JavaScript, with no TypeScript transpiling of its own sources at start-up:
//
//   dist-cli/cachelab.mjs      the CLI (src/cli/main.ts), run by bin/cachelab.cjs
//   dist-cli/prestart.cjs      starts a one-file grade's runner child before the CLI loads: one
//                              CommonJS file, so the bin spawns the child after reading one file
//                              instead of resolving and linking a graph of ES modules first
//   dist-cli/runner-child.cjs  a runner child process (src/cli/child-snapshot.ts), one CommonJS
//                              file: run as it is, or as the entry of the child's startup snapshot
//                              (`node --build-snapshot` needs one script); the blob itself is
//                              built on the user's machine (src/cli/child-snapshot-cache.ts).
//                              Characters above U+00FF are written as escapes, so V8 keeps its
//                              source one-byte (scripts/one-byte-source.mjs)
//   dist-cli/ses.cjs           SES for that child, evaluated from a code cache (src/cli/child-ses.ts)
//   dist-cli/install-snapshot.mjs  builds that blob when the package is installed (postinstall)
//   dist-cli/chunk-*.mjs       the CLI's lazily loaded commands (grade, verify, cli, new)
//
// Dependencies are bundled too (ioredis-mock, ses, sucrase, zod, yaml, chai, ioredis), so the
// installed package needs nothing from the registry and starts by reading a few files instead of
// resolving hundreds of modules. Lesson checks.ts files are still TypeScript: the runner child
// transpiles each with sucrase when it loads it (src/cli/load-checks.ts).
import { createHash } from 'node:crypto';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { oneByteSource } from './one-byte-source.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--out <dir>` builds elsewhere (benchmarks of a change, without touching the shared dist-cli/).
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(root, 'dist-cli');
const started = performance.now();

await rm(out, { recursive: true, force: true });

/** Bundles one entry into dist-cli/ (`alias`: more module aliases for this entry). */
async function bundle(input, output = {}, alias = {}) {
  const build = await rolldown({
    input,
    platform: 'node',
    cwd: root,
    resolve: {
      alias: {
        'cachelab/checks': path.join(root, 'src/runner/checks-api.ts'),
        ...alias,
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

// The child is its own bundle with no chunks shared with the CLI: it must load in one read, and
// its order (ioredis-mock, then lockdown, then the runner modules) must hold. CommonJS, because a
// snapshot entry is a script; strict, because SES refuses sloppy mode; its dynamic imports are
// inlined as modules evaluated when first imported.
// Its `import 'ses'` is SES's own single-file build beside it (ses.cjs, what `require('ses')`
// loads), evaluated from a V8 code cache kept in the child's snapshot (src/cli/child-ses.ts).
await bundle(
  { 'runner-child': 'src/cli/child-snapshot.ts' },
  { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false, banner: '"use strict";' },
  { ses: path.join(root, 'src/cli/child-ses-shim.ts') },
);
await copyFile(createRequire(import.meta.url).resolve('ses'), path.join(out, 'ses.cjs'));
// One-byte source (scripts/one-byte-source.mjs): the child's source lives in every child's startup
// snapshot, and V8 holds it as a two-byte string if a single character is above U+00FF.
const childFile = path.join(out, 'runner-child.cjs');
const child = oneByteSource(await readFile(childFile, 'utf8'));
if (child.reason)
  console.error(`build-cli: runner-child.cjs keeps two-byte characters (${child.reason})`);
await writeFile(childFile, child.source);
// Run by bin/postinstall.mjs: builds the child's startup snapshot into dist-cli/snapshot/ when
// the package is installed (src/cli/child-snapshot-install.ts).
await bundle({ 'install-snapshot': 'src/cli/child-snapshot-install.ts' }, { codeSplitting: false });
// Run by the bin before anything else of a one-file grade: it spawns the runner child, then the
// bin loads the CLI. Its modules are copies of the CLI's; the two share nothing but the timing
// marks (grade-timing.ts keeps them on the global object) and the child they hand over.
await bundle(
  { prestart: 'src/cli/prestart.ts' },
  { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
);
// Modules run in source order across chunks: without it, a module that imports a fengari
// internal (src/redis/lua/lua51-numbers.ts) could run before `fengari` itself had loaded, and
// `cachelab cli` died on fengari's circular requires ("lobject.TValue is not a constructor").
await bundle({ cachelab: 'src/cli/main.ts' }, { strictExecutionOrder: true });

// A marker the bin checks, so a half-written build is never run. The snapshot entry's hash (with
// the SES file its snapshot holds) names its blobs in the cache, so a blob of another build is
// never used.
const snapshotEntry = await readFile(path.join(out, 'runner-child.cjs'));
const record = {
  builtAt: new Date().toISOString(),
  childSnapshot: {
    file: 'runner-child.cjs',
    sha256: createHash('sha256')
      .update(snapshotEntry)
      .update(await readFile(path.join(out, 'ses.cjs')))
      .digest('hex'),
  },
};
await writeFile(path.join(out, 'build.json'), `${JSON.stringify(record, null, 2)}\n`);
console.error(`dist-cli/ built in ${Math.round(performance.now() - started)} ms`);
