/**
 * SES in the built runner child, compiled from a V8 code cache.
 *
 * SES cannot be in the child's startup snapshot (child-snapshot.ts), so every child evaluates it
 * after deserializing and then calls `lockdown()`; from the bundle, V8 compiled each SES function
 * lazily as it was first called. With V8's code cache of SES, `lockdown()` took about 7 ms less
 * in a child (27 → 20 ms, median of 20, interleaved, 2026-12-01; evaluating SES itself took the
 * same 25 ms either way), on the critical path of a one-file grade. The build
 * (scripts/build-cli.mjs) therefore ships SES's own single-file build (`ses/dist/ses.cjs`, the
 * file `require('ses')` loads) next to the child and points the bundle's `import 'ses'` at
 * child-ses-shim.ts, which evaluates that file here with `vm.Script`. While the snapshot is built,
 * a separate process (the same bundle, started with SES_CACHE_ARG) loads SES, locks down and runs
 * the warm-up self-test, then hands back V8's code cache of SES as it was then compiled; the
 * snapshot keeps the source and that cache in its heap, so a child compiles nothing of SES.
 *
 * Nothing here changes what SES does: the same SES release (its published single-file build
 * instead of its ES modules) is evaluated in the same realm, before any other runner module, and
 * `lockdown()` is still called by harden.ts with its own options. V8
 * refuses a cache made by another V8 or with other flags (the child then compiles SES from the
 * source, as slowly as before), and the source and cache come from the snapshot, which is
 * trusted like the bundle (child-snapshot-cache.ts); the blob's name carries the hash of the
 * bundle and of ses.cjs (build.json), so a cache is only ever used with the source it was made
 * from (V8 itself checks only the source's length).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';

/** The argument that makes the built child write SES's code cache to stdout instead of serving runs. */
export const SES_CACHE_ARG = '--cachelab-ses-code-cache';
/** SES's file next to the built child (copied there by scripts/build-cli.mjs). */
export const SES_FILE = 'ses.cjs';

let source: string | undefined;
let cachedData: Buffer | undefined;
let script: Script | undefined;

/** The SES file beside the running bundle (dist-cli/ses.cjs). */
function besideBundle(): string {
  return path.join(path.dirname(path.resolve(process.argv[1] ?? '.')), SES_FILE);
}

/**
 * Reads SES's source from `file` now (while a snapshot is built: the source then lives in its
 * heap), with the code cache `loadSes` will offer V8.
 */
export function prepareSes(file: string, codeCache?: Uint8Array): void {
  source = readFileSync(file, 'utf8');
  // A copy that owns its memory: a Buffer from a pool or a pipe is not kept whole by a snapshot.
  cachedData = codeCache && codeCache.length > 0 ? Buffer.from(codeCache) : undefined;
}

/** Evaluates SES in this realm once (lockdown, harden, Compartment as globals). */
export function loadSes(): void {
  if (script) return;
  source ??= readFileSync(besideBundle(), 'utf8');
  script = new Script(source, {
    filename: SES_FILE,
    ...(cachedData ? { cachedData } : {}),
  });
  script.runInThisContext();
}

/** Whether V8 refused the code cache it was offered (undefined: none offered, or SES not loaded). */
export function sesCacheRejected(): boolean | undefined {
  return script?.cachedDataRejected;
}

/** V8's code cache of SES, with every function this process has compiled so far. */
export function sesCodeCache(): Buffer {
  if (!script) throw new Error('SES was not loaded by loadSes()');
  return script.createCachedData();
}
