/* eslint-disable @typescript-eslint/no-unused-expressions -- a chai property assertion is an expression */
import { describe, expect, it } from 'vitest';
import { toWorkerSchema } from '../../src/runner/protocol.ts';
import { Supervisor, type WorkerEndpoint } from '../../src/runner/supervisor.ts';
import { startWorkerLoop } from '../../src/runner/worker-loop.ts';
import type { RunReport } from '../../src/runner/report.ts';
import { backend, checks, run } from './harness.ts';

/**
 * chai's typo guard (RunOptions.strictChecks): `cachelab verify` runs checks with it, so a check
 * that misspells an assertion fails there instead of asserting nothing; learner runs go without
 * it (chai's Proxy per assertion made each one about five times slower).
 */

const SOURCE = 'export function one() { return 1; }';
// `ture` is not a chai word: with the guard it throws, without it the line asserts nothing.
const misspelt = checks(async ({ learner, expect: chaiExpect }) => {
  const value: unknown = await learner.one();
  (chaiExpect(value).to.be as unknown as Record<string, unknown>).ture;
});
const sound = checks(async ({ learner, expect: chaiExpect }) => {
  chaiExpect(await learner.one()).to.equal(1);
});

describe('chai typo guard in a run', () => {
  it('fails a check that uses an assertion chai does not know, when strict', async () => {
    const report = await run(SOURCE, misspelt, { strictChecks: true });
    expect(report.checks[0]!.passed).toBe(false);
    expect(report.checks[0]!.message).toMatch(/Invalid Chai property: ture/);
  });

  it('lets that line assert nothing in a learner run (the control: the guard is what fails it)', async () => {
    const report = await run(SOURCE, misspelt);
    expect(report.checks[0]!.passed).toBe(true);
  });

  it('is set per run: a strict run does not leave the guard on for the next', async () => {
    await run(SOURCE, misspelt, { strictChecks: true });
    expect((await run(SOURCE, misspelt)).checks[0]!.passed).toBe(true);
    expect((await run(SOURCE, misspelt, { strictChecks: true })).checks[0]!.passed).toBe(false);
  });

  it('passes sound checks either way', async () => {
    expect((await run(SOURCE, sound, { strictChecks: true })).passed).toBe(true);
    expect((await run(SOURCE, sound)).passed).toBe(true);
  });
});

describe('chai typo guard across the worker boundary', () => {
  /** A worker loop in this realm whose only lesson is `misspelt`; resolves each run's report. */
  function loop() {
    const done = new Map<string, (report: RunReport) => void>();
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const worker = startWorkerLoop({
      post(text) {
        const message = JSON.parse(text) as { type: string; runId?: string; report?: RunReport };
        if (message.type === 'ready') ready();
        if (message.type === 'done') done.get(message.runId!)?.(message.report!);
      },
      backend,
      loadSuite: () => misspelt,
      checkTimeoutMs: 300,
      uptimeMs: () => 0,
    });
    return {
      started,
      run: (message: { runId: string; strict?: boolean }) =>
        new Promise<RunReport>((resolve) => {
          done.set(message.runId, resolve);
          worker.receive(JSON.stringify({ type: 'run', lesson: 'x', source: SOURCE, ...message }));
        }),
    };
  }

  it('a run message with `strict` runs the checks strictly, one without does not', async () => {
    const worker = loop();
    await worker.started;
    expect((await worker.run({ runId: 'a', strict: true })).passed).toBe(false);
    expect((await worker.run({ runId: 'b' })).passed).toBe(true);
  });

  it('the protocol refuses any other value of `strict`', () => {
    const base = { type: 'run', runId: 'r', lesson: 'x', source: '' };
    expect(toWorkerSchema.safeParse({ ...base, strict: true }).success).toBe(true);
    expect(toWorkerSchema.safeParse({ ...base, strict: false }).success).toBe(false);
    expect(toWorkerSchema.safeParse({ ...base, strict: 'yes' }).success).toBe(false);
  });

  it('a supervisor with strictChecks asks for it in every run, one without never does', async () => {
    for (const strictChecks of [true, false]) {
      const posted: unknown[] = [];
      let listener: (raw: unknown) => void = () => undefined;
      const endpoint: WorkerEndpoint = {
        post(message) {
          posted.push(message);
          if (message.type === 'run')
            queueMicrotask(() =>
              listener(
                JSON.stringify({
                  type: 'done',
                  runId: message.runId,
                  report: { lesson: 'x', passed: true, checks: [], console: '', durationMs: 1 },
                }),
              ),
            );
        },
        onMessage: (l) => (listener = l),
        onError: () => undefined,
        terminate: () => undefined,
      };
      const supervisor = new Supervisor(endpoint, {
        startupTimeoutMs: 1000,
        hardTimeoutMs: 1000,
        ...(strictChecks ? { strictChecks } : {}),
      });
      listener(JSON.stringify({ type: 'ready', startupMs: 1 }));
      await supervisor.run('x', SOURCE);
      const runMessage = posted.find((m) => (m as { type: string }).type === 'run');
      expect((runMessage as { strict?: boolean }).strict).toBe(strictChecks ? true : undefined);
      supervisor.terminate();
    }
  });
});
