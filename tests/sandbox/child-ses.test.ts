/**
 * src/cli/child-ses.ts: the built runner child evaluates SES's own build from a V8 code cache
 * made by another process (the snapshot build's). Each case runs in fresh Node processes, since
 * loading SES changes the realm for good. The controls show the cache is really what is used: a
 * damaged cache, or one made under other V8 flags, is refused, and SES then still loads and
 * locks down from its source, as a child without a cache does. Part of `npm run test:sandbox`
 * (six Node start-ups); tests/sandbox/runner-pool-snapshot.test.ts builds and attacks the
 * snapshot child that loads SES this way.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadSes } from '../../src/cli/child-ses.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SES = createRequire(import.meta.url).resolve('ses');
const MODULE = pathToFileURL(path.join(root, 'src/cli/child-ses.ts')).href;
const HOOKS = path.join(root, 'bin/register-ts.mjs');
// What the built child sets only once SES is loaded (child-snapshot.ts): a control below makes a
// cache under it, which a process loading SES under the default flags must refuse.
const LATER_FLAGS =
  "(await import('node:v8')).setFlagsFromString('--no-lazy-feedback-allocation');";

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'cachelab-ses-cache-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `body` as an ES module in a new Node process (TypeScript hooks on); its stdout as JSON. */
function inNode(body: string): unknown {
  const run = spawnSync(process.execPath, ['--import', HOOKS, '--input-type=module', '-e', body], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`node exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown;
}

/** Makes a code cache as the snapshot build does: SES loaded, the realm locked down and used. */
function makeCache(file: string, flags = ''): void {
  inNode(`${flags}
    const ses = await import(${JSON.stringify(MODULE)});
    ses.prepareSes(${JSON.stringify(SES)});
    ses.loadSes();
    lockdown({ errorTaming: 'unsafe', consoleTaming: 'unsafe', reporting: 'none' });
    harden(class Shape { method() {} });
    new Compartment({ globals: {}, __options__: true }).evaluate('[1, 2].map((n) => n * 2)');
    (await import('node:fs')).writeFileSync(${JSON.stringify(file)}, ses.sesCodeCache());
    console.log('null');`);
}

/** Loads SES in a child's way with the cache in `file`; what V8 said of it and what SES did. */
function loadWithCache(file: string): { before: string; rejected: unknown; frozen: boolean } {
  return inNode(`
    const ses = await import(${JSON.stringify(MODULE)});
    ses.prepareSes(${JSON.stringify(SES)}, (await import('node:fs')).readFileSync(${JSON.stringify(file)}));
    const before = typeof lockdown;
    ses.loadSes();
    const rejected = ses.sesCacheRejected();
    lockdown({ errorTaming: 'unsafe', consoleTaming: 'unsafe', reporting: 'none' });
    const evaluated = new Compartment({ globals: {}, __options__: true }).evaluate('[1, 2].map((n) => n * 2)');
    console.log(JSON.stringify({ before, rejected, frozen: Object.isFrozen(Object.prototype) && evaluated.length === 2 }));`) as {
    before: string;
    rejected: unknown;
    frozen: boolean;
  };
}

describe(loadSes, () => {
  test('a code cache made by another process after lockdown is accepted, and SES locks the realm down', () => {
    const cache = path.join(work, 'ses.cache');
    makeCache(cache);
    expect(readFileSync(cache).length).toBeGreaterThan(100_000);
    // SES is not in the realm until loadSes evaluates it.
    expect(loadWithCache(cache)).toEqual({ before: 'undefined', rejected: false, frozen: true });
  }, 60_000);

  test('a damaged cache is refused and SES compiles from its source, with the same result', () => {
    const cache = path.join(work, 'damaged.cache');
    makeCache(cache);
    const bytes = readFileSync(cache);
    // Control: the same bytes with a flipped byte in V8's header (its checksum no longer holds).
    bytes[10] = (bytes[10] ?? 0) ^ 0xff;
    writeFileSync(cache, bytes);
    expect(loadWithCache(cache)).toEqual({ before: 'undefined', rejected: true, frozen: true });
  }, 60_000);

  test('a cache made under other V8 flags than a child has when it loads SES is refused (so the build makes it under the same)', () => {
    const cache = path.join(work, 'other-flags.cache');
    makeCache(cache, LATER_FLAGS);
    expect(loadWithCache(cache)).toMatchObject({ rejected: true, frozen: true });
  }, 60_000);
});
