/**
 * The `done` message of a run as JSON text, from a report that the run's clamp built
 * (boundary-caps.ts), without parsing the whole report against the schema again.
 *
 * Decision: the worker's parse of `done` was a size and shape guard on a report the clamp had
 * already built field by field (clipped strings, finite numbers, positive integers, known
 * truncation marks, capped lists of clamped checks), and it cost a third of a millisecond of
 * every warm run in a worker that had sat idle, before the page could show anything. The clamp
 * guarantees that shape by construction except in two places, which are still checked here: the
 * final keyspace snapshot, passed through as the store gave it, is parsed against its own
 * (small) schema, and a report with a run error (a kind the clamp copies unchecked; a rare
 * path) is left to the full parse. The size bound is the same: over `reportChars`, no text.
 * The host still parses every message it receives; the worker is not trusted there.
 */
import { keyspaceSnapshotSchema } from './keyspace-snapshot.ts';
import { BOUNDARY_LIMITS as L } from './limits.ts';
import type { FromWorker } from './protocol.ts';
import type { RunReport } from './report.ts';

/**
 * `{ type: 'done', runId, report }` as text, for a `report` straight from the run's report clamp
 * and a `runId` the host's parsed message gave; undefined when this fast path cannot vouch for
 * it (then the caller parses it in full, and repairs or shrinks it as before).
 */
export function clampedDoneText(runId: string, report: RunReport): string | undefined {
  if (report.error !== undefined) return undefined;
  let postable = report;
  if (report.snapshot !== undefined) {
    const snapshot = keyspaceSnapshotSchema.safeParse(report.snapshot);
    if (!snapshot.success) return undefined;
    // The parsed copy: plain data with only the schema's fields, as the full parse gave.
    postable = { ...report, snapshot: snapshot.data };
  }
  const message: FromWorker = { type: 'done', runId, report: postable };
  const text = JSON.stringify(message);
  return text.length <= L.reportChars ? text : undefined;
}
