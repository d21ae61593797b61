/**
 * Every size limit on what crosses the runner's worker boundary, in one place. The worker
 * clamps to these before posting (boundary-caps.ts), and the host's schemas refuse anything
 * larger (protocol.ts), so a hostile or buggy worker cannot make the host copy, print or
 * render unbounded data. Lengths are in UTF-16 code units (JavaScript string length).
 */

/** Caps enforced at the page/CLI ↔ worker boundary. */
export const BOUNDARY_LIMITS = {
  /** Arguments kept per trace entry; the rest are dropped and the entry is marked cut. */
  traceArgs: 32,
  /** Length of one trace argument or reply. */
  traceArgChars: 1024,
  /** Trace entries kept per check (the recorder already keeps 200). */
  traceEntries: 200,
  /** All trace text of a run together (arguments and replies). */
  traceRunChars: 256 * 1024,
  /** A check's failure message, a run error's message, a check name. */
  messageChars: 4096,
  /**
   * The learner's console output of a run as it crosses the boundary: the capture keeps 20,000
   * characters at the source (console-capture.ts) and then adds its "[output truncated]" line.
   */
  consoleChars: 20_100,
  /** Keys listed per check in the keyspace view. */
  keyspaceEntries: 200,
  /** Length of one key name, type or preview in the keyspace view. */
  keyChars: 256,
  /** The learner's source file sent to the worker. */
  sourceChars: 1024 * 1024,
  /** Checks per run (no lesson has more than a few dozen). */
  checks: 200,
  /** A whole report (or any one message) as JSON, in UTF-16 code units. */
  reportChars: 2 * 1024 * 1024,
  /**
   * One framed message from a Node runner child, in bytes, checked before it is parsed. A
   * report of `reportChars` UTF-16 units can take up to 3 bytes per unit in UTF-8.
   */
  frameBytes: 6 * 1024 * 1024 + 1024,
} as const;
