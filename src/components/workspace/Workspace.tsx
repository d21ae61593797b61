import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EditorMarker, RevealRequest } from '../../editor/editor-props.ts';
import { takeEarlyRun } from './early-run.ts';
import { afterNextPaint, useAfterPaint } from '../../hooks/use-after-paint.ts';
import { useHydrated } from '../../hooks/use-hydrated.ts';
import { useTheme } from '../../hooks/use-theme.ts';
import type { Lesson } from '../../lessons/schema.ts';
import type { ProgressStore } from '../../progress/progress-store.ts';
import { withDownloadHeader } from '../../progress/download-header.ts';
import type { CheckResult, RunReport } from '../../runner/report.ts';
import { CheckList, FIRST_FAILURE_ID } from './CheckList.tsx';
import { CodePane } from './CodePane.tsx';
import { ConsolePanel } from './ConsolePanel.tsx';
import { HintsPanel } from './HintsPanel.tsx';
import { KeyboardHelp } from './KeyboardHelp.tsx';
import { ProgressNotices } from './ProgressNotices.tsx';
import { ResetToStarter } from './ResetToStarter.tsx';
import { ResultBar, type NextLesson } from './ResultBar.tsx';
import { firstVisitProgress } from './app-services.ts';
import { RunButton } from './RunButton.tsx';
import type { RunSummaryProps } from './RunSummary.tsx';
import { RunnerUnavailable } from './RunnerUnavailable.tsx';
import { summarizeRun } from './run-summary-text.ts';
import { saveTextFile } from './save-file.ts';
import { SavePanel } from './SavePanel.tsx';
import { Tabs, type TabDefinition } from './Tabs.tsx';
import { useLessonCode } from './use-lesson-code.ts';
import { useProgressSnapshot } from './use-progress.ts';
import { useRun, type RunState, type WorkspaceRunner } from './use-run.ts';
import './workspace.css';

// Panels a run leaves unchanged skip its render (see the panel tabs below).
const StableConsolePanel = memo(ConsolePanel);
const StableHintsPanel = memo(HintsPanel);
const StableKeyboardHelp = memo(KeyboardHelp);

/** Props for {@link Workspace}. */
export interface WorkspaceProps {
  /** The lesson whose exercise this is. Key the workspace by slug so per-lesson state resets. */
  lesson: Pick<Lesson, 'slug' | 'title' | 'starter' | 'solution' | 'checksSource' | 'hints'>;
  /** Runs code; the app passes the browser runner client, tests a fake. */
  runner: WorkspaceRunner;
  /** Where code and completion are saved. */
  progress: ProgressStore;
  /** The lesson after this one, offered as "Next lesson →" after a pass. */
  next?: NextLesson;
  /** Extra tabs after Results (the trace, keyspace and console), given the run's checks. */
  renderInsight?: (run: InsightRun) => readonly TabDefinition[];
  /** Called after every finished run, e.g. to seed the Redis console with the final keyspace. */
  onRunComplete?: (report: RunReport) => void;
  /** Selects a panel tab each time `seq` changes (e.g. "Open in redis-cli" from the lesson text). */
  panelRequest?: { id: string; seq: number };
}

/** What the extra tabs get of the latest run. */
export interface InsightRun {
  /** The finished report. */
  report?: RunReport;
  /** The run's checks, for the tab on screen. */
  checks: readonly CheckResult[];
  /**
   * The checks as of the last paint, for tabs that are hidden: they catch up in a render after
   * the frame that shows the run's results (use-after-paint.ts).
   */
  settledChecks: readonly CheckResult[];
  /** The id of the tab on screen. */
  selected: string;
}

/** No markers: one shared value, so a run that marks no lines leaves the editor alone. */
const NO_MARKERS: EditorMarker[] = [];

function summaryOf(state: RunState): Pick<RunSummaryProps, 'text' | 'tone'> {
  if (state.status === 'running') return { text: 'Running…', tone: 'running' };
  if (state.status !== 'done' || !state.report) return { text: '', tone: 'idle' };
  const tone = state.report.error ? 'error' : state.report.passed ? 'passed' : 'failed';
  return { text: summarizeRun(state.report), tone };
}

function markersOf(report: RunReport | undefined): EditorMarker[] {
  if (!report) return NO_MARKERS;
  const markers: EditorMarker[] = [];
  if (report.error?.line !== undefined) {
    const { line, column, message } = report.error;
    markers.push({ line, column, message });
  }
  for (const check of report.checks) {
    if (!check.passed && check.line !== undefined) {
      markers.push({
        line: check.line,
        column: check.column,
        message: `${check.name}: ${check.message ?? 'failed'}`,
      });
    }
  }
  return markers.length > 0 ? markers : NO_MARKERS;
}

