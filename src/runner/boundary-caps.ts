/**
 * Clamps what a worker posts to the caps in limits.ts, so that one enormous or malformed value a
 * learner produced (a 40 MB string named ten times in one command, a NaN TTL, a line number of
 * zero) is cut or dropped here, in the worker, and marked as cut, instead of reaching the host or
 * failing the schema of the whole message. Pure: no host APIs.
 */
import { TRUNCATED_LINE } from './console-capture.ts';
import { BOUNDARY_LIMITS as L } from './limits.ts';
import type { CheckResult, KeyspaceEntry, RunError, RunReport, TraceEntry } from './report.ts';
import type { TruncatedPart } from './report.ts';

/** Marks a cut string the way the readable output shows it. */
export const CUT_MARK = '…';

/** Cuts `value` to `max` characters (an unpaired surrogate at the cut is dropped). */
export function clip(value: unknown, max: number, cut?: () => void): string {
  const s = typeof value === 'string' ? value : String(value);
  if (s.length <= max) return s;
  cut?.();
  let end = max - CUT_MARK.length;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return s.slice(0, end) + CUT_MARK;
}

const TRUNCATED_PARTS: ReadonlySet<unknown> = new Set<TruncatedPart>([
  'trace',
  'console',
  'keyspace',
  'message',
  'checks',
]);

/**
 * The known marks of `truncated` (anything else is dropped): the worker loop posts a clamped
 * check without parsing it again, so what the clamp emits must meet the schema on its own.
 */
function knownCuts(value: unknown): Set<TruncatedPart> {
  const cuts = new Set<TruncatedPart>();
  if (Array.isArray(value))
    for (const part of value) if (TRUNCATED_PARTS.has(part)) cuts.add(part as TruncatedPart);
  return cuts;
}

/** A finite number, or `fallback`. */
function finite(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** A positive integer, or undefined (an invalid line or column is dropped, not fatal). */
function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 2 ** 31
    ? value
    : undefined;
}

/** Clamps the checks and the report of one run; trace text shares one budget per run. */
export interface ReportClamp {
  /** The check at `index` as it may be posted; the same index always gives the same result. */
  check(index: number, result: CheckResult): CheckResult;
  /** The report as it may be posted (checks clamped by `check`). */
  report(report: RunReport): RunReport;
}

/**
 * One check's result clamped to the caps on its own (no run-wide trace budget): long keys,
 * arguments and previews are cut and marked, never a reason to lose the check's verdict.
 */
export function clampCheckResult(result: CheckResult): CheckResult {
  return createReportClamp().check(0, result);
}

