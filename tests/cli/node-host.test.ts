import { existsSync, rmSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createNodeRunner } from '../../src/cli/node-host.ts';
import { CORRECT_SAVE, saveUserDoes } from '../helpers/lesson1-sources.ts';
import { runnerChildEntry } from '../helpers/runner-child-bundle.ts';
import { LESSON, ROOT, runawayRunner } from '../helpers/runaway-runner.ts';

const host = runawayRunner();

describe('the Node host under adversarial learner code', () => {
  test('a correct program passes (baseline)', async () => {
    await host.expectHealthy();
  });

  // One CPU spin that the host must kill, as the smoke test of its kind here; the other loops
  // (while loading, async, regex backtracking) and a timeout keeping finished checks are in
  // tests/sandbox/node-host-timeouts.test.ts (`npm run test:sandbox`).
  test('a sync endless loop in a check ends as a timeout and the runner recovers', async () => {
    const started = performance.now();
    const report = await host.runner.run(LESSON, saveUserDoes('while (true) {}'));
    expect(report.error?.kind).toBe('timeout');
    expect(report.error?.message).toMatch(/did not finish within 2.5 s/);
    expect(report.passed).toBe(false);
    // The hard timeout plus, at worst, a replacement child's start-up on a loaded machine.
    expect(performance.now() - started).toBeLessThan(30_000);
    await host.expectHealthy();
  }, 90_000);

  test('a promise that never settles fails its checks by name, not as a hang', async () => {
    const report = await host.runner.run(LESSON, saveUserDoes('await new Promise(() => {});'));
    expect(report.error).toBeUndefined();
    const failed = report.checks.filter((c) => !c.passed);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].message).toBe(
      'saveUser did not finish within 300 ms — is a promise never settled?',
    );
  }, 30_000);

  test('deep recursion fails the check with a RangeError', async () => {
    const report = await host.runner.run(
      LESSON,
      saveUserDoes('const down = (n: number): number => down(n + 1) + 1; down(0);'),
    );
    expect(report.checks[0].message).toMatch(
      /^saveUser threw: RangeError: Maximum call stack size exceeded/,
    );
    await host.expectHealthy();
  }, 30_000);

  test('a memory bomb ends as "ran out of memory" and the runner stays alive', async () => {
    // Its own runner with a generous timeout: on a busy machine, GC near the cap is slow.
    const roomy = createNodeRunner({
      root: ROOT,
      childEntry: runnerChildEntry(),
      hardTimeoutMs: 20_000,
      memoryMb: 320,
      spare: false,
    });
    try {
      // The bomb is in getPopularPosts, which the lesson's last checks call: the checks before
      // them finish first, and their results, kept in the child's notes file rather than sent
      // (notes-file.ts), must survive its death.
      const bomb = saveUserDoes(CORRECT_SAVE).replace(
        'const hit = await redis.get(',
        'const hoard: Uint8Array[] = []; for (;;) hoard.push(new Uint8Array(32e6).fill(1));\n  const hit = await redis.get(',
      );
      expect(bomb).toContain('for (;;) hoard.push');
      const report = await roomy.run(LESSON, bomb);
      expect(report.error?.kind).toBe('memory');
      expect(report.error?.message).toBe(
        'Your code used more memory than the limit of 320 MB, so it was stopped.',
      );
      expect(report.checks.length).toBeGreaterThanOrEqual(3);
      expect(report.checks.every((check) => check.passed)).toBe(true);
      const after = await roomy.run(LESSON, saveUserDoes(CORRECT_SAVE));
      expect(after.passed).toBe(true);
    } finally {
      await roomy.close();
    }
  }, 90_000);

  test.each([
    ['process.exit', 'process.exit(0);'],
    ['require', "require('fs');"],
    [
      'child_process via globalThis',
      "(globalThis as any).process.mainModule.require('child_process').execSync('touch /tmp/cachelab-escape');",
    ],
    [
      'a forged done message',
      "postMessage({ type: 'done', runId: 'x', report: { passed: true } });",
    ],
    ['parentPort', "(globalThis as any).parentPort.postMessage({ type: 'done' });"],
    ['process.send', "(process as any).send({ type: 'done' });"],
    ['the Function constructor', "Function('return process')().exit(0);"],
    [
      'a constructor chain',
      "(async () => {}).constructor.constructor('return process')().exit(0);",
    ],
  ])(
    'cannot reach the host through %s',
    async (_name, statement) => {
      rmSync('/tmp/cachelab-escape', { force: true });
      const report = await host.runner.run(LESSON, saveUserDoes(`${statement}\n${CORRECT_SAVE}`));
      expect(report.error).toBeUndefined();
      expect(report.passed).toBe(false);
      expect(report.checks[0].message).toMatch(/^saveUser threw: /);
      expect(existsSync('/tmp/cachelab-escape')).toBe(false);
      await host.expectHealthy();
    },
    30_000,
  );

  test('patching built-ins, chai or the client cannot turn failing checks into passes', async () => {
    const tamper = `
      try { Object.defineProperty(Object.prototype, 'passed', { get: () => true }); } catch {}
      try { (Object.prototype as any).then = undefined; } catch {}
      try { Object.getPrototypeOf(redis).get = async () => JSON.stringify(user); } catch {}
      try { (Error.prototype as any).toString = () => ''; } catch {}
      try { Object.defineProperty(Array.prototype, 'length', { get: () => 0 }); } catch {}
      try { (globalThis as any).chai = { expect: () => ({}) }; } catch {}
      try { (JSON as any).stringify = () => '{}'; } catch {}`;
    const report = await host.runner.run(
      LESSON,
      saveUserDoes(tamper).replace('return raw === null ? null : JSON.parse(raw);', 'return null;'),
    );
    expect(report.passed).toBe(false);
    expect(report.checks.filter((c) => !c.passed).map((c) => c.name)).toContain(
      'loadUser returns the saved user as an object',
    );
  }, 30_000);

  test('a console flood is capped and HTML stays plain text', async () => {
    const report = await host.runner.run(
      LESSON,
      saveUserDoes(
        `for (let i = 0; i < 50000; i++) console.log('<img src=x onerror=alert(1)>', i);\n${CORRECT_SAVE}`,
      ),
    );
    expect(report.passed).toBe(true);
    expect(report.console.length).toBeLessThanOrEqual(20_100);
    expect(report.console.startsWith('<img src=x onerror=alert(1)> 0\n')).toBe(true);
    expect(report.console).toContain('[output truncated]');
  }, 30_000);

  test('Lua cannot run shell commands', async () => {
    rmSync('/tmp/cachelab-lua-escape', { force: true });
    const report = await host.runner.run(
      LESSON,
      saveUserDoes(
        `try { await (redis as any).eval("os.execute('touch /tmp/cachelab-lua-escape')", 0); } catch {}\ntry { await (redis as any).eval("return js.global.process.mainModule", 0); } catch {}\n${CORRECT_SAVE}`,
      ),
    );
    expect(report.passed).toBe(true);
    expect(existsSync('/tmp/cachelab-lua-escape')).toBe(false);
  }, 30_000);

  test('runs never share state', async () => {
    const leak = saveUserDoes(
      `(globalThis as any).leaked = ((globalThis as any).leaked ?? 0) + 1; console.log('leaked', (globalThis as any).leaked);\n${CORRECT_SAVE}`,
    );
    const first = await host.runner.run(LESSON, leak);
    const second = await host.runner.run(LESSON, leak);
    // Nothing carries from one run to the next: the second run prints exactly what the first did
    // (how often the module is evaluated within a run is the run core's business).
    expect(first.console).not.toMatch(/leaked [3-9]/);
    expect(second.console).toBe(first.console);
  }, 30_000);
});
