/**
 * The runner child's startup snapshot (child-snapshot.ts): a V8 heap with ioredis-mock, fengari,
 * sucrase, zod and chai already loaded, so a child starts by deserializing it instead of
 * compiling and evaluating 2.9 MB of JavaScript. A blob only works with the Node binary and V8
 * flags that built it, so it is not shipped: the first `grade` of an installed package builds it
 * in the background into a per-user cache folder, and later runs use it.
 *
 * The cache is hostile input too. A blob is used only when its name matches this build's child
 * bundle hash, this Node version and architecture and the child's heap flag, and when it and its
 * folder belong to this user and nobody else can write them. V8 verifies a blob's checksum as it
 * loads it and refuses a blob built for other flags, so a corrupted or foreign blob makes the
 * child exit before it is ready: the pool then starts plain children for the rest of the run
 * and deletes the blob (runner-pool.ts), and the verdict comes from a child that loaded the
 * bundle itself. Someone who can write this user's cache can also rewrite the installed package;
 * the checks above keep out everyone else.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** How long a build may hold its lock before another process may start one again. */
const LOCK_STALE_MS = 120_000;

/** What build-cli.mjs records about the snapshot entry in dist-cli/build.json. */
interface BuildRecord {
  childSnapshot?: { file: string; sha256: string };
}

function readBuildRecord(builtDir: string): { file: string; sha256: string } | undefined {
  try {
    const record = JSON.parse(readFileSync(path.join(builtDir, 'build.json'), 'utf8')) as unknown;
    const entry = (record as BuildRecord | null)?.childSnapshot;
    if (
      typeof entry?.file === 'string' &&
      /^[\w.-]+\.cjs$/.test(entry.file) &&
      typeof entry.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(entry.sha256)
    )
      return entry;
  } catch {
    // no record: a build without the snapshot entry
  }
  return undefined;
}

