/**
 * The body of a runner child process: the CLI's isolation unit for learner code. It only wires
 * the shared worker loop (src/runner/worker-loop.ts) to fd 3, a pipe the parent opened for framed
 * JSON (frame-channel.ts). The parent (child-endpoint.ts) starts it under an OS memory limit
 * and kills it with SIGKILL when a run goes over time or memory, so whatever learner code does
 * here, only this process dies.
 *
 * Two entries call `startChild`: runner-child.ts (load, lock down, start) and child-snapshot.ts
 * (load and lock down while a startup snapshot is built; start in every process made from it).
 * Either way the realm is locked down before this module's imports evaluate, and nothing from
 * the process (fd 3, argv) is touched before `startChild` runs.
 */
import { readdirSync } from 'node:fs';
import { Socket } from 'node:net';
import path from 'node:path';
import type { CheckSuite } from '../runner/checks-api.ts';
import { BOUNDARY_LIMITS } from '../runner/limits.ts';
import { mockBackend, type RedisBackend } from '../runner/redis-backend.ts';
import { startWorkerLoop } from '../runner/worker-loop.ts';
import {
  decodeBytes,
  encodeBytes,
  encodeFrame,
  encodeFrames,
  frameReader,
} from './frame-channel.ts';
import { loadCheckSuite } from './load-checks.ts';
import { notesWriter } from './notes-file.ts';

/** What the parent passes as the child's last argument, as JSON. */
export interface ChildConfig {
  /** The folder holding the `NN-slug` lesson folders. */
  lessonsDir: string;
  /** Soft timeout per learner call, in ms. */
  checkTimeoutMs: number;
  /** `verify --redis`: runs go to the parent's server connections over the channel. */
  server?: boolean;
}

/** Prefix of a frame for the supervisor (protocol.ts messages). */
export const LOOP_FRAME = 'm';
/** Prefix of a frame of `verify --redis` traffic. */
export const REDIS_FRAME = 'r';

/** The ioredis-mock class, as child-realm.ts loaded it before lockdown. */
type RedisMockClass = Parameters<typeof mockBackend>[0];

/**
 * Starts the child: binds fd 3, warms up (the self-test), then serves runs. `startedAt` is
 * `performance.now()` when the process began its own work, for the `ready` message's start-up.
 */
export async function startChild(
  RedisMock: RedisMockClass,
  configJson: string,
  startedAt = 0,
): Promise<void> {
  const config = JSON.parse(configJson) as ChildConfig;

  // The channel is bound before any learner code exists; learner code never sees `process`,
  // `require` or this module's scope, only what its Compartment is given.
  const channel = new Socket({ fd: 3, readable: true, writable: true });
  const write = (text: string) => channel.write(encodeFrame(text));

  // Learner code can leave rejected promises behind (a fire-and-forget command that fails); they
  // must not end the process. An exception nobody caught is different: this process can no
  // longer be trusted, so it dies and the parent reports `crashed`.
  process.on('unhandledRejection', () => {});
  process.on('uncaughtException', () => process.exit(70));
  // The parent going away (it was killed, or closed the pool) ends the child too.
  channel.on('close', () => process.exit(0));
  channel.on('error', () => process.exit(0));

  const mock = mockBackend(RedisMock);
  const redisListeners: ((value: unknown) => void)[] = [];
  // Loaded only by `verify --redis` children: grading never pays for the faithful client.
  const backend: RedisBackend = config.server
    ? (await import('./server-backend.ts')).serverBackend({
        on: (_event, listener) => redisListeners.push(listener),
        postMessage: (value) => write(REDIS_FRAME + JSON.stringify(encodeBytes(value))),
      })
    : mock;

  /** The lesson folder of each slug, read once. */
  let folders: Map<string, string> | undefined;
  const folderOf = (slug: string): string | undefined => {
    if (!folders) {
      folders = new Map();
      for (const entry of readdirSync(config.lessonsDir, { withFileTypes: true })) {
        const match = /^\d+-(.+)$/.exec(entry.name);
        if (entry.isDirectory() && match) folders.set(match[1]!, entry.name);
      }
    }
    return folders.get(slug);
  };

  const post = (text: string) => write(LOOP_FRAME + text);
  // Progress notes and finished checks' results go to the notes file the pool gave this child
  // (notes-file.ts), not the pipe: the pool reads them only when a run ends without `done`.
  const notes = notesWriter(post);
  const loop = startWorkerLoop({
    post,
    ...(notes ? { postNote: notes.note, postResult: notes.result } : {}),
    // Without a notes file: a check's result and the next check's start note share one write.
    postMany: (texts) => channel.write(encodeFrames(texts.map((text) => LOOP_FRAME + text))),
    backend,
    warmupBackend: mock,
    loadSuite(slug): CheckSuite<unknown> | undefined {
      const folder = folderOf(slug);
      if (!folder) return undefined;
      return loadCheckSuite(
        path.join(config.lessonsDir, folder, 'checks.ts'),
        `${folder}/checks.ts`,
      );
    },
    checkTimeoutMs: config.checkTimeoutMs,
    uptimeMs: () => performance.now() - startedAt,
    snapshot: false,
    // The CLI shows no trace or keyspace (grade's --json leaves them out too): not made at all.
    insight: false,
  });

  channel.on(
    'data',
    frameReader(BOUNDARY_LIMITS.frameBytes, {
      onFrame(text) {
        if (text.startsWith(REDIS_FRAME)) {
          const value = decodeBytes(JSON.parse(text.slice(1)));
          for (const listener of redisListeners) listener(value);
        } else {
          loop.receive(text.slice(1));
        }
      },
      onOversize: () => process.exit(71),
    }),
  );
}
