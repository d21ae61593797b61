import { describe, expect, it } from 'vitest';
import {
  isBuiltWorkerRequest,
  isDevWorkerRequest,
  RUNNER_WORKER_CSP,
  staticHostHeaders,
} from '../../scripts/vite-csp.ts';

describe('runner worker CSP matching', () => {
  it('matches the dev worker URL only when it is requested as a worker', () => {
    expect(isDevWorkerRequest('/src/runner/browser/worker.ts?worker_file&type=module')).toBe(true);
    expect(isDevWorkerRequest('/src/runner/browser/worker.ts')).toBe(false);
    expect(isDevWorkerRequest('/src/runner/browser/runner-client.ts?worker_file')).toBe(false);
    expect(isDevWorkerRequest('/src/editor/editor.worker.ts?worker_file&type=module')).toBe(false);
  });

  it('matches the playground (Redis console) worker in dev and in a build', () => {
    expect(
      isDevWorkerRequest('/src/runner/browser/playground-worker.ts?worker_file&type=module'),
    ).toBe(true);
    expect(isDevWorkerRequest('/src/runner/browser/playground-worker.ts')).toBe(false);
    expect(isDevWorkerRequest('/src/runner/browser/playground-client.ts?worker_file')).toBe(false);
    expect(isBuiltWorkerRequest('/assets/playground-worker-C47_t85s.js')).toBe(true);
    expect(isBuiltWorkerRequest('/assets/playground-client-C47_t85s.js')).toBe(false);
    expect(isBuiltWorkerRequest('/assets/editor.worker-CX7Cj20z.js')).toBe(false);
  });

  it('matches the built worker chunk and nothing else', () => {
    expect(isBuiltWorkerRequest('/assets/runner-worker-C-ncH6gQ.js')).toBe(true);
    expect(isBuiltWorkerRequest('/assets/runner-worker-C-ncH6gQ.js?v=1')).toBe(true);
    expect(isBuiltWorkerRequest('/assets/index-CcJKpQtw.js')).toBe(false);
    expect(isBuiltWorkerRequest('/assets/runner-client-Buagwj_8.js')).toBe(false);
    expect(isBuiltWorkerRequest('/elsewhere/runner-worker-abc.js')).toBe(false);
  });

  it('honours a sub-path base in dev, preview and the _headers file', () => {
    expect(isDevWorkerRequest('/course/src/runner/browser/worker.ts?worker_file', '/course/')).toBe(
      true,
    );
    expect(isBuiltWorkerRequest('/course/assets/runner-worker-x1.js', '/course/')).toBe(true);
    expect(isBuiltWorkerRequest('/assets/runner-worker-x1.js', '/course/')).toBe(false);
    expect(isBuiltWorkerRequest('/course/assets/playground-worker-x1.js', '/course/')).toBe(true);
    expect(staticHostHeaders('/course/')).toBe(
      `/course/assets/runner-worker-*\n  Content-Security-Policy: ${RUNNER_WORKER_CSP}\n` +
        `/course/assets/playground-worker-*\n  Content-Security-Policy: ${RUNNER_WORKER_CSP}\n`,
    );
  });
});
