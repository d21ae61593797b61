/**
 * Learner code tries to hide commands from the trace or forge entries in it. The trace is
 * recorded by the sandbox's client facade, outside the learner's reach, so none of it works.
 * (It hardens the realm, so it runs inside tests/runner/locked-realm.test.ts.)
 */
import RedisMock from 'ioredis-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineChecks } from '../../src/runner/checks-api.ts';
import { hardenRealm } from '../../src/runner/harden.ts';
import { mockBackend } from '../../src/runner/redis-backend.ts';
import type { RunReport, TraceEntry } from '../../src/runner/report.ts';
import { runLesson } from '../../src/runner/run-lesson.ts';

const learnerSource = `
import Redis from 'ioredis';

export async function tamper(redis: any) {
  const outcomes: string[] = [];
  const attempt = (label: string, fn: () => unknown) => {
    try {
      fn();
      outcomes.push(label + ': allowed');
    } catch {
      outcomes.push(label + ': blocked');
    }
  };
  // Swap the client's methods so commands skip the recorder.
  attempt('assign set', () => { redis.set = async () => 'OK'; });
  attempt('patch prototype', () => { Object.getPrototypeOf(redis).get = async () => null; });
  attempt('define del', () => Object.defineProperty(redis, 'del', { value: async () => 1 }));
  attempt('patch pipeline exec', () => { Object.getPrototypeOf(redis.multi()).exec = async () => []; });
  // Break the recorder's own bookkeeping.
  attempt('patch Array push', () => { Array.prototype.push = () => 0; });
  attempt('patch Function call', () => { (Function.prototype as any).call = () => undefined; });
  // Reach internals to write entries directly.
  for (const name of ['recorder', 'binding', 'raw', 'data', 'expires', 'trace', 'log', 'sendCommand', 'executeRaw', 'options']) {
    if (redis[name] !== undefined) outcomes.push('exposed: ' + name);
  }
  try {
    await Object.getPrototypeOf(redis.multi()).exec.call({ queue: [['set', 'forged', '1']] });
    outcomes.push('run exec on a forged pipeline: allowed');
  } catch {
    outcomes.push('run exec on a forged pipeline: blocked');
  }

  // Every route a command can take must still be recorded.
  await redis.set('visible', '1');
  // ioredis's call() is part of the fidelity issue; where the facade has it, it must record too.
  if (typeof redis.call === 'function') await redis.call('SET', 'via-call', '1');
  else outcomes.push('no call()');
  await redis.multi().set('via-multi', '1').exec();
  await redis.pipeline().set('via-pipeline', '1').exec();
  await new Redis().set('via-own-client', '1');
  // The check's client is not the learner's module's: making a client from its constructor is
  // refused outright (nothing runs, so nothing can go unrecorded).
  try {
    await new redis.constructor().set('via-constructor', '1');
    outcomes.push('check client constructor: allowed');
  } catch {
    outcomes.push('check client constructor: refused');
  }
  await redis.duplicate().set('via-duplicate', '1');
  return outcomes;
}
`;

let report: RunReport;
let outcomes: string[] = [];

const suite = defineChecks<{ tamper(redis: unknown): Promise<string[]> }>({
  exports: ['tamper'],
  checks: [
    {
      name: 'tamper attempts run',
      async run({ learner, client, redis }) {
        // The check's own client is not the learner's: its commands stay out of the trace.
        await redis.set('check-setup', 'x');
        outcomes = await learner.tamper(client);
      },
    },
  ],
});

beforeAll(async () => {
  hardenRealm();
  report = await runLesson(
    { lesson: 'tamper', source: learnerSource, suite },
    { backend: mockBackend(RedisMock) },
  );
});

const setKeys = (trace: TraceEntry[]) =>
  trace.filter((e) => e.command === 'SET').map((e) => e.args[0]);

describe('trace recording under tampering', () => {
  it('runs the learner code to the end', () => {
    expect(report.error).toBeUndefined();
    expect(report.checks[0].message).toBeUndefined();
    expect(report.checks[0].passed).toBe(true);
  });

  it('refuses every attempt to swap the client, the recorder or built-ins', () => {
    expect(outcomes.filter((o) => o.endsWith(': allowed') || o.startsWith('exposed'))).toEqual([]);
    expect(outcomes.filter((o) => o.endsWith(': blocked'))).toHaveLength(7);
  });

  it('records every command the learner sent, by every route, in order', () => {
    const trace = report.checks[0].trace ?? [];
    const hasCall = !outcomes.includes('no call()');
    expect(setKeys(trace)).toEqual([
      'visible',
      ...(hasCall ? ['via-call'] : []),
      'via-multi',
      'via-pipeline',
      'via-own-client',
      ...(outcomes.some((o) => o.endsWith('constructor: allowed')) ? ['via-constructor'] : []),
      'via-duplicate',
    ]);
    expect(trace.find((e) => e.args[0] === 'visible')).toMatchObject({
      command: 'SET',
      args: ['visible', '1'],
      reply: 'OK',
    });
    expect(trace.map((e) => e.command)).toContain('EXEC');
  });

  it('keeps the check’s own commands out of the learner’s trace', () => {
    expect(setKeys(report.checks[0].trace ?? [])).not.toContain('check-setup');
  });

  it('gives entries times that only move forward', () => {
    const times = (report.checks[0].trace ?? []).map((e) => e.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
