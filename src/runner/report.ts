/**
 * The shapes a run produces, the same in the browser and in the CLI. They are inferred from the
 * protocol's zod schemas (protocol.ts), so the type and the check at the boundary cannot drift.
 */
import type { z } from 'zod/mini';
import type {
  checkResultSchema,
  runErrorKindSchema,
  runReportSchema,
  truncatedPartSchema,
} from './protocol.ts';

/** Everything a run produced: lesson, verdict, one result per check, a run error, console. */
export type RunReport = z.infer<typeof runReportSchema>;

/** The verdict of one check, with its trace and keyspace. */
export type CheckResult = z.infer<typeof checkResultSchema>;

/** A run-level failure: the code never got as far as the checks, or the run was cut short. */
export type RunError = NonNullable<RunReport['error']>;

/** Why a whole run stopped: compile, load, timeout, memory, violation or crashed. */
export type RunErrorKind = z.infer<typeof runErrorKindSchema>;

/** One Redis command as the learner's code sent it, with the reply it got. */
export type TraceEntry = NonNullable<CheckResult['trace']>[number];

/** A key as the learner's code left it in the store. */
export type KeyspaceEntry = NonNullable<CheckResult['keyspace']>[number];

/** A part of a report that was cut to fit the boundary caps. */
export type TruncatedPart = z.infer<typeof truncatedPartSchema>;
