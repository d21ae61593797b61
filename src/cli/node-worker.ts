/**
 * The CLI's runner thread: the Node twin of the browser's runner worker. It imports
 * ioredis-mock, locks the realm down, warms up, says `ready`, then answers `run`
 * messages (src/runner/protocol.ts) one at a time. Learner code never sees `parentPort`,
 * `process` or `require`: it only gets what the Compartment is given.
 */
import RedisMock from 'ioredis-mock';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CheckSuite } from '../runner/checks-api.ts';
import { hardenRealm } from '../runner/harden.ts';
import { fromWorkerSchema, toWorkerSchema, type FromWorker } from '../runner/protocol.ts';
import { mockBackend } from '../runner/redis-backend.ts';
import { runLesson } from '../runner/run-lesson.ts';
import { WARMUP_SOURCE, warmupSuite } from '../runner/warmup.ts';
import { lessonFilePath, loadLessonsFromDisk } from './load-lessons.ts';
import { serverBackend } from './server-backend.ts';
import type { Lesson } from '../lessons/schema.ts';

/** What the host passes in `workerData`. */
export interface NodeWorkerData {
  /** Folder that holds `lessons/`. */
  root: string;
  /** Soft timeout per learner call, in ms. */
  checkTimeoutMs: number;
  /** `verify --redis`: the port to the host's connections to a real server (see server-backend.ts). */
  redisPort?: MessagePort;
}

const startedAt = performance.now();
const port = parentPort;
if (!port) throw new Error('node-worker.ts must run in a worker thread');
const config = workerData as NodeWorkerData;

hardenRealm();
const backend = mockBackend(RedisMock);
// Runs go to the real server when the host gave us a port to it; the warm-up stays on the mock.
const runBackend = config.redisPort ? serverBackend(config.redisPort) : backend;

// Learner code can leave rejected promises behind (a fire-and-forget command that fails);
// in a worker thread that would end the thread, so note and ignore them.
process.on('unhandledRejection', () => {});

let lessons: Promise<Map<string, Lesson>> | undefined;
const suites = new Map<string, Promise<CheckSuite<unknown>>>();

function lessonBySlug(slug: string): Promise<Lesson | undefined> {
  lessons ??= loadLessonsFromDisk(config.root).then(
    (list) => new Map(list.map((l) => [l.slug, l])),
  );
  return lessons.then((map) => map.get(slug));
}

function suiteFor(lesson: Lesson): Promise<CheckSuite<unknown>> {
  let suite = suites.get(lesson.slug);
  if (!suite) {
    const url = pathToFileURL(lessonFilePath(config.root, lesson, 'checks.ts')).href;
    suite = import(url).then((mod: { default?: CheckSuite<unknown> }) => {
      if (!mod.default || !Array.isArray(mod.default.checks)) {
        throw new Error(
          `lessons/${lesson.folder}/checks.ts must export default defineChecks({ ... })`,
        );
      }
      return mod.default;
    });
    suites.set(lesson.slug, suite);
  }
  return suite;
}

function send(message: FromWorker): void {
  port!.postMessage(fromWorkerSchema.parse(message));
}

async function handle(raw: unknown): Promise<void> {
  const parsed = toWorkerSchema.safeParse(raw);
  if (!parsed.success) return;
  const message = parsed.data;
  const lesson = await lessonBySlug(message.lesson);
  if (!lesson) {
    send({ type: 'fatal', message: `Unknown lesson "${message.lesson}"` });
    return;
  }
  const suite = await suiteFor(lesson);
  const report = await runLesson(
    { lesson: message.lesson, source: message.source, suite },
    {
      backend: runBackend,
      checkTimeoutMs: config.checkTimeoutMs,
      onCheck: (index, result) => send({ type: 'check', runId: message.runId, index, result }),
    },
  );
  send({ type: 'done', runId: message.runId, report });
}

// Warm up before saying ready, so the first real run is already a warm one. Messages that
// arrive meanwhile wait in the queue: runs never overlap.
let queue: Promise<void> = runLesson(
  { lesson: 'warmup', source: WARMUP_SOURCE, suite: warmupSuite },
  { backend },
).then(() => send({ type: 'ready', startupMs: Math.round(performance.now() - startedAt) }));
port.on('message', (raw: unknown) => {
  queue = queue
    .then(() => handle(raw))
    .catch((error: unknown) =>
      send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) }),
    );
});
