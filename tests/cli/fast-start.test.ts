/**
 * Fast start of a one-file `cachelab grade` (issue #15). The bin starts the runner child before
 * the CLI loads (src/cli/prestart.ts); a pool takes that child only when it was started exactly
 * as the pool would start it, and stops it otherwise; a child that speaks before anyone listens
 * loses nothing. The children here are a fixture that starts in milliseconds
 * (fixtures/prestart-child.mjs), except where prestart itself picks the real child's entry.
 * Also: checks.ts compiled ahead of time (a runner child's startup snapshot) loads as it would
 * have without it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { childSpawnOptions, prestartChild, spawnChild } from '../../src/cli/child-endpoint.ts';
import { loadCheckSuite, pretranspile } from '../../src/cli/load-checks.ts';
import { PACKAGE_ROOT } from '../../src/cli/package-root.ts';
import { prestart } from '../../src/cli/prestart.ts';
import { createRunnerPool } from '../../src/cli/runner-pool.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = path.join(root, 'tests/cli/fixtures/prestart-child.mjs');

const folders: string[] = [];
function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachelab-fast-start-'));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Pids of the fixture children started for `dir`. */
const startedIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('started-'))
    .map((f) => Number(f.slice('started-'.length)));

/** Whether the fixture child for `dir` has written its `ready` frame. */
const saidReady = (dir: string) => readdirSync(dir).some((f) => f.startsWith('ready-'));

/** Whether `pid` can still run: it exists and is not a zombie awaiting its reaping. */
function alive(pid: number): boolean {
  try {
    return !/ Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Lets this process read what a child wrote before its marker file appeared (after the poll phase). */
const afterIo = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

describe(spawnChild, () => {
  test('what a child says before anyone listens is handed to the first listener', async () => {
    const dir = folder();
    const child = spawnChild(childSpawnOptions({ lessonsDir: dir, childEntry: FIXTURE }));
    try {
      await expect.poll(() => saidReady(dir), { timeout: 10_000, interval: 10 }).toBe(true);
      await afterIo();
      const heard: unknown[] = [];
      child.onMessage((raw) => heard.push(JSON.parse(String(raw))));
      expect(heard).toEqual([{ type: 'ready', startupMs: 1 }]);
    } finally {
      child.terminate();
    }
  });

  test('a child that keeps talking before anyone listens is stopped as a violation', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'chatty'), '');
    const child = spawnChild(childSpawnOptions({ lessonsDir: dir, childEntry: FIXTURE }));
    try {
      await expect.poll(() => alive(child.pid!), { timeout: 10_000, interval: 10 }).toBe(false);
      await afterIo();
      const failures: unknown[] = [];
      const heard: unknown[] = [];
      child.onError((failure) => failures.push(failure));
      child.onMessage((raw) => heard.push(raw));
      expect(failures).toEqual([expect.objectContaining({ kind: 'violation' })]);
      expect(heard).toEqual([]);
    } finally {
      child.terminate();
    }
  });
});

