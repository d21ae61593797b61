/**
 * Warms the runner child's startup snapshot while `node --build-snapshot` builds it
 * (child-snapshot.ts): runs, once, the library code a grade runs before any learner code exists,
 * so V8 compiles it. A snapshot keeps the bytecode of every function compiled while it was built
 * (measured: a 20,000-line function called during the build ran in 0.5 ms from the snapshot,
 * against 220 ms when it was first called after it), so a child started from a warm snapshot
 * skips that compiling in its warm-up self-test and in its first run, where a one-file `grade`
 * waits for it.
 *
 * What runs here needs no lockdown, because SES cannot be in the snapshot (child-snapshot.ts):
 * sucrase on learner-style TypeScript, a store of the Node backend (the Redis engine over
 * ioredis-mock) with the commands lessons use, chai's assertions and the runner's formatting of
 * failures and logged values, and the boundary caps and the protocol's zod schemas on the
 * messages a run sends. Nothing here calls `harden` (it does not exist yet), and nothing of it
 * reaches a run: transpiling keeps only a copy of its last result (transpile.ts), and the
 * store goes through the same emptying and reset as between two checks (redis-backend.ts), on a
 * backend that is then dropped.
 */
import { config as chaiConfig, expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createReportClamp } from '../runner/boundary-caps.ts';
import { asAssertion, formatAssertion } from '../runner/failure-format.ts';
import { formatArgs } from '../runner/inspect.ts';
import { fromWorkerSchema, toWorkerSchema } from '../runner/protocol.ts';
import { mockBackend } from '../runner/redis-backend.ts';
import { transpileLearner } from '../runner/transpile.ts';
import { WARMUP_SOURCE } from '../runner/warmup.ts';

/** The ioredis-mock class, as child-snapshot.ts loaded it. */
type RedisMockClass = Parameters<typeof mockBackend>[0];

/** A command method of a store's client, called the way learner code calls it. */
type Command = (...args: unknown[]) => Promise<unknown>;

/** Transpiles each lesson's starter and solution in `lessonsDir`, then the self-test's source. */
function warmTranspile(lessonsDir: string): void {
  let folders: string[] = [];
  try {
    folders = readdirSync(lessonsDir).filter((f) => /^\d+-/.test(f));
  } catch {
    // No built-in course next to the bundle: the self-test's source alone.
  }
  for (const folder of folders) {
    for (const file of ['starter.ts', 'solution.ts']) {
      try {
        transpileLearner(readFileSync(path.join(lessonsDir, folder, file), 'utf8'));
      } catch {
        // A lesson without this file.
      }
    }
  }
  // Last, so the one result transpile.ts keeps is the self-test's, never a lesson's.
  transpileLearner(WARMUP_SOURCE);
}

/** Runs the commands lessons use through one store of the Node backend, then closes it. */
async function warmStore(RedisMock: RedisMockClass): Promise<void> {
  const store = await mockBackend(RedisMock).openStore();
  const learner = store.learner as Record<string, Command>;
  const host = store.host as Record<string, Command>;
  const call = async (client: Record<string, Command>, name: string, ...args: unknown[]) => {
    try {
      return await client[name]!(...args);
    } catch {
      // Errors are replies too (WRONGTYPE, syntax): building them is part of the warm-up.
      return undefined;
    }
  };
  // Twice: the second round runs what the first one compiled, as a check after the first does.
  for (let round = 0; round < 2; round += 1) {
    await call(learner, 'set', 'item:1', JSON.stringify({ id: 1, name: 'warm' }), 'EX', 60);
    await call(learner, 'set', 'item:2', 'x', 'NX', 'PX', 5000);
    await call(learner, 'get', 'item:1');
    await call(learner, 'mset', 'a', '1', 'b', '2');
    await call(learner, 'mget', 'a', 'b', 'missing');
    await call(learner, 'incr', 'count');
    await call(learner, 'incrby', 'count', 5);
    await call(learner, 'decr', 'count');
    await call(learner, 'expire', 'count', 60);
    await call(learner, 'ttl', 'count');
    await call(learner, 'pttl', 'item:2');
    await call(learner, 'persist', 'item:2');
    await call(learner, 'exists', 'a', 'b');
    await call(learner, 'type', 'a');
    await call(learner, 'hset', 'user:1', 'name', 'Ada', 'visits', '1');
    await call(learner, 'hincrby', 'user:1', 'visits', 1);
    await call(learner, 'hget', 'user:1', 'name');
    await call(learner, 'hgetall', 'user:1');
    await call(learner, 'rpush', 'queue', 'a', 'b', 'c');
    await call(learner, 'lpush', 'queue', 'z');
    await call(learner, 'lrange', 'queue', 0, -1);
    await call(learner, 'lpop', 'queue');
    await call(learner, 'sadd', 'tags', 'x', 'y');
    await call(learner, 'smembers', 'tags');
    await call(learner, 'sismember', 'tags', 'x');
    await call(learner, 'zadd', 'board', 10, 'ada', 20, 'bob');
    await call(learner, 'zincrby', 'board', 5, 'ada');
    await call(learner, 'zrange', 'board', 0, -1, 'WITHSCORES');
    await call(learner, 'zscore', 'board', 'ada');
    await call(learner, 'get', 'user:1');
    await call(learner, 'scan', 0, 'MATCH', 'item:*', 'COUNT', 100);
    await call(learner, 'keys', '*');
    const multi = (
      learner.multi as unknown as () => Record<string, (...a: unknown[]) => unknown>
    )();
    multi.incr!('count');
    multi.expire!('count', 60);
    await call(multi as Record<string, Command>, 'exec');
    const pipeline = (
      learner.pipeline as unknown as () => Record<string, (...a: unknown[]) => unknown>
    )();
    pipeline.set!('p', '1');
    pipeline.get!('p');
    await call(pipeline as Record<string, Command>, 'exec');
    await call(learner, 'eval', "return redis.call('GET', KEYS[1])", 1, 'a');
    await call(learner, 'del', 'a', 'b', 'p');
    await call(host, 'get', 'item:1');
    await call(host, 'ttl', 'item:1');
    await call(host, 'hgetall', 'user:1');
    await store.snapshot();
  }
  await store.close();
}

