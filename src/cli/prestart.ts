/**
 * Starts the runner child of a one-file `cachelab grade` before the CLI's own modules load.
 *
 * One file's grade is two Node start-ups in a row: this process, then the runner child it
 * spawns (about 110 ms each on a 2-core machine, plus the child's lockdown and self-test). The
 * bin calls this first thing, so the child boots on the second core while this process loads
 * the grader, parses the arguments again and reads the file. The child is started exactly as
 * the pool would start it (pool-plan.ts, childSpawnOptions), and the pool takes it only if its
 * options are the same; otherwise, and whenever the command ends without taking it, it is
 * stopped. So this changes when a child starts, never which child or with what limits: the
 * isolation is the pool's, unchanged.
 *
 * Only arguments main.ts would accept for one file are acted on; anything else (a folder,
 * several files, an unknown option, --help) starts nothing and leaves main.ts to answer.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  childSpawnOptions,
  DEFAULT_CHILD_ENTRY,
  prestartChild,
  type PrestartedChild,
} from './child-endpoint.ts';
import { CLI_OPTIONS } from './cli-options.ts';
import { PACKAGE_ROOT } from './package-root.ts';
import { poolPlan } from './pool-plan.ts';

/** The runner child for `cachelab <args>` run in `cwd`, started now; undefined when it needs none now. */
export function prestart(args: readonly string[], cwd: string): PrestartedChild | undefined {
  try {
    if (args[0] !== 'grade') return undefined;
    const { values, positionals } = parseArgs({
      args: args.slice(1),
      options: CLI_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (values.help || positionals.length !== 1) return undefined;
    if (values.course !== undefined && values.root !== undefined) return undefined;
    if (!statSync(path.resolve(cwd, positionals[0]!)).isFile()) return undefined;
    const dir = values.course ?? values.root;
    const plan = poolPlan(dir === undefined ? PACKAGE_ROOT : path.resolve(cwd, dir));
    return prestartChild(
      childSpawnOptions(
        { lessonsDir: plan.lessonsDir, childEntry: plan.childEntry ?? DEFAULT_CHILD_ENTRY },
        plan.snapshot?.blob,
      ),
    );
  } catch {
    // Not a file, bad arguments: main.ts reports it; a child that could not start is started
    // again by the pool, which reports what goes wrong then.
    return undefined;
  }
}
