import type { KeyspaceSnapshot } from './keyspace-snapshot.ts';

/** Why a whole run stopped before its checks could give a verdict. */
export type RunErrorKind = 'compile' | 'load' | 'timeout' | 'memory' | 'violation';

/** A run-level failure: the code never got as far as the checks, or the run was cut short. */
export interface RunError {
  /** Which of the five run-level failures this is. */
  kind: RunErrorKind;
  /** Learner-facing explanation, e.g. "Unexpected token (3:7)". */
  message: string;
  /** 1-based line in the learner's file, when known. */
  line?: number;
  /** 1-based column in the learner's file, when known. */
  column?: number;
}

/** One Redis command as the learner's code sent it, with the reply it got. */
export interface TraceEntry {
  /** Command name in upper case, e.g. "SET". */
  command: string;
  /** Arguments as the client sent them, stringified. */
  args: string[];
  /** The reply, formatted the way redis-cli prints it. */
  reply: string;
  /** Milliseconds since the check started. */
  atMs: number;
}

/** A key as the learner's code left it in the store. */
export interface KeyspaceEntry {
  /** The key name. */
  key: string;
  /** Redis type name: string, hash, list, set or zset. */
  type: string;
  /** A short, plain-text preview of the value. */
  preview: string;
  /** Remaining time to live in ms, or null when the key does not expire. */
  ttlMs: number | null;
}

/** The verdict of one check. */
export interface CheckResult {
  /** The learner-facing sentence that names the check. */
  name: string;
  /** Whether the check passed. */
  passed: boolean;
  /** Why it failed, with expected vs received where that applies. */
  message?: string;
  /** Where in the learner's file the failure happened, when known. */
  line?: number;
  /** Column of that place, when known. */
  column?: number;
  /** Wall-clock time of the check. */
  durationMs: number;
  /** Commands the learner's code sent during this check (capped). */
  trace?: TraceEntry[];
  /** How many trace entries were left out by the cap. */
  traceOmitted?: number;
  /** The keyspace at the end of the check. */
  keyspace?: KeyspaceEntry[];
  /** How far the check moved the fake clock, in ms. */
  clockAdvancedMs?: number;
}

/** Everything a run produced; the same shape in the browser and in the CLI. */
export interface RunReport {
  /** The lesson slug. */
  lesson: string;
  /** True only when there is no run error and every check passed. */
  passed: boolean;
  /** One result per check, in the order the lesson defines them. */
  checks: CheckResult[];
  /** Set when the run failed as a whole. */
  error?: RunError;
  /** The learner's console output, formatted like Node's inspect and capped. */
  console: string;
  /** Wall-clock duration of the whole run. */
  durationMs: number;
  /** Raw keys the final check's store held, so the in-page console can start from them. */
  snapshot?: KeyspaceSnapshot;
}
