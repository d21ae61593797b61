import './bin/register-ts.mjs';
const RedisMock = (await import('ioredis-mock')).default;
const { hardenRealm, realmClock } = await import('./src/runner/harden.ts');
const { transpileLearner } = await import('./src/runner/transpile.ts');
const { createSandbox } = await import('./src/runner/sandbox.ts');
const { createConsoleCapture } = await import('./src/runner/console-capture.ts');
const { runLesson } = await import('./src/runner/run-lesson.ts');
const { mockBackend } = await import('./src/runner/redis-backend.ts');
hardenRealm();
const fs = await import('node:fs');
const src = fs.readFileSync('lessons/01-key-value-basics/solution.ts', 'utf8');
const suite = (await import('./lessons/01-key-value-basics/checks.ts')).default;
const backend = mockBackend(RedisMock);
const N = 200;
const t = { transpile: 0, sandbox: 0, evaluate: 0, run: 0 };
for (let i = 0; i < N + 50; i++) {
  const a = performance.now();
  const c = transpileLearner(src);
  const b = performance.now();
  const s = createSandbox(createConsoleCapture(), realmClock());
  const d = performance.now();
  s.evaluate(c.code);
  const e = performance.now();
  await runLesson({ lesson: 'x', source: src, suite }, { backend });
  const f = performance.now();
  if (i >= 50) { t.transpile += b - a; t.sandbox += d - b; t.evaluate += e - d; t.run += f - e; }
}
for (const k in t) console.log(k, (t[k] / N).toFixed(3));