/** Panel tabs a finished run leaves alone; from any other, the learner is taken to Results. */
const RUN_TABS = new Set(['results', 'trace', 'keyspace', 'console']);

/**
 * True for a Ctrl/Cmd+Enter that should run the checks: not already handled (the redis-cli input
 * sends its command on it), and not inside an editor, which runs with its own current text.
 */
function isPageRunShortcut(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) {
    return false;
  }
  const target = event.target instanceof Element ? event.target : null;
  return !target?.closest('.monaco-editor, .cm-editor');
}

/**
 * The exercise, editor first. One row holds Run, the result bar and the secondary controls;
 * under it the editor, with the solution diff in a tab beside the code; under that the tab set of
 * Results, Command trace, Keyspace, redis-cli, Console, Hints and Save. Notices go below the
 * editor, confirmations and help float: nothing that appears ever pushes the editor down.
 *
 * DOM order is controls, tab panels, editor (CSS grid shows the editor above the panels), so Tab
 * never has to cross Monaco, which keeps Tab for indentation, to reach the results.
 */
export function Workspace({
  lesson,
  runner,
  progress: learnerProgress,
  next,
  renderInsight,
  onRunComplete,
  panelRequest,
}: WorkspaceProps) {
  const { slug, starter, solution, checksSource, hints } = lesson;
  // Hydration renders the prerendered first visit; the learner's saved code and completion
  // follow in the render right after it (use-hydrated.ts).
  const hydrated = useHydrated();
  const progress = hydrated ? learnerProgress : firstVisitProgress();
  const { theme } = useTheme();
  const snapshot = useProgressSnapshot(progress);
  const { code, setCode, replaceCode, flush, conflict, resolveConflict } = useLessonCode(
    progress,
    slug,
    starter,
  );
  const [panel, setPanel] = useState('results');
  const [codeTab, setCodeTab] = useState('code');
  const [solutionOpened, setSolutionOpened] = useState(false);
  const [seenRequest, setSeenRequest] = useState(panelRequest?.seq ?? 0);
  if (panelRequest && panelRequest.seq !== seenRequest) {
    setSeenRequest(panelRequest.seq);
    setPanel(panelRequest.id);
  }
  const onReport = useCallback(
    (report: RunReport) => {
      // A first pass is saved at once, so its mark shows with the results. A pass already on
      // record is confirmed after the results are painted: recordRun re-reads and parses the
      // saved progress (to merge with other tabs), about a tenth of the task that painted a warm
      // run's results in a CPU profile.
      if (report.passed && progress.completionOf(slug, checksSource) === 'passed') {
        afterNextPaint(() => progress.recordRun(slug, checksSource, true));
      } else {
        progress.recordRun(slug, checksSource, report.passed);
      }
      setPanel((current) => (RUN_TABS.has(current) ? current : 'results'));
      onRunComplete?.(report);
    },
    [progress, slug, checksSource, onRunComplete],
  );
  const exerciseRef = useRef<HTMLElement>(null);
  const { state, run, clearConsole } = useRun(runner, slug, onReport, exerciseRef);
  const [undoCode, setUndoCode] = useState<string | null>(null);
  const [hintsShown, setHintsShown] = useState(0);
  const [downloaded, setDownloaded] = useState(false);
  const [reveal, setReveal] = useState<RevealRequest | null>(null);
  const [failureFocus, setFailureFocus] = useState(0);

  const completion = progress.completionOf(slug, checksSource);
  void snapshot; // subscribed so completion and notices re-render on change

  const startRun = useCallback(
    (editorValue?: string) => {
      // The editor passes its own text: `code` may not yet hold a change made in the same tick.
      const source = editorValue ?? code;
      // Saved before every run: a run that takes the tab down must not take the code with it.
      flush();
      progress.saveCode(slug, source);
      run(source);
    },
    [flush, progress, slug, code, run],
  );

  // Ctrl/Cmd+Enter runs from anywhere on the page: the lesson text, the tabs, the header.
  const startRunRef = useRef(startRun);
  useEffect(() => {
    startRunRef.current = startRun;
  }, [startRun]);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isPageRunShortcut(event)) return;
      event.preventDefault();
      startRunRef.current();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  // A Run asked for on the prerendered page before the app took over (early-run.ts) starts now,
  // with the learner's own code (so not during hydration, which shows the starter).
  useEffect(() => {
    if (hydrated && takeEarlyRun()) startRunRef.current();
  }, [hydrated]);

  const onEdit = useCallback(
    (next: string) => {
      setUndoCode(null);
      setCode(next);
    },
    [setCode],
  );

  const markers = useMemo(() => markersOf(state.report), [state.report]);
  const jump = useCallback((line: number, column?: number) => {
    setCodeTab('code');
    setReveal((previous) => ({ line, column, seq: (previous?.seq ?? 0) + 1 }));
  }, []);

  useEffect(() => {
    if (failureFocus === 0) return;
    const target = document.getElementById(FIRST_FAILURE_ID);
    target?.scrollIntoView?.({ block: 'nearest' });
    target?.focus({ preventScroll: true });
  }, [failureFocus]);

  const summary = summaryOf(state);
  const checks = state.checks;
  const passedCount = checks.filter((check) => check.passed).length;
  const failures = checks.length - passedCount;
  const showSolution = useCallback((tab: string) => {
    if (tab === 'solution') setSolutionOpened(true);
    setCodeTab(tab);
  }, []);
  const revealHint = useCallback(
    () => setHintsShown((n) => Math.min(n + 1, hints.length)),
    [hints.length],
  );
  const download = useCallback(() => {
    saveTextFile(`${slug}.ts`, withDownloadHeader(code, slug), 'text/typescript');
    setDownloaded(true);
  }, [code, slug]);
  // Hidden insight tabs catch up after the results are on screen (use-after-paint.ts).
  const settledChecks = useAfterPaint(checks);

  // Every panel stays mounted (Tabs), so each is a memoised component with stable props: a run
  // then renders only what it changed (the results, the result bar, the visible tab) in the task
  // that has to paint them.
  const panelTabs: TabDefinition[] = [
    {
      id: 'results',
      label: 'Results',
      badge:
        state.status === 'done' && checks.length > 0 ? `${passedCount}/${checks.length}` : null,
      panel: <CheckList checks={checks} error={state.report?.error} onJump={jump} />,
    },
    ...(renderInsight?.({ report: state.report, checks, settledChecks, selected: panel }) ?? []),
    {
      id: 'console',
      label: 'Console',
      panel: <StableConsolePanel output={state.consoleText} onClear={clearConsole} />,
    },
    {
      id: 'hints',
      label: 'Hints',
      badge: hints.length > 0 ? `${hintsShown}/${hints.length}` : null,
      panel: <StableHintsPanel hints={hints} revealed={hintsShown} onReveal={revealHint} />,
    },
    {
      id: 'save',
      label: 'Save',
      panel: (
        <SavePanel slug={slug} downloaded={downloaded} onDownload={download} progress={progress} />
      ),
    },
  ];

  return (
    <section
      ref={exerciseRef}
      id="exercise"
      tabIndex={-1}
      className="workspace"
      aria-labelledby="workspace-heading"
    >
      <div className="workspace-head" role="group" aria-label="Exercise controls">
        <h2 id="workspace-heading">Exercise</h2>
        <RunButton running={state.status === 'running'} onRun={startRun} />
        <ResultBar
          summary={{ ...summary, run: state.finished }}
          failures={failures}
          next={next}
          onJumpToFailure={() => {
            setPanel('results');
            setFailureFocus((n) => n + 1);
          }}
        />
        <div className="workspace-tools">
          <ResetToStarter
            canReset={code !== starter}
            onReset={() => {
              setUndoCode(code);
              replaceCode(starter);
            }}
            canUndo={undoCode !== null}
            onUndo={() => {
              if (undoCode !== null) replaceCode(undoCode);
              setUndoCode(null);
            }}
          />
          <StableKeyboardHelp />
        </div>
      </div>

      <Tabs
        className="workspace-panels"
        label="Results and tools"
        tabs={panelTabs}
        selected={panel}
        onSelect={setPanel}
      />

      <CodePane
        slug={slug}
        title={lesson.title}
        code={code}
        solution={solution}
        onEdit={onEdit}
        onRun={startRun}
        theme={theme}
        markers={markers}
        reveal={reveal}
        selected={codeTab}
        onSelect={showSolution}
        solutionOpened={solutionOpened}
        completion={completion}
      />

      {(snapshot.notices.length > 0 || conflict || state.status === 'unavailable') && (
        <div className="workspace-notices">
          <ProgressNotices
            notices={snapshot.notices}
            onDismiss={progress.dismissNotice}
            conflict={conflict}
            onLoadTheirs={() => resolveConflict('theirs')}
            onKeepMine={() => resolveConflict('mine')}
          />
          {state.status === 'unavailable' && (
            <RunnerUnavailable
              message={state.unavailableMessage ?? ''}
              onRetry={() => startRun()}
            />
          )}
        </div>
      )}
    </section>
  );
}
