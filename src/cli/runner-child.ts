/**
 * Entry of a runner child process (the body is child-main.ts). Kept to one file that imports only
 * what a run needs, so the CLI's build can bundle it alone. Its configuration is one JSON
 * argument (ChildConfig).
 */
// First: loads ioredis-mock and locks the realm down before the runner modules evaluate.
import { RedisMock } from './child-realm.ts';
import { startChild } from './child-main.ts';

const startedAt = performance.now();
await startChild(RedisMock, process.argv[2] ?? '{}', startedAt);
