/**
 * The built runner child started from its V8 startup snapshot (src/cli/child-snapshot.ts,
 * child-snapshot-cache.ts): it grades like the bundle, keeps the sandbox's isolation, and a
 * corrupted, foreign or planted blob never changes a verdict: the pool falls back to the bundle.
 * The child is bundled here as scripts/build-cli.mjs bundles it, and its blob built here.
 * Part of `npm run test:sandbox` (vitest.sandbox.config.ts): building a blob and starting
 * children from it takes real seconds of CPU.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnChild } from '../../src/cli/child-endpoint.ts';
import { buildPackagedSnapshot, childSnapshot } from '../../src/cli/child-snapshot-cache.ts';
import { createRunnerPool, type RunnerPool } from '../../src/cli/runner-pool.ts';
import { Supervisor } from '../../src/runner/supervisor.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lessonsDir = path.join(root, 'lessons');
const SES_CJS = path.join(root, 'node_modules/ses/dist/ses.cjs');
const LESSON = 'key-value-basics';
const MEMORY_MB = 384;
const solution = readFileSync(path.join(lessonsDir, '01-key-value-basics/solution.ts'), 'utf8');
const starter = readFileSync(path.join(lessonsDir, '01-key-value-basics/starter.ts'), 'utf8');

let work: string;
let entry: string;
let blob: string;
const pools: RunnerPool[] = [];

function buildBlob(heapMb: number, to: string): void {
  const built = spawnSync(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, '--snapshot-blob', to, '--build-snapshot', entry],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
  );
  if (built.status !== 0) throw new Error(`snapshot build failed: ${built.stderr}`);
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'cachelab-snapshot-'));
  const build = await rolldown({
    input: { 'runner-child': path.join(root, 'src/cli/child-snapshot.ts') },
    platform: 'node',
    cwd: root,
    resolve: {
      alias: {
        'cachelab/checks': path.join(root, 'src/runner/checks-api.ts'),
        // As scripts/build-cli.mjs bundles it: SES from ses.cjs beside it (src/cli/child-ses.ts).
        ses: path.join(root, 'src/cli/child-ses-shim.ts'),
      },
    },
    logLevel: 'silent',
  });
  try {
    await build.write({
      dir: path.join(work, 'dist'),
      format: 'cjs',
      entryFileNames: '[name].cjs',
      codeSplitting: false,
      banner: '"use strict";',
    });
  } finally {
    await build.close();
  }
  copyFileSync(SES_CJS, path.join(work, 'dist/ses.cjs'));
  entry = path.join(work, 'dist/runner-child.cjs');
  blob = path.join(work, 'child.blob');
  buildBlob(MEMORY_MB, blob);
}, 180_000);

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  rmSync(work, { recursive: true, force: true });
});

function poolFrom(
  snapshotBlob: string,
  rejected: string[],
  memoryMb = MEMORY_MB,
  hardTimeoutMs = 3000,
): RunnerPool {
  const pool = createRunnerPool({
    lessonsDir,
    childEntry: entry,
    childSnapshot: { blob: snapshotBlob, onRejected: (b) => rejected.push(b) },
    size: 1,
    memoryMb,
    hardTimeoutMs,
    startupTimeoutMs: 120_000,
  });
  pools.push(pool);
  return pool;
}

describe('a runner child started from its startup snapshot', () => {
  test('starts from the blob (not the bundle) and grades the solution and the starter', async () => {
    const child = spawnChild({
      entry,
      snapshotBlob: blob,
      config: { lessonsDir, checkTimeoutMs: 1000 },
      memoryMb: MEMORY_MB,
    });
    const supervisor = new Supervisor(child, { startupTimeoutMs: 120_000, hardTimeoutMs: 5000 });
    try {
      await supervisor.ready;
      const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toContain('--snapshot-blob');
      expect(cmdline).not.toContain(entry);
      expect((await supervisor.run(LESSON, solution)).passed).toBe(true);
      const failing = await supervisor.run(LESSON, starter);
      expect(failing.passed).toBe(false);
      expect(failing.error).toBeUndefined();
    } finally {
      supervisor.terminate();
    }
  }, 120_000);

  test('keeps the sandbox: no host file, a loop is a timeout, memory is memory, next run passes', async () => {
    const rejected: string[] = [];
    const pool = poolFrom(blob, rejected);
    const sentinel = path.join(work, 'escaped');
    const hostile = (body: string) =>
      solution.replace(
        /export async function saveUser\(([^)]*)\)([^{]*)\{/,
        (head) => `${head}\n${body}\n`,
      );
    // The control copy: the solution with the replacement applied and no trick passes.
    expect((await pool.run(LESSON, hostile(''))).passed).toBe(true);

    const escape = await pool.run(
      LESSON,
      hostile(
        `try { (globalThis as any).process.mainModule.require('fs').writeFileSync(${JSON.stringify(sentinel)}, 'x'); } catch {}
         try { Function('return process')().getBuiltinModule('fs').writeFileSync(${JSON.stringify(sentinel)}, 'x'); } catch {}`,
      ),
    );
    expect(existsSync(sentinel)).toBe(false);
    expect(escape.checks.some((c) => c.passed)).toBe(true);

    const loop = await pool.run(LESSON, hostile('while (true) {}'));
    expect(loop.passed).toBe(false);
    expect(loop.error?.kind).toBe('timeout');

    // Room to reach the memory limit before the deadline, also on a busy machine.
    const roomy = poolFrom(blob, rejected, MEMORY_MB, 25_000);
    const bomb = await roomy.run(
      LESSON,
      hostile('const a: any[] = []; for (;;) a.push(new Uint8Array(64e6).fill(1));'),
    );
    expect(bomb.passed).toBe(false);
    expect(bomb.error?.kind).toBe('memory');

    expect((await pool.run(LESSON, solution)).passed).toBe(true);
    expect((await roomy.run(LESSON, solution)).passed).toBe(true);
    expect(rejected).toEqual([]);
  }, 180_000);

  test('a corrupted blob costs one start-up: the pool falls back to the bundle, verdicts hold', async () => {
    const corrupted = path.join(work, 'corrupted.blob');
    copyFileSync(blob, corrupted);
    const bytes = readFileSync(corrupted);
    for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length / 2) + i]! ^= 0x5a;
    writeFileSync(corrupted, bytes);

    const rejected: string[] = [];
    const pool = poolFrom(corrupted, rejected);
    expect((await pool.run(LESSON, solution)).passed).toBe(true);
    expect((await pool.run(LESSON, starter)).passed).toBe(false);
    expect(rejected).toEqual([corrupted]);
    await expect(pool.ready()).resolves.toBeGreaterThan(0);

    // The control: the intact blob is never rejected.
    const intact: string[] = [];
    expect((await poolFrom(blob, intact).run(LESSON, solution)).passed).toBe(true);
    expect(intact).toEqual([]);
  }, 180_000);

  test('a blob built for other V8 flags (another heap size) is refused and replaced by the bundle', async () => {
    const rejected: string[] = [];
    const pool = poolFrom(blob, rejected, MEMORY_MB * 2);
    expect((await pool.run(LESSON, solution)).passed).toBe(true);
    expect(rejected).toEqual([blob]);
  }, 180_000);

  test('a file that is not a blob at all is refused the same way', async () => {
    const planted = path.join(work, 'planted.blob');
    writeFileSync(planted, 'console.log("not a snapshot")\n');
    const rejected: string[] = [];
    const pool = poolFrom(planted, rejected);
    expect((await pool.run(LESSON, starter)).passed).toBe(false);
    expect((await pool.run(LESSON, solution)).passed).toBe(true);
    expect(rejected).toEqual([planted]);
  }, 180_000);
});

describe(childSnapshot, () => {
  /** A dist-cli/ folder with a build record naming `entry`, and a cache folder. */
  function layout(name: string) {
    const built = path.join(work, name, 'dist');
    const cache = path.join(work, name, 'cache');
    mkdirSync(built, { recursive: true });
    copyFileSync(entry, path.join(built, 'runner-child.cjs'));
    copyFileSync(SES_CJS, path.join(built, 'ses.cjs'));
    const sha256 = createHash('sha256')
      .update(readFileSync(path.join(built, 'runner-child.cjs')))
      .digest('hex');
    writeFileSync(
      path.join(built, 'build.json'),
      JSON.stringify({ childSnapshot: { file: 'runner-child.cjs', sha256 } }),
    );
    const blobName = `runner-child-${sha256.slice(0, 16)}-node${process.versions.node}-${process.arch}-heap${MEMORY_MB}.blob`;
    const env = { CACHELAB_CACHE_DIR: cache };
    return { built, cache, blobPath: path.join(cache, blobName), env };
  }

  test('builds the blob in the background once, then hands it out', async () => {
    const { built, cache, blobPath, env } = layout('fresh');
    const first = childSnapshot(built, MEMORY_MB, env);
    expect(first?.blob).toBeUndefined();
    first!.buildInBackground();
    const deadline = Date.now() + 120_000;
    while (!existsSync(blobPath) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(readdirSync(cache).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
    expect(childSnapshot(built, MEMORY_MB, env)?.blob).toBe(blobPath);
    // Another heap size is another blob.
    expect(childSnapshot(built, MEMORY_MB * 2, env)?.blob).toBeUndefined();
    // Turned off.
    expect(childSnapshot(built, MEMORY_MB, { ...env, CACHELAB_SNAPSHOT: '0' })).toBeUndefined();
  }, 180_000);

  test('a blob built into the package at install time is used first, if no one else can write it', () => {
    const { built, cache, env } = layout('packaged');
    expect(buildPackagedSnapshot(built, MEMORY_MB)).toBe(true);
    const packaged = childSnapshot(built, MEMORY_MB, env)?.blob;
    expect(packaged).toBe(path.join(built, 'snapshot', path.basename(packaged ?? '')));
    expect(existsSync(packaged!)).toBe(true);
    expect(existsSync(cache)).toBe(false);
    // The control: a packaged blob anyone can write is not used.
    chmodSync(packaged!, 0o666);
    expect(childSnapshot(built, MEMORY_MB, env)?.blob).toBeUndefined();
  }, 120_000);

  test('ignores a blob others can write, a link in its place, or a shared cache folder', () => {
    const { built, cache, blobPath, env } = layout('trust');
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    chmodSync(cache, 0o700);
    copyFileSync(blob, blobPath);
    chmodSync(blobPath, 0o600);
    // The control: a private blob of this user is used.
    expect(childSnapshot(built, MEMORY_MB, env)?.blob).toBe(blobPath);

    chmodSync(blobPath, 0o666);
    expect(childSnapshot(built, MEMORY_MB, env)?.blob).toBeUndefined();
    chmodSync(blobPath, 0o600);

    chmodSync(cache, 0o777);
    expect(childSnapshot(built, MEMORY_MB, env)?.blob).toBeUndefined();
    chmodSync(cache, 0o700);

    rmSync(blobPath);
    symlinkSync(blob, blobPath);
    expect(childSnapshot(built, MEMORY_MB, env)?.blob).toBeUndefined();
  });

  test("building a new blob removes other builds' blobs over a week old, and only those", () => {
    const { built, cache, env } = layout('prune');
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    const old = path.join(cache, 'runner-child-0123456789abcdef-node0.0.0-x64-heap1.blob');
    const recent = path.join(cache, 'runner-child-fedcba9876543210-node0.0.0-x64-heap1.blob');
    const unrelated = path.join(cache, 'notes.txt');
    for (const file of [old, recent, unrelated]) writeFileSync(file, 'x');
    const weekAgo = (Date.now() - 8 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, weekAgo, weekAgo);
    utimesSync(unrelated, weekAgo, weekAgo);
    childSnapshot(built, MEMORY_MB, env)!.buildInBackground();
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });

  test('a build without a valid record has no snapshot', () => {
    const { built, env } = layout('record');
    writeFileSync(
      path.join(built, 'build.json'),
      JSON.stringify({ childSnapshot: { file: '../../etc/passwd', sha256: 'x' } }),
    );
    expect(childSnapshot(built, MEMORY_MB, env)).toBeUndefined();
    writeFileSync(path.join(built, 'build.json'), '{not json');
    expect(childSnapshot(built, MEMORY_MB, env)).toBeUndefined();
  });
});
