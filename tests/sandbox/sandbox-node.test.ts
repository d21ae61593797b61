/**
 * The CLI's process isolation, attacked: learner code runs in a runner child process under an OS
 * memory limit, a heap limit, an RSS watchdog and a SIGKILL hard deadline. Every hostile case
 * must end with no host file written, no connection made, no pass, the right kind of report, a
 * healthy runner for the next (correct) submission, bounded time, and a host whose own memory
 * stayed bounded. Each hostile case has a control copy without the trick that passes.
 *
 * The children run the bundled child (built here once with the CLI's bundler, as
 * scripts/build-cli.mjs does): the same source, without minutes of TypeScript loader start-ups.
 *
 * Part of `npm run test:sandbox` (vitest.sandbox.config.ts), not `npm test`: these cases wait for
 * real deadlines and real memory limits, seconds each. `npm test` keeps one smoke test per attack
 * class (tests/cli/process-isolation.test.ts, node-host.test.ts), and the host against a
 * misbehaving child is tests/cli/misbehaving-child.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRunnerPool, type RunnerPool } from '../../src/cli/runner-pool.ts';
import { buildRunnerChild } from '../helpers/runner-child-bundle.ts';
import { CORRECT_SAVE, saveUserDoes as lesson1WithSaveUser } from '../helpers/lesson1-sources.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lessonsDir = path.join(root, 'lessons');
const LESSON = 'key-value-basics';
const HARD_TIMEOUT_MS = 2000;
const MEMORY_MB = 384;

let work: string;
let childEntry: string;
let sentinelDir: string;
let server: Server;
let port: number;
let connections = 0;
let pool: RunnerPool;
/** For cases that need real work before their limit hits: a slow machine must not turn them into timeouts. */
let roomy: RunnerPool | undefined;

function roomyPool(): RunnerPool {
  roomy ??= createRunnerPool({
    lessonsDir,
    childEntry,
    size: 1,
    spare: false,
    hardTimeoutMs: 25_000,
    memoryMb: MEMORY_MB,
    checkTimeoutMs: 20_000,
  });
  return roomy;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'cachelab-sandbox-'));
  sentinelDir = path.join(work, 'host-files');
  childEntry = await buildRunnerChild(path.join(work, 'dist'));
  server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  pool = createRunnerPool({
    lessonsDir,
    childEntry,
    size: 1,
    spare: true,
    hardTimeoutMs: HARD_TIMEOUT_MS,
    memoryMb: MEMORY_MB,
    checkTimeoutMs: 500,
  });
  await pool.ready();
}, 120_000);

