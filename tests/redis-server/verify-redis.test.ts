/**
 * `cachelab verify --redis <url>` against the redis-server that `npm run test:redis` started.
 * Each test uses its own database (the URL's path), so the other server tests' FLUSHALLs on
 * database 0 and these never meet.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { startRedisServer } from '../../scripts/redis-server-process.mjs';
import { runCachelab } from '../helpers/run-cachelab.ts';

const REDIS_URL = process.env.REDIS_URL;
const scratch = mkdtempSync(path.join(tmpdir(), 'cachelab-verify-redis-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function urlFor(db: number): string {
  return `${REDIS_URL!.replace(/\/\d*$/, '')}/${db}`;
}

function redisCli(db: number, ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-u', urlFor(db), ...args], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return result.stdout.trim();
}

/** Total commands the server has processed, from INFO stats. */
function commandsProcessed(): number {
  const info = redisCli(0, 'INFO', 'stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1]);
}

const cachelab = runCachelab;

const root = path.resolve(import.meta.dirname, '../..');

/**
 * A one-lesson course whose second check runs a Lua script through the check's own client: the
 * sandbox runs it, while verify --redis refuses scripts on a server with more than one database.
 */
function quirkCourse(): string {
  const dir = mkdtempSync(path.join(scratch, 'root-'));
  const lesson = path.join(dir, 'lessons/01-quirk');
  mkdirSync(lesson, { recursive: true });
  writeFileSync(
    path.join(lesson, 'lesson.md'),
    '---\ntitle: Quirk\nsummary: A check that relies on the mock.\nhints:\n  - One\n  - Two\n---\n\n## Quirk\n\nText.\n',
  );
  writeFileSync(
    path.join(lesson, 'solution.ts'),
    "export async function save(redis: any) {\n  await redis.set('greeting', 'hello');\n}\n",
  );
  writeFileSync(path.join(lesson, 'starter.ts'), 'export async function save(redis: any) {}\n');
  writeFileSync(
    path.join(lesson, 'checks.ts'),
    `import { defineChecks } from 'cachelab/checks';

export default defineChecks<{ save(redis: unknown): Promise<void> }>({
  exports: ['save'],
  checks: [
    {
      name: 'save stores the greeting',
      async run({ learner, client, redis, expect }) {
        await learner.save(client);
        expect(await redis.get('greeting')).to.equal('hello');
      },
    },
    {
      name: 'the store runs a script',
      async run({ learner, client, redis, expect }) {
        await learner.save(client);
        expect(await redis.eval('return 1', 0)).to.equal(1);
      },
    },
  ],
});
`,
  );
  return dir;
}

/**
 * A one-lesson course whose solution runs Lua both ways, EVAL and a Redis Function, and whose
 * second check proves that no function library outlives the check that loaded it.
 */
function luaCourse(): string {
  const dir = mkdtempSync(path.join(scratch, 'lua-'));
  const lesson = path.join(dir, 'lessons/01-lua');
  mkdirSync(lesson, { recursive: true });
  writeFileSync(
    path.join(lesson, 'lesson.md'),
    '---\ntitle: Lua\nsummary: Scripts and functions.\nhints:\n  - One\n  - Two\n---\n\n## Lua\n\nText.\n',
  );
  const library =
    "#!lua name=counter\\nredis.register_function('bump', function(keys) return redis.call('INCR', keys[1]) end)";
  writeFileSync(
    path.join(lesson, 'solution.ts'),
    `export async function bump(redis: any, key: string) {
  await redis.function('LOAD', 'REPLACE', "${library}");
  return redis.fcall('bump', 1, key);
}
export async function twice(redis: any, key: string) {
  return redis.eval("redis.call('INCR', KEYS[1]); return redis.call('INCR', KEYS[1])", 1, key);
}
`,
  );
  writeFileSync(
    path.join(lesson, 'starter.ts'),
    'export async function bump(redis: any, key: string) { return 0; }\nexport async function twice(redis: any, key: string) { return 0; }\n',
  );
  writeFileSync(
    path.join(lesson, 'checks.ts'),
    `import { defineChecks } from 'cachelab/checks';

export default defineChecks<{
  bump(redis: unknown, key: string): Promise<number>;
  twice(redis: unknown, key: string): Promise<number>;
}>({
  exports: ['bump', 'twice'],
  checks: [
    {
      name: 'bump counts through a function',
      async run({ learner, client, expect }) {
        expect(await learner.bump(client, 'c')).to.equal(1);
        expect(await learner.bump(client, 'c')).to.equal(2);
      },
    },
    {
      name: 'no library outlives its check, and EVAL runs',
      async run({ learner, client, redis, expect }) {
        expect(await redis.call('FUNCTION', 'LIST')).to.deep.equal([]);
        expect(await learner.twice(client, 'k')).to.equal(2);
      },
    },
  ],
});
`,
  );
  return dir;
}

describe.runIf(REDIS_URL)('cachelab verify --redis', () => {
  test('passes for every lesson against the real server, and leaves the database empty', async () => {
    const before = commandsProcessed();
    const { code, stdout, stderr } = await cachelab('verify', '--redis', urlFor(9), '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.ok).toBe(true);
    expect(result.redis).toBe(urlFor(9));
    const slugs = readdirSync(path.join(root, 'lessons'))
      .filter((name) => /^\d{2}-/.test(name))
      .sort()
      .map((name) => name.replace(/^\d{2}-/, ''));
    expect(slugs.length).toBeGreaterThanOrEqual(12);
    expect(result.lessons.map((l: { lesson: string }) => l.lesson)).toEqual(slugs);
    for (const lesson of result.lessons) {
      expect(lesson).toMatchObject({ solutionPassed: true, starterFailed: true, problems: [] });
      expect(lesson.mismatches).toEqual([]);
    }
    // The checks really ran on the server: hundreds of commands, not a handful of probes.
    expect(commandsProcessed() - before).toBeGreaterThan(500);
    expect(redisCli(9, 'DBSIZE')).toBe('0');
  }, 180_000);

  test('refuses a database that holds keys, exits 2, and leaves the data intact', async () => {
    redisCli(10, 'SET', 'user:1', 'precious');
    redisCli(10, 'EXPIRE', 'user:1', '1000');
    const { code, stdout, stderr } = await cachelab(
      'verify',
      '--redis',
      urlFor(10),
      '--lesson',
      'expiry',
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/refusing to run: database 10 .* holds 1 key/);
    expect(stderr).toContain('--flush');
    expect(redisCli(10, 'GET', 'user:1')).toBe('precious');
    expect(Number(redisCli(10, 'TTL', 'user:1'))).toBeGreaterThan(990);
    expect(redisCli(10, 'DBSIZE')).toBe('1');
  }, 60_000);

  test('--flush empties a non-empty database, runs, and touches no other database', async () => {
    redisCli(11, 'SET', 'old', 'x');
    redisCli(12, 'SET', 'neighbour', 'keep me');
    const { code, stdout } = await cachelab(
      'verify',
      '--redis',
      urlFor(11),
      '--flush',
      '--lesson',
      'rate-limiting',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).lessons[0]).toMatchObject({ lesson: 'rate-limiting', problems: [] });
    expect(redisCli(11, 'EXISTS', 'old')).toBe('0');
    expect(redisCli(12, 'GET', 'neighbour')).toBe('keep me');
  }, 60_000);

  test('reports a check that passes on the sandbox but fails on Redis', async () => {
    const course = quirkCourse();
    const json = await cachelab('verify', '--root', course, '--redis', urlFor(13), '--json');
    expect(json.code).toBe(1);
    const lesson = JSON.parse(json.stdout).lessons[0];
    // The test server has 16 databases, so verify --redis refuses scripts on it (a script could
    // SELECT another database); the sandbox runs them.
    const quirk = {
      check: 'the store runs a script',
      sandboxPassed: true,
      redisPassed: false,
      message: expect.stringContaining(
        "ReplyError: ERR cachelab verify --redis refuses 'EVAL' here",
      ),
    };
    expect(lesson.mismatches).toEqual([
      { file: 'solution.ts', ...quirk },
      { file: 'starter.ts', ...quirk },
    ]);
    expect(lesson.problems).toContainEqual(
      expect.stringMatching(
        /^solution\.ts "the store runs a script" passes on the sandbox but fails on Redis: ReplyError: ERR cachelab verify --redis refuses 'EVAL' here/,
      ),
    );
    // The starter fails the first check everywhere; the quirky check passes on the mock only.
    expect(lesson.starterFailed).toBe(true);

    const human = await cachelab('verify', '--root', course, '--redis', urlFor(13));
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('✗ quirk: Quirk (2 checks, ');
    expect(human.stdout).toContain('passes on the sandbox but fails on Redis');
  }, 60_000);

  test('runs EVAL and Redis Functions on a one-database server, flushing libraries between checks', async () => {
    // A server on which verify --redis lets Lua run: one database, MIGRATE renamed away.
    const started = await startRedisServer(['--databases', '1', '--rename-command', 'MIGRATE', '']);
    const server = { url: `${started.url}/0` };
    try {
      const json = await cachelab('verify', '--root', luaCourse(), '--redis', server.url, '--json');
      const lesson = JSON.parse(json.stdout).lessons[0];
      expect(lesson).toMatchObject({
        solutionPassed: true,
        starterFailed: true,
        mismatches: [],
        problems: [],
      });
      expect(json.code).toBe(0);
      // Nothing is left on the server: no keys, and no library.
      expect(
        spawnSync('redis-cli', ['-u', server.url, 'DBSIZE'], { encoding: 'utf8' }).stdout.trim(),
      ).toBe('0');
      expect(
        spawnSync('redis-cli', ['-u', server.url, 'FUNCTION', 'LIST'], {
          encoding: 'utf8',
        }).stdout.trim(),
      ).toBe('');
    } finally {
      await started.stop();
    }
  }, 120_000);
});