/** The per-user cache folder: CACHELAB_CACHE_DIR, else $XDG_CACHE_HOME/cachelab, else ~/.cache/cachelab. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CACHELAB_CACHE_DIR) return path.resolve(env.CACHELAB_CACHE_DIR);
  const base = env.XDG_CACHE_HOME
    ? path.resolve(env.XDG_CACHE_HOME)
    : path.join(homedir(), '.cache');
  return path.join(base, 'cachelab');
}

/** True when `file` is a real file or folder (no link) of this user that no one else can write. */
function ownedAndPrivate(file: string, kind: 'file' | 'dir'): boolean {
  try {
    const info = lstatSync(file);
    if (kind === 'file' ? !info.isFile() : !info.isDirectory()) return false;
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) return false;
    return (info.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * True when `file` is a real file (no link) in a real folder, both written only by this user or
 * root: the package's own folder, trusted like the code next to it.
 */
function packagedAndSealed(file: string): boolean {
  const uid = process.getuid?.();
  for (const [target, kind] of [
    [path.dirname(file), 'dir'],
    [file, 'file'],
  ] as const) {
    try {
      const info = lstatSync(target);
      if (kind === 'file' ? !info.isFile() : !info.isDirectory()) return false;
      if (uid !== undefined && info.uid !== uid && info.uid !== 0) return false;
      if ((info.mode & 0o022) !== 0) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function blobName(record: { sha256: string }, heapMb: number): string {
  return `runner-child-${record.sha256.slice(0, 16)}-node${process.versions.node}-${process.arch}-heap${heapMb}`;
}

/** Where the package keeps a blob built when it was installed (bin/postinstall.mjs). */
function packagedBlob(builtDir: string, name: string): string {
  return path.join(builtDir, 'snapshot', `${name}.blob`);
}

/**
 * Builds the blob into the package's own dist-cli/snapshot/ now (npm's postinstall of the
 * installed package), so that even the first `grade` of a fresh install, as on every CI machine,
 * starts its children from it. Best effort: returns false when it could not, and the first run
 * then builds one in the per-user cache instead.
 */
export function buildPackagedSnapshot(builtDir: string, heapMb: number): boolean {
  const record = readBuildRecord(builtDir);
  if (!record) return false;
  const target = packagedBlob(builtDir, blobName(record, heapMb));
  const temp = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    const built = spawnSync(
      process.execPath,
      [
        `--max-old-space-size=${heapMb}`,
        '--snapshot-blob',
        temp,
        '--build-snapshot',
        path.join(builtDir, record.file),
      ],
      { stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_OPTIONS: '' } },
    );
    if (built.status !== 0) throw new Error('the snapshot build failed');
    chmodSync(temp, 0o644);
    renameSync(temp, target);
    return true;
  } catch {
    rmSync(temp, { force: true });
    return false;
  }
}

/** A usable blob, or how to make one. */
export interface ChildSnapshot {
  /** The blob to start children from, when a trusted one exists. */
  blob?: string;
  /** Starts building the blob in a detached background process (once), when none exists yet. */
  buildInBackground(): void;
  /** Forgets a blob that a child could not start from, so the next run builds a new one. */
  reject(blob: string): void;
}

/**
 * The snapshot for children of the build in `builtDir` started with a heap of `heapMb`, or
 * undefined when this build has no snapshot entry or CACHELAB_SNAPSHOT=0.
 */
export function childSnapshot(
  builtDir: string,
  heapMb: number,
  env: NodeJS.ProcessEnv = process.env,
): ChildSnapshot | undefined {
  if (env.CACHELAB_SNAPSHOT === '0') return undefined;
  const record = readBuildRecord(builtDir);
  if (!record) return undefined;
  const dir = cacheDir(env);
  const name = blobName(record, heapMb);
  const packaged = packagedBlob(builtDir, name);
  const cached = path.join(dir, `${name}.blob`);
  const blob = packagedAndSealed(packaged)
    ? packaged
    : ownedAndPrivate(dir, 'dir') && ownedAndPrivate(cached, 'file')
      ? cached
      : undefined;
  const trusted = blob !== undefined;
  let started = false;
  return {
    ...(blob !== undefined ? { blob } : {}),
    buildInBackground() {
      if (started || trusted) return;
      started = true;
      startBuild(path.join(builtDir, record.file), dir, name, heapMb);
    },
    reject(rejected) {
      try {
        unlinkSync(rejected);
      } catch {
        // already gone, or not ours to remove: it is not used again in this process anyway
      }
    },
  };
}

/** Blobs of other builds or Node versions this old are removed when a new blob is built. */
const PRUNE_AFTER_MS = 7 * 24 * 3600 * 1000;

/** Removes other builds' blobs (each ~13 MB) that are over a week old: a cache, not an archive. */
function pruneOldBlobs(dir: string, keep: string): void {
  for (const file of readdirSync(dir)) {
    if (!/^runner-child-[\w.-]+\.(blob|failed)$/.test(file) || file.startsWith(`${keep}.`))
      continue;
    const full = path.join(dir, file);
    try {
      if (Date.now() - lstatSync(full).mtimeMs > PRUNE_AFTER_MS) unlinkSync(full);
    } catch {
      // removed by another process meanwhile
    }
  }
}

function startBuild(entry: string, dir: string, name: string, heapMb: number): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownedAndPrivate(dir, 'dir')) return;
    const lock = path.join(dir, `${name}.lock`);
    const failed = path.join(dir, `${name}.failed`);
    // A build that failed once (an old Node without snapshots) would fail on every run.
    if (ownedAndPrivate(failed, 'file')) return;
    try {
      closeSync(openSync(lock, 'wx', 0o600));
    } catch {
      // Another process is building it, unless its lock is stale.
      if (Date.now() - statSync(lock).mtimeMs < LOCK_STALE_MS) return;
    }
    pruneOldBlobs(dir, name);
    const temp = path.join(dir, `${name}.${process.pid}.tmp`);
    // Written under a temporary name and renamed, so no process ever sees half a blob. The
    // heap flag is part of the blob: V8 refuses a blob built with other flags.
    const script =
      '"$0" --max-old-space-size="$1" --snapshot-blob "$2" --build-snapshot "$3" ' +
      '&& chmod 600 "$2" && mv -f "$2" "$4" || { rm -f "$2"; : > "$5"; }; rm -f "$6"';
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        script,
        process.execPath,
        String(heapMb),
        temp,
        entry,
        path.join(dir, `${name}.blob`),
        failed,
        lock,
      ],
      {
        detached: true,
        stdio: 'ignore',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_OPTIONS: '' },
      },
    );
    child.on('error', () => {});
    child.unref();
  } catch {
    // No cache folder (a read-only home): children start from the bundle, as without a snapshot.
  }
}