afterAll(async () => {
  await pool?.close();
  await roomy?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

/** Lesson 1 where saveUser first runs `body`, then saves correctly; the rest is correct. */
function saveUserDoes(body: string): string {
  return lesson1WithSaveUser(`${body}\n  ${CORRECT_SAVE}`);
}

/** What every hostile attempt also tries: a host file and a connection (blocked by the sandbox). */
function withEscapes(body: string): string {
  const file = JSON.stringify(path.join(sentinelDir, 'escaped'));
  return `try { (globalThis as any).process.mainModule.require('fs').writeFileSync(${file}, 'x'); } catch {}
  try { (globalThis as any).fetch('http://127.0.0.1:${port}/'); } catch {}
  try { Function('return process')().getBuiltinModule('net').connect(${port}, '127.0.0.1'); } catch {}
  ${body}`;
}

/** `kinds`: the run error kinds allowed; `null` in the list allows a report with no run error. */
async function expectContained(
  body: string,
  kinds: readonly (string | null)[],
  runner: RunnerPool = pool,
): Promise<void> {
  const started = performance.now();
  const report = await runner.run(LESSON, saveUserDoes(withEscapes(body)));
  const elapsed = performance.now() - started;
  expect(report.passed).toBe(false);
  expect(kinds).toContain(report.error?.kind ?? null);
  expect(elapsed).toBeLessThan(30_000);
  expect(existsSync(sentinelDir) && readdirSync(sentinelDir).length > 0).toBe(false);
  expect(connections).toBe(0);
  expect(process.memoryUsage().rss).toBeLessThan(1024 * 1024 * 1024);
  // The runner is alive and grades the next, correct submission correctly.
  const after = await runner.run(LESSON, saveUserDoes(''));
  expect(after.error).toBeUndefined();
  expect(after.passed).toBe(true);
}

describe('the CLI runner pool under hostile learner code', () => {
  test('the control copy (the same file without a trick) passes', async () => {
    const report = await pool.run(LESSON, saveUserDoes(withEscapes('')));
    expect(report.passed).toBe(true);
    expect(connections).toBe(0);
  }, 30_000);

  test.each([
    ['a sync endless loop', 'while (true) {}'],
    ['a microtask spin', 'for (;;) await null;'],
    [
      'a builtin that never checks for interrupts',
      'Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1);',
    ],
  ])(
    '%s ends as a timeout at the hard deadline (SIGKILL)',
    async (_name, body) => {
      const started = performance.now();
      const report = await pool.run(LESSON, saveUserDoes(body));
      expect(report.error?.kind).toBe('timeout');
      expect(report.error?.check).toBe(
        'saveUser stores the user as a JSON string under "user:<id>"',
      );
      expect(report.error?.notRun?.length).toBeGreaterThan(0);
      expect(performance.now() - started).toBeLessThan(HARD_TIMEOUT_MS + 5000);
      const after = await pool.run(LESSON, saveUserDoes(''));
      expect(after.passed).toBe(true);
    },
    60_000,
  );

  test.each([
    [
      'ArrayBuffers that are touched (outside the V8 heap)',
      'const a: any[] = []; for (;;) a.push(new Uint8Array(64e6).fill(1));',
    ],
    [
      'a string APPEND bomb through Redis',
      "const s = 'x'.repeat(1e8); for (;;) await redis.append('bomb', s);",
    ],
  ])(
    '%s ends as memory, and only the child dies',
    async (_name, body) => {
      await expectContained(body, ['memory'], roomyPool());
    },
    90_000,
  );

  test('one allocation far beyond the heap is contained (a fatal OOM kills only the child)', async () => {
    await expectContained('new Array(4e7).fill(0);', ['memory', 'timeout'], roomyPool());
  }, 90_000);

  test('untouched ArrayBuffers past the data limit throw a RangeError the check reports', async () => {
    await expectContained(
      'const a: any[] = []; for (;;) a.push(new Uint8Array(256e6));',
      ['memory', null],
      roomyPool(),
    );
  }, 90_000);

  test.each([
    ['process.exit', '(globalThis as any).process?.exit(0);'],
    ['process.kill', "Function('return process')().kill(process.pid, 'SIGKILL');"],
    [
      'a constructor chain to process',
      "(async () => {}).constructor.constructor('return process')().exit(1);",
    ],
  ])(
    'cannot end its child through %s',
    async (_name, body) => {
      await expectContained(`try { ${body} } catch {}\nthrow new Error('still here');`, [null]);
    },
    60_000,
  );

  test('a console flood, a huge trace and a wide keyspace are cut, and say so', async () => {
    const body = `
      const big = 'v'.repeat(5e6);
      console.log(big);
      await redis.mset('a', big, 'b', big, 'c', big, 'd', big, 'e', big, 'f', big, 'g', big, 'h', big);
      for (let i = 0; i < 250; i++) await redis.set('k'.repeat(2000) + i, 'v');
      throw new Error('m'.repeat(100000));`;
    const report = await roomyPool().run(LESSON, saveUserDoes(body));
    expect(report.error).toBeUndefined();
    expect(report.passed).toBe(false);
    expect(JSON.stringify(report).length).toBeLessThan(2 * 1024 * 1024);
    expect(report.console.length).toBeLessThanOrEqual(20_100);
    const first = report.checks[0];
    expect(first.message!.length).toBeLessThanOrEqual(4096);
    for (const entry of first.trace ?? []) {
      expect(entry.args.length).toBeLessThanOrEqual(32);
      for (const arg of entry.args) expect(arg.length).toBeLessThanOrEqual(1024);
    }
    // The CLI's child makes no per-check trace or keyspace (RunOptions.insight): none is sent.
    expect(first.trace).toBeUndefined();
    expect(first.keyspace?.length ?? 0).toBeLessThanOrEqual(200);
    for (const entry of first.keyspace ?? []) expect(entry.key.length).toBeLessThanOrEqual(256);
    expect(report.truncated).toEqual(expect.arrayContaining(['console']));
    // Control: a small program's report is not marked as cut.
    const control = await roomyPool().run(LESSON, saveUserDoes("console.log('hi');"));
    expect(control.passed).toBe(true);
    expect(control.truncated).toBeUndefined();
  }, 60_000);
});

describe('cachelab grade as a process', () => {
  test('exits on time with a JSON timeout report whatever the learner does', async () => {
    const file = path.join(work, 'indexof.ts');
    writeFileSync(file, saveUserDoes('Array.prototype.indexOf.call({ length: 2 ** 53 - 1 }, 1);'));
    const started = performance.now();
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>(
      (resolve) => {
        const child = spawn(
          process.execPath,
          [
            path.join(root, 'bin/cachelab.mjs'),
            'grade',
            file,
            '--lesson',
            LESSON,
            '--json',
            '--timeout',
            '2000',
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('exit', (exitCode) => resolve({ code: exitCode, stdout: out }));
      },
    );
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(code).toBe(1);
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({
      passed: false,
      error: { kind: 'timeout' },
    });
  }, 60_000);
});