/**
 * Passing and failing assertions of the kinds checks make, the runner's formatting of a failure
 * and of logged values, so chai and those formatters compile. Both ways chai runs them: without
 * its typo guard, as grading does, and with it, as `verify` does (RunOptions.strictChecks).
 */
function warmAssertions(): void {
  for (let round = 0; round < 2; round += 1) {
    chaiConfig.useProxy = round === 1;
    expect({ id: 1, tags: ['a'] }).to.deep.equal({ id: 1, tags: ['a'] });
    expect(59).to.be.within(59, 60);
    expect(['get', 'set']).to.include('get');
    expect('a').to.equal('a');
    expect(null).to.equal(null);
    expect(3).to.be.a('number');
    expect([1, 2]).to.have.lengthOf(2);
    try {
      expect({ id: 1, name: 'a' }).to.deep.equal({ id: 2, name: 'a' });
    } catch (error) {
      const assertion = asAssertion(error);
      if (assertion) formatAssertion(assertion);
    }
    formatArgs(['saved', { id: 1, tags: ['a'], at: new Date(0) }, null, 3, 'text']);
  }
}

/** Parses the messages of a run, so zod's parsers for them compile. */
function warmProtocol(): void {
  const runId = 'warm-up';
  const check = { name: 'a check', passed: false, message: 'expected 1 to equal 2', durationMs: 1 };
  for (const message of [
    { type: 'ready', startupMs: 1 },
    { type: 'accepted', runId },
    { type: 'started', runId, checks: ['a check'] },
    { type: 'checkStart', runId, index: 0, name: 'a check' },
    { type: 'call', runId, call: 'f(1)' },
    { type: 'check', runId, index: 0, result: check },
    {
      type: 'done',
      runId,
      report: { lesson: 'warm-up', passed: false, checks: [check], console: '', durationMs: 2 },
    },
  ]) {
    fromWorkerSchema.safeParse(message);
  }
  const clamp = createReportClamp();
  clamp.report({
    lesson: 'warm-up',
    passed: false,
    checks: [clamp.check(0, check)],
    console: 'saved { id: 1 }\n',
    durationMs: 2,
  });
  toWorkerSchema.safeParse({ type: 'run', runId, lesson: 'warm-up', source: WARMUP_SOURCE });
}

/** The parts of the warm-up, in the order they run. */
export const WARM_PARTS = ['transpile', 'assertions', 'protocol', 'store'] as const;

/**
 * Runs the warm-up while the snapshot is built; `lessonsDir` is the built-in course. Resolves
 * to the parts that ran to the end. Never throws: a part that fails only leaves more to compile
 * at run time, and the snapshot is built all the same.
 */
export async function warmSnapshot(
  RedisMock: RedisMockClass,
  lessonsDir: string,
): Promise<(typeof WARM_PARTS)[number][]> {
  const parts: Record<(typeof WARM_PARTS)[number], () => unknown> = {
    transpile: () => warmTranspile(lessonsDir),
    assertions: warmAssertions,
    protocol: warmProtocol,
    store: () => warmStore(RedisMock),
  };
  const done: (typeof WARM_PARTS)[number][] = [];
  for (const part of WARM_PARTS) {
    try {
      await parts[part]();
      done.push(part);
    } catch {
      // See above.
    }
  }
  return done;
}
