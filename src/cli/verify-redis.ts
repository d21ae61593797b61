/**
 * `cachelab verify --redis <url>`: every lesson's solution and starter, graded on the sandbox
 * and on a real Redis, in two Node runners. Both runners keep learner code in their locked-down
 * worker threads; the server runner's workers reach Redis through this process (see
 * server-backend.ts for why the sockets live here).
 */
import type { Lesson } from '../lessons/schema.ts';
import type { NodeRunner, NodeRunnerOptions } from './node-host.ts';
import { connectServer } from './redis-server-host.ts';
import { ServerError, type ServerTarget } from './redis-url.ts';
import { verifyLessonsOnServer, type VerifyResult } from './verify.ts';

/** How to run: whether a non-empty database may be emptied, and how runners are made. */
export interface VerifyOnRedisOptions {
  /** Allow emptying a database that holds keys (`--flush`). */
  flush: boolean;
  /** `--timeout`, as given. */
  timeout?: string;
  /** Makes a Node runner, on the sandbox or (with `server`) on the real server. */
  runnerFor(
    root: string,
    timeout: string | undefined,
    server?: NodeRunnerOptions['server'],
  ): Promise<NodeRunner>;
}

/** Verifies lessons on the sandbox and on the server at `target`, and compares them check by check. */
export async function verifyOnRedis(
  root: string,
  lessons: readonly Lesson[],
  target: ServerTarget,
  options: VerifyOnRedisOptions,
): Promise<VerifyResult> {
  const server = await connectServer(target);
  try {
    // Checks flush the database between them: never do that to someone's data unasked.
    const keys = await server.dbsize();
    if (keys > 0 && !options.flush) {
      throw new ServerError(
        `refusing to run: database ${target.db} on ${target.display} holds ${keys} key${keys === 1 ? '' : 's'}, ` +
          'and verify --redis empties the database before every check. Point --redis at an empty ' +
          'database (its path picks one, e.g. /15), or pass --flush to allow emptying this one.',
      );
    }
    const sandbox = await options.runnerFor(root, options.timeout);
    const onServer = await options
      .runnerFor(root, options.timeout, server)
      .catch(async (error: unknown) => {
        await sandbox.close();
        throw error;
      });
    try {
      // Per-lesson timings should not include the workers' start-up.
      await Promise.all([sandbox.lastStartupMs(), onServer.lastStartupMs()]);
      const result = await verifyLessonsOnServer(
        lessons,
        (lesson, source) => sandbox.run(lesson, source),
        (lesson, source) => onServer.run(lesson, source),
      );
      return { ...result, redis: target.display };
    } finally {
      await Promise.all([sandbox.close(), onServer.close()]);
      // Leave the database empty, as it was found (or as --flush allowed).
      await server.flush();
    }
  } finally {
    await server.close();
  }
}