describe('a prestarted runner child', () => {
  test('is the child its pool runs on when started as the pool would start it, even if ready first', async () => {
    const dir = folder();
    const prestarted = prestartChild(childSpawnOptions({ lessonsDir: dir, childEntry: FIXTURE }));
    await expect.poll(() => saidReady(dir), { timeout: 10_000, interval: 10 }).toBe(true);
    await afterIo();
    // Without the ready it already said, the pool would wait for its start-up deadline.
    const pool = createRunnerPool({
      lessonsDir: dir,
      childEntry: FIXTURE,
      startupTimeoutMs: 5000,
      prestarted,
    });
    try {
      expect((await pool.run('any', 'x')).passed).toBe(true);
      expect(startedIn(dir)).toEqual([prestarted.pid]);
    } finally {
      await pool.close();
    }
  });

  test('is stopped, and another child started, when the pool would start it otherwise', async () => {
    const dir = folder();
    // Another memory limit: not the child this pool would start, so it must not run anything.
    const prestarted = prestartChild(
      childSpawnOptions({ lessonsDir: dir, childEntry: FIXTURE, memoryMb: 300 }),
    );
    const pool = createRunnerPool({
      lessonsDir: dir,
      childEntry: FIXTURE,
      startupTimeoutMs: 5000,
      prestarted,
    });
    try {
      expect((await pool.run('any', 'x')).passed).toBe(true);
      await expect.poll(() => alive(prestarted.pid!), { timeout: 5000, interval: 10 }).toBe(false);
      expect(startedIn(dir).filter((pid) => pid !== prestarted.pid)).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  test('that died before its pool existed is replaced: the run still passes', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'die-once'), '');
    const prestarted = prestartChild(childSpawnOptions({ lessonsDir: dir, childEntry: FIXTURE }));
    await expect.poll(() => alive(prestarted.pid!), { timeout: 10_000, interval: 10 }).toBe(false);
    await afterIo();
    const pool = createRunnerPool({
      lessonsDir: dir,
      childEntry: FIXTURE,
      startupTimeoutMs: 5000,
      prestarted,
    });
    try {
      expect((await pool.run('any', 'x')).passed).toBe(true);
      expect(startedIn(dir).filter((pid) => pid !== prestarted.pid)).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  test('is stopped by discard unless a pool took it', async () => {
    const dir = folder();
    const options = childSpawnOptions({ lessonsDir: dir, childEntry: FIXTURE });
    const untaken = prestartChild(options);
    untaken.discard();
    await expect.poll(() => alive(untaken.pid!), { timeout: 5000, interval: 10 }).toBe(false);

    // Control: once taken, the child is its taker's; discard leaves it running.
    const taken = prestartChild(options);
    const endpoint = taken.take(options);
    try {
      expect(endpoint?.pid).toBe(taken.pid);
      taken.discard();
      await expect
        .poll(() => readdirSync(dir).includes(`ready-${taken.pid}`), { timeout: 10_000 })
        .toBe(true);
      expect(alive(taken.pid!)).toBe(true);
      expect(taken.take(options)).toBeUndefined();
    } finally {
      endpoint?.terminate();
    }
  });
});

describe(prestart, () => {
  test('starts nothing unless the arguments are a one-file grade that main.ts would accept', () => {
    const cwd = folder();
    writeFileSync(path.join(cwd, 'a.ts'), 'export {};\n');
    writeFileSync(path.join(cwd, 'b.ts'), 'export {};\n');
    for (const args of [
      ['verify'],
      ['cli', 'grade', 'a.ts'],
      ['grade'],
      ['grade', '.'],
      ['grade', 'a.ts', 'b.ts'],
      ['grade', 'a.ts', '--help'],
      ['grade', 'a.ts', '--bogus'],
      ['grade', 'missing.ts'],
      ['grade', 'a.ts', '--course', cwd, '--root', cwd],
      ['grade', 'a.ts', '--jobs'],
    ]) {
      expect(prestart(args, cwd), args.join(' ')).toBeUndefined();
    }
  });

  test('starts the child of the course the arguments name, relative to the working folder', async () => {
    const cwd = folder();
    writeFileSync(path.join(cwd, 'a.ts'), 'export {};\n');
    mkdirSync(path.join(cwd, 'course/lessons'), { recursive: true });
    const lessonsDirOf = async (args: string[]) => {
      const child = prestart(args, cwd);
      expect(child, args.join(' ')).toBeDefined();
      try {
        // prlimit execs node in the same pid: wait for node's own command line, and keep the
        // one read that showed it (the child may exit right after, leaving an empty one: seen
        // once under load as `"undefined" is not valid JSON`).
        let argv: string[] = [];
        await expect
          .poll(
            () => {
              argv = readFileSync(`/proc/${child!.pid}/cmdline`, 'utf8').split('\0');
              return argv.some((a) => a.startsWith('--max-old-space-size'));
            },
            { interval: 5 },
          )
          .toBe(true);
        const config = JSON.parse(argv.filter(Boolean).at(-1)!) as { lessonsDir: string };
        return config.lessonsDir;
      } finally {
        child!.discard();
      }
    };
    expect(await lessonsDirOf(['grade', 'a.ts', '--course', 'course', '--json'])).toBe(
      path.join(cwd, 'course/lessons'),
    );
    expect(await lessonsDirOf(['grade', '--root', 'course', 'a.ts'])).toBe(
      path.join(cwd, 'course/lessons'),
    );
    expect(await lessonsDirOf(['grade', 'a.ts'])).toBe(path.join(PACKAGE_ROOT, 'lessons'));
  });
});

describe(pretranspile, () => {
  const CHECKS = (name: string) => `import { defineChecks } from 'cachelab/checks';

export default defineChecks({ exports: [], checks: [{ name: '${name}', run() {} }] });
`;

  test('a checks.ts compiled ahead loads the same suite, with its file and lines in stacks', () => {
    const dir = folder();
    const file = path.join(dir, 'checks.ts');
    writeFileSync(file, CHECKS('compiled ahead'));
    pretranspile(file);
    expect(loadCheckSuite(file).checks.map((c) => c.name)).toEqual(['compiled ahead']);

    // The same throwing module, compiled ahead and not: the stack names the file, at one line.
    const where = (name: string, ahead: boolean) => {
      const broken = path.join(dir, name);
      writeFileSync(broken, `const a: number = 1;\n\nthrow new Error('line three ' + a);\n`);
      if (ahead) pretranspile(broken);
      try {
        loadCheckSuite(broken);
      } catch (error) {
        const stack = String((error as Error).stack);
        expect(stack).toContain('line three 1');
        return new RegExp(`${name}:(\\d+):`).exec(stack)?.[1];
      }
      return undefined;
    };
    const line = where('plain.ts', false);
    expect(line).toBeDefined();
    expect(where('ahead.ts', true)).toBe(line);
  });

  test('an edited checks.ts is compiled afresh, not taken from what was compiled ahead', () => {
    const dir = folder();
    const file = path.join(dir, 'checks.ts');
    writeFileSync(file, CHECKS('before'));
    pretranspile(file);
    // A different size: a new stamp, as any edit that matters has.
    writeFileSync(file, CHECKS('after the edit'));
    expect(loadCheckSuite(file).checks.map((c) => c.name)).toEqual(['after the edit']);
  });
});
