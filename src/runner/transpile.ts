/**
 * Turns learner TypeScript into a CommonJS function body with sucrase, keeping every line where
 * it was so that stack positions point at the learner's own lines.
 */
import { transform } from 'sucrase';
import type { RunError } from './report.ts';

/** The sourceURL that stack frames of learner code carry. */
export const LEARNER_FILE = 'learner.ts';

/**
 * Opens the CommonJS wrapper. It shares line 1 with the learner's first line, so no line moves.
 * The timer functions come in as parameters (sandbox.ts's TIMER_NAMES, same order), because each
 * evaluation of the module has its own; so does `console`, the run's capture, so that code of an
 * earlier run that is somehow still running writes into its own run's output, never into the
 * run in progress (the compartment, and its global `console`, serve every run of the realm).
 */
export const WRAPPER_HEAD =
  '(function (require, exports, module, setTimeout, setInterval, clearTimeout, clearInterval, queueMicrotask, console) {';

/** The result of transpiling: evaluable source, or a compile error with its position. */
export type TranspileResult =
  { ok: true; code: string; line1Shift: number | null } | { ok: false; error: RunError };

/**
 * Transpiles learner TypeScript. Type annotations are stripped without type-checking, so type
 * errors never block a run. `import`/`export` become `require`/`exports` for the wrapper.
 */
export function transpileLearner(source: string): TranspileResult {
  // Learners re-run unchanged code often; the result is plain data, so the last one is reused.
  // Callers get a copy, so nothing they do to it can leak into the next run.
  if (source !== lastSource || !lastResult) {
    lastResult = transpileUncached(source);
    lastSource = source;
  }
  return lastResult.ok ? { ...lastResult } : { ok: false, error: { ...lastResult.error } };
}

let lastSource: string | undefined;
let lastResult: TranspileResult | undefined;

function transpileUncached(source: string): TranspileResult {
  let code: string;
  try {
    code = transform(source, {
      transforms: ['typescript', 'imports'],
      // Skips the interop helpers' verbose names; behaviour is the same.
      production: true,
      // The sandbox's `ioredis` module sets __esModule, so default imports need no interop shim.
      filePath: LEARNER_FILE,
    }).code;
  } catch (error) {
    return { ok: false, error: compileError(error) };
  }
  const original1 = source.split('\n', 1)[0];
  const transformed1 = code.split('\n', 1)[0];
  // sucrase prepends its helpers to line 1; if the learner's first line survives verbatim at
  // the end of it, we know exactly how far its columns moved.
  const shift = transformed1.endsWith(original1) ? transformed1.length - original1.length : null;
  return {
    ok: true,
    code: `${WRAPPER_HEAD}${code}\n})\n//# sourceURL=${LEARNER_FILE}\n`,
    line1Shift: shift === null ? null : shift + WRAPPER_HEAD.length,
  };
}

function compileError(error: unknown): RunError {
  const loc = (error as { loc?: { line?: unknown; column?: unknown } } | null)?.loc;
  const raw = error instanceof Error ? error.message : String(error);
  const line = typeof loc?.line === 'number' ? loc.line : undefined;
  const column = typeof loc?.column === 'number' ? loc.column : undefined;
  // One sentence without a position: sucrase appends "(line:column)" and may prefix "Error
  // transforming learner.ts:"; the report carries the position in its own fields, and every
  // host prints it once.
  const message = raw
    .replace(/\s*\(\d+:\d+\)\s*$/, '')
    .replace(/^Error transforming \S+:\s*/, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return {
    kind: 'compile',
    message,
    ...(line ? { line } : {}),
    ...(column ? { column } : {}),
  };
}

/** Maps a generated position back to the learner's file (only line 1 has a column shift). */
export function mapPosition(
  line: number,
  column: number,
  line1Shift: number | null,
): { line: number; column?: number } {
  if (line !== 1) return { line, column };
  if (line1Shift === null) return { line };
  const mapped = column - line1Shift;
  return mapped >= 1 ? { line, column: mapped } : { line };
}