/** A clamp for one run. */
export function createReportClamp(): ReportClamp {
  let traceBudget: number = L.traceRunChars;
  const clamped = new Map<number, CheckResult>();

  const clampTrace = (entries: unknown, cuts: Set<TruncatedPart>): TraceEntry[] | undefined => {
    if (!Array.isArray(entries)) return undefined;
    const out: TraceEntry[] = [];
    const cut = () => cuts.add('trace');
    for (const entry of entries.slice(0, L.traceEntries) as TraceEntry[]) {
      if (traceBudget <= 0) {
        cut();
        break;
      }
      const args = Array.isArray(entry.args) ? entry.args : [];
      if (args.length > L.traceArgs) cut();
      const kept = args.slice(0, L.traceArgs).map((a) => clip(a, L.traceArgChars, cut));
      const item: TraceEntry = {
        command: clip(entry.command, L.traceArgChars, cut),
        args: kept,
        reply: clip(entry.reply, L.traceArgChars, cut),
        atMs: finite(entry.atMs, 0),
      };
      traceBudget -= item.command.length + item.reply.length;
      for (const a of kept) traceBudget -= a.length;
      out.push(item);
    }
    if (entries.length > L.traceEntries) cut();
    return out;
  };

  const clampKeyspace = (
    entries: unknown,
    cuts: Set<TruncatedPart>,
  ): KeyspaceEntry[] | undefined => {
    if (!Array.isArray(entries)) return undefined;
    const cut = () => cuts.add('keyspace');
    if (entries.length > L.keyspaceEntries) cut();
    return (entries.slice(0, L.keyspaceEntries) as KeyspaceEntry[]).map((e) => ({
      key: clip(e.key, L.keyChars, cut),
      type: clip(e.type, L.keyChars, cut),
      preview: clip(e.preview, L.keyChars, cut),
      ttlMs: typeof e.ttlMs === 'number' && Number.isFinite(e.ttlMs) ? e.ttlMs : null,
    }));
  };

  const check = (index: number, result: CheckResult): CheckResult => {
    const memo = clamped.get(index);
    if (memo) return memo;
    const cuts = knownCuts(result.truncated);
    const message = () => cuts.add('message');
    const trace = clampTrace(result.trace, cuts);
    const keyspace = clampKeyspace(result.keyspace, cuts);
    const line = positiveInt(result.line);
    const column = line === undefined ? undefined : positiveInt(result.column);
    const out: CheckResult = {
      name: clip(result.name, L.messageChars, message),
      passed: result.passed === true,
      ...(result.message !== undefined
        ? { message: clip(result.message, L.messageChars, message) }
        : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      durationMs: finite(result.durationMs, 0),
      ...(trace ? { trace } : {}),
      ...(positiveInt(result.traceOmitted) ? { traceOmitted: result.traceOmitted } : {}),
      ...(keyspace ? { keyspace } : {}),
      ...(result.clockAdvancedMs !== undefined
        ? { clockAdvancedMs: finite(result.clockAdvancedMs, 0) }
        : {}),
      ...(cuts.size > 0 ? { truncated: [...cuts] } : {}),
    };
    clamped.set(index, out);
    return out;
  };

  const report = (input: RunReport): RunReport => {
    const cuts = knownCuts(input.truncated);
    const source = Array.isArray(input.checks) ? input.checks : [];
    if (source.length > L.checks) cuts.add('checks');
    const checks = source.slice(0, L.checks).map((c, i) => check(i, c));
    for (const c of checks) for (const part of c.truncated ?? []) cuts.add(part);
    const error = input.error ? clampError(input.error, cuts) : undefined;
    // The capture cut the console at the source and said so in its last line.
    if (typeof input.console === 'string' && input.console.trimEnd().endsWith(TRUNCATED_LINE))
      cuts.add('console');
    return {
      lesson: clip(input.lesson, L.messageChars),
      // Only the host's own verdicts decide; a cut list of checks can never pass.
      passed: input.passed === true && !cuts.has('checks'),
      checks,
      ...(error ? { error } : {}),
      console: clip(input.console ?? '', L.consoleChars, () => cuts.add('console')),
      durationMs: finite(input.durationMs, 0),
      ...(input.snapshot ? { snapshot: input.snapshot } : {}),
      ...(cuts.size > 0 ? { truncated: [...cuts] } : {}),
    };
  };

  return { check, report };
}

function clampError(error: RunError, cuts: Set<TruncatedPart>): RunError {
  const cut = () => cuts.add('message');
  const line = positiveInt(error.line);
  const column = line === undefined ? undefined : positiveInt(error.column);
  return {
    kind: error.kind,
    message: clip(error.message, L.messageChars, cut),
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
    ...(positiveInt(error.limitMs) ? { limitMs: error.limitMs } : {}),
    ...(error.check !== undefined ? { check: clip(error.check, L.messageChars, cut) } : {}),
    ...(error.call !== undefined ? { call: clip(error.call, L.messageChars, cut) } : {}),
    ...(error.notRun
      ? { notRun: error.notRun.slice(0, L.checks).map((n) => clip(n, L.messageChars, cut)) }
      : {}),
  };
}

/**
 * The last resort when a report still serializes to more than `reportChars`: drop the parts
 * that can be large (snapshot, traces, keyspaces), then the console, keeping every verdict.
 */
export function shrinkReport(report: RunReport): RunReport {
  const cuts = new Set<TruncatedPart>(report.truncated ?? []);
  cuts.add('trace');
  cuts.add('keyspace');
  const checks = report.checks.map((c) => {
    const rest: CheckResult = { ...c };
    delete rest.trace;
    delete rest.keyspace;
    return { ...rest, truncated: [...new Set([...(c.truncated ?? []), 'trace', 'keyspace'])] };
  }) as CheckResult[];
  const smaller: RunReport = { ...report, checks, truncated: [...cuts] };
  delete smaller.snapshot;
  if (JSON.stringify(smaller).length <= L.reportChars) return smaller;
  cuts.add('console');
  return { ...smaller, console: clip(smaller.console, 1000), truncated: [...cuts] };
}
