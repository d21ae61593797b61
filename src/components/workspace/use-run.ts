import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { whenWanted } from '../../editor/when-wanted.ts';
import { flushSync } from 'react-dom';
import { afterFirstPaint } from '../../hooks/after-first-paint.ts';
import type { CheckResult, RunReport } from '../../runner/report.ts';

/** The part of the runner client the workspace uses; tests pass a fake. */
export interface WorkspaceRunner {
  /** Starts the worker while the learner reads. */
  warm(lesson?: string): void;
  /** Grades code; run-level failures come back as `report.error`, and a rejection means no runner. */
  run(
    lesson: string,
    source: string,
    onCheck?: (index: number, result: CheckResult) => void,
  ): Promise<RunReport>;
}

/** Where the workspace is in the run cycle. */
export type RunStatus = 'idle' | 'running' | 'done' | 'unavailable';

/** State of the latest run. */
export interface RunState {
  /** Phase of the run cycle. */
  status: RunStatus;
  /** The finished report. */
  report?: RunReport;
  /** Check results so far; streams in during a run. */
  checks: CheckResult[];
  /** Why the runner is unavailable. */
  unavailableMessage?: string;
  /** Console text shown (the last run's, until cleared). */
  consoleText: string;
  /**
   * How many runs have ended (with a report, or with the runner unavailable). A fast run never shows "Running…", so a run whose result reads
   * the same as the last one's is told apart by this number (the summary re-announces it).
   */
  finished: number;
}

const IDLE: RunState = { status: 'idle', checks: [], consoleText: '', finished: 0 };

/**
 * A run still going after this long shows its busy state: the Run button's "Running…" and
 * aria-busy, and "Running…" in the run summary. A warm run finishes in a few ms; painting a busy
 * state first would cost a whole extra frame before the results, and flash. Until then the
 * previous results stay on screen and a second Run is ignored.
 */
export const BUSY_AFTER_MS = 50;

/** A run still going after this long replaces the previous results with its finished checks. */
const STREAM_AFTER_MS = 100;

/**
 * Runs code for one lesson and keeps the results. Warms the runner once the learner is about to
 * use the exercise (`near`, see when-wanted.ts; at once without it), so the worker is ready by
 * the time they press Run. Results of a run for a lesson the learner has left are dropped.
 */
export function useRun(
  runner: WorkspaceRunner,
  slug: string,
  onReport: (report: RunReport) => void,
  near?: RefObject<Element | null>,
): {
  state: RunState;
  run: (source: string) => void;
  clearConsole: () => void;
} {
  const [state, setState] = useState<RunState>(IDLE);
  const [stateSlug, setStateSlug] = useState(slug);
  const running = useRef(false);
  const generation = useRef(0);
  const onReportRef = useRef(onReport);

  useEffect(() => {
    onReportRef.current = onReport;
  }, [onReport]);

  if (stateSlug !== slug) {
    setStateSlug(slug);
    setState(IDLE);
  }

  useEffect(() => {
    // The worker starts once the lesson has painted, so its start-up doesn't slow that paint,
    // and only when the exercise is near: on a phone it sits below the whole lesson text, and
    // starting the runner (its chunk, its sandboxed frame and worker) while the learner reads
    // the top put main-thread work into the page's load for a Run that may come minutes later.
    // A Run before that starts the worker itself; the time limit never counts its start-up.
    let live = true;
    let stop = () => {};
    const warm = () => {
      try {
        runner.warm(slug);
      } catch {
        // No worker support at all; the first Run reports it, with a Retry.
      }
    };
    void afterFirstPaint().then(() => {
      if (!live) return;
      const element = near?.current;
      if (element) stop = whenWanted(element, warm);
      else warm();
    });
    generation.current += 1;
    running.current = false;
    return () => {
      live = false;
      stop();
    };
  }, [runner, slug, near]);

  const run = useCallback(
    (source: string) => {
      if (running.current) return;
      running.current = true;
      const token = ++generation.current;
      performance.mark('cachelab:run-start');
      // Until the run has lasted STREAM_AFTER_MS the previous results stay on screen; after that
      // the list shows this run's finished checks, once per frame. A warm run delivers every
      // check within a few ms: clearing the list and rendering partial ones on the way would
      // cost more than the run itself (and flash an empty list). A timer, not a frame loop, waits
      // for that moment: a loop asked Chromium for a frame (style, pre-paint) on every vsync of
      // the run, main-thread work beside the worker and in the way of the report's task.
      const streamed: CheckResult[] = [];
      let streaming = false;
      let frame: number | undefined;
      let settled = false;
      const showStreamed = () => {
        frame = undefined;
        if (token !== generation.current || settled) return;
        // Past STREAM_AFTER_MS the run is busy by definition; setting that here too matters when
        // a long task delayed the busy timer past this one (the streamed checks were dropped).
        setState((current) => ({
          ...current,
          status: 'running',
          report: undefined,
          checks: streamed.slice(),
        }));
      };
      // The runner gets the code first, so the worker runs while the page does anything else.
      let started: Promise<RunReport>;
      try {
        started = runner.run(slug, source, (index, result) => {
          streamed[index] = result;
          if (streaming) frame ??= requestAnimationFrame(showStreamed);
        });
      } catch (error) {
        started = Promise.reject(error);
      }
      const busy = setTimeout(() => {
        if (token !== generation.current) return;
        setState((current) => ({ ...current, status: 'running', report: undefined }));
      }, BUSY_AFTER_MS);
      const stream = setTimeout(() => {
        streaming = true;
        showStreamed();
      }, STREAM_AFTER_MS);
      started
        .then(
          (report) => {
            settled = true;
            clearTimeout(busy);
            clearTimeout(stream);
            if (frame !== undefined) cancelAnimationFrame(frame);
            if (token !== generation.current) return;
            // Runner round trip; the bench compares it with click-to-results-on-screen.
            performance.measure('cachelab:runner', 'cachelab:run-start');
            // Rendered now, in the task that delivered the report, so the very next frame
            // paints the results (rather than after a scheduler task). What `onReport` sets (the
            // saved completion, the panel, the console's seed) joins the same render: called
            // after it, each was a render of the whole workspace of its own, one in this task
            // and one in a task that could land before the frame.
            flushSync(() => {
              setState((current) => ({
                status: 'done',
                report,
                checks: report.checks,
                consoleText: report.console,
                finished: current.finished + 1,
              }));
              onReportRef.current(report);
            });
          },
          (error: unknown) => {
            settled = true;
            clearTimeout(busy);
            clearTimeout(stream);
            if (frame !== undefined) cancelAnimationFrame(frame);
            if (token !== generation.current) return;
            setState((current) => ({
              ...current,
              finished: current.finished + 1,
              status: 'unavailable',
              unavailableMessage: error instanceof Error ? error.message : String(error),
            }));
          },
        )
        .finally(() => {
          if (token === generation.current) running.current = false;
        });
    },
    [runner, slug],
  );

  const clearConsole = useCallback(
    () => setState((current) => ({ ...current, consoleText: '' })),
    [],
  );

  return { state, run, clearConsole };
}
