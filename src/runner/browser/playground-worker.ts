/**
 * The browser host of the console's playground store: a module Web Worker of its own, so the
 * console never shares a store (or a crash) with the runner. It only ever runs Redis commands
 * typed by the learner; replies go through the protocol schema before they are posted.
 */
import './ioredis-mock-shim.ts';
import RedisMock from 'ioredis-mock';
import { createPlayground, createPlaygroundHost } from '../playground.ts';
import type { FromPlayground } from '../playground-protocol.ts';

/** The parts of a worker's global scope this host uses (the project's lib is DOM, not WebWorker). */
interface WorkerScope {
  postMessage(message: FromPlayground): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const post = (message: FromPlayground) => scope.postMessage(message);

try {
  const playground = createPlayground(() => new RedisMock({ host: 'cachelab-playground' }));
  const onMessage = createPlaygroundHost(playground, post);
  scope.addEventListener('message', (event) => void onMessage(event.data));
  post({ type: 'ready', startupMs: Math.round(performance.now()) });
} catch (error) {
  post({
    type: 'fatal',
    message: `The console store could not start: ${error instanceof Error ? error.message : String(error)}`,
  });
}
