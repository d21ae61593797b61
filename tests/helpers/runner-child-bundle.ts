/**
 * Builds the runner child (src/cli/runner-child.ts) into one JavaScript file, as
 * scripts/build-cli.mjs does for the package, so host tests start children in about a second
 * instead of transpiling every TypeScript module through the loader hooks in each child.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown, VERSION as ROLLDOWN_VERSION } from 'rolldown';
import { inject } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Bundles the child into `outDir` and returns the entry's path and the files it was built from. */
async function build(outDir: string): Promise<{ entry: string; inputs: string[] }> {
  const bundle = await rolldown({
    input: { 'runner-child': path.join(root, 'src/cli/runner-child.ts') },
    platform: 'node',
    cwd: root,
    resolve: { alias: { 'cachelab/checks': path.join(root, 'src/runner/checks-api.ts') } },
    logLevel: 'silent',
  });
  try {
    const { output } = await bundle.write({
      dir: outDir,
      format: 'esm',
      entryFileNames: '[name].mjs',
      codeSplitting: false,
    });
    const inputs = output.flatMap((chunk) =>
      chunk.type === 'chunk'
        ? Object.keys(chunk.modules).filter((id) => path.isAbsolute(id) && existsSync(id))
        : [],
    );
    return { entry: path.join(outDir, 'runner-child.mjs'), inputs };
  } finally {
    await bundle.close();
  }
}

/** Bundles the child into `outDir` and returns the entry's path. */
export async function buildRunnerChild(outDir: string): Promise<string> {
  return (await build(outDir)).entry;
}

/** What a cached bundle was built from: the files and their hashes, and how. */
interface Manifest {
  recipe: string;
  inputs: Record<string, string>;
  entry: string;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * Node, rolldown, this builder and the checkout: a change in any of them is a different build.
 * The checkout too, because a second clone that shares this node_modules (a symlink) would
 * otherwise take a bundle built from the first clone's sources while those still match.
 */
const recipe = () =>
  JSON.stringify([process.version, ROLLDOWN_VERSION, sha256(fileURLToPath(import.meta.url)), root]);

/**
 * The child bundle from `cacheDir` when every file it was built from (sources and dependencies,
 * as the bundler listed them) still has the same content, else a fresh build stored there. A
 * build takes about two seconds of CPU at the start of every test run, before any file can
 * start; checking the hashes takes a tenth of that. A source edit always rebuilds: a new import
 * can only come from an edited file. Builds are written to folders of their own and the manifest
 * is replaced atomically, so concurrent runs never see half a bundle.
 */
export async function cachedRunnerChild(cacheDir: string): Promise<string> {
  const manifestFile = path.join(cacheDir, 'manifest.json');
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const fresh =
      manifest.recipe === recipe() &&
      existsSync(manifest.entry) &&
      Object.entries(manifest.inputs).every(
        ([file, hash]) => existsSync(file) && sha256(file) === hash,
      );
    if (fresh) return manifest.entry;
  } catch {
    // No manifest yet, or an unreadable one: build.
  }
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(path.join(cacheDir, 'build-'));
  const { entry, inputs } = await build(outDir);
  const manifest: Manifest = {
    recipe: recipe(),
    inputs: Object.fromEntries(inputs.map((file) => [file, sha256(file)])),
    entry,
  };
  const temporary = `${manifestFile}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(manifest));
  renameSync(temporary, manifestFile);
  // Older builds may still be in use by a concurrent run for a while; an hour is plenty.
  for (const name of readdirSync(cacheDir)) {
    const dir = path.join(cacheDir, name);
    if (name.startsWith('build-') && dir !== outDir && statSync(dir).mtimeMs < Date.now() - 3.6e6)
      rmSync(dir, { recursive: true, force: true });
  }
  return entry;
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
