import {
  lazy,
  Suspense,
  useCallback,
  useMemo,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { LazyCodeEditor } from '../../editor/LazyCodeEditor.tsx';
import type { EditorMarker, RevealRequest } from '../../editor/editor-props.ts';
import { useTheme } from '../../hooks/use-theme.ts';
import type { Lesson } from '../../lessons/schema.ts';
import type { ProgressStore } from '../../progress/progress-store.ts';
import type { CheckResult, RunReport } from '../../runner/report.ts';
import { CheckList } from './CheckList.tsx';
import { ConsolePanel } from './ConsolePanel.tsx';
import { DownloadCode } from './DownloadCode.tsx';
import { HintsPanel } from './HintsPanel.tsx';
import { ProgressControls } from './ProgressControls.tsx';
import { ProgressNotices } from './ProgressNotices.tsx';
import { ResetToStarter } from './ResetToStarter.tsx';
import { RunButton } from './RunButton.tsx';
import { RunSummary, type RunSummaryProps } from './RunSummary.tsx';
import { RunnerUnavailable } from './RunnerUnavailable.tsx';
import { summarizeRun } from './run-summary-text.ts';
import { saveTextFile } from './save-file.ts';
import { useLessonCode } from './use-lesson-code.ts';
import { useProgressSnapshot } from './use-progress.ts';
import { useRun, type RunState, type WorkspaceRunner } from './use-run.ts';
import './workspace.css';

// The diff library is needed only once a learner asks for the solution.
const SolutionDiff = lazy(() =>
  import('./SolutionDiff.tsx').then((module) => ({ default: module.SolutionDiff })),
);

/** Props for {@link Workspace}. */
export interface WorkspaceProps {
  /** The lesson whose exercise this is. Key the workspace by slug so per-lesson state resets. */
  lesson: Pick<Lesson, 'slug' | 'title' | 'starter' | 'solution' | 'checksSource' | 'hints'>;
  /** Runs code; the app passes the browser runner client, tests a fake. */
  runner: WorkspaceRunner;
  /** Where code and completion are saved. */
  progress: ProgressStore;
  /** Extra panels after the check results, before the editor (the trace, keyspace and console). */
  renderInsight?: (run: { report?: RunReport; checks: readonly CheckResult[] }) => ReactNode;
  /** Called after every finished run, e.g. to seed the Redis console with the final keyspace. */
  onRunComplete?: (report: RunReport) => void;
}

function summaryOf(state: RunState): Pick<RunSummaryProps, 'text' | 'tone'> {
  if (state.status === 'running') return { text: 'Running…', tone: 'running' };
  if (state.status !== 'done' || !state.report) return { text: '', tone: 'idle' };
  const tone = state.report.error ? 'error' : state.report.passed ? 'passed' : 'failed';
  return { text: summarizeRun(state.report), tone };
}

function markersOf(report: RunReport | undefined): EditorMarker[] {
  if (!report) return [];
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
  return markers;
}

/**
 * The exercise: controls and results first (so Tab never has to cross Monaco, which keeps Tab
 * for indentation), then the editor. CSS shows the editor right under the toolbar.
 */
export function Workspace({
  lesson,
  runner,
  progress,
  renderInsight,
  onRunComplete,
}: WorkspaceProps) {
  const { slug, starter, solution, checksSource, hints } = lesson;
  const { theme } = useTheme();
  const snapshot = useProgressSnapshot(progress);
  const { code, setCode, replaceCode, flush, conflict, resolveConflict } = useLessonCode(
    progress,
    slug,
    starter,
  );
  const onReport = useCallback(
    (report: RunReport) => {
      progress.recordRun(slug, checksSource, report.passed);
      onRunComplete?.(report);
    },
    [progress, slug, checksSource, onRunComplete],
  );
  const { state, run, clearConsole } = useRun(runner, slug, onReport);
  const [undoCode, setUndoCode] = useState<string | null>(null);
  const [hintsShown, setHintsShown] = useState(0);
  const [solutionShown, setSolutionShown] = useState(false);
  const [downloaded, setDownloaded] = useState(false);
  const [reveal, setReveal] = useState<RevealRequest | null>(null);

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

  const onEdit = useCallback(
    (next: string) => {
      setUndoCode(null);
      setCode(next);
    },
    [setCode],
  );

  const markers = useMemo(() => markersOf(state.report), [state.report]);
  const jump = useCallback(
    (line: number, column?: number) =>
      setReveal((previous) => ({ line, column, seq: (previous?.seq ?? 0) + 1 })),
    [],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    // Monaco handles Ctrl/Cmd+Enter itself; this covers the rest of the workspace.
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter' && !event.defaultPrevented) {
      event.preventDefault();
      startRun();
    }
  };

  const summary = summaryOf(state);

  return (
    <section className="workspace" aria-labelledby="workspace-heading" onKeyDown={onKeyDown}>
      <div className="workspace-head">
        <div className="workspace-title-row">
          <h2 id="workspace-heading">Exercise</h2>
          {completion === 'passed' && <p className="completion-badge">✓ You passed this lesson</p>}
          {completion === 'stale' && (
            <p className="completion-badge completion-stale">
              Checks changed since you passed. Run them again to earn the checkmark back.
            </p>
          )}
        </div>
        <div className="workspace-toolbar" role="group" aria-label="Exercise controls">
          <RunButton running={state.status === 'running'} onRun={startRun} />
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
          <button
            type="button"
            className="button"
            aria-expanded={solutionShown}
            aria-controls="solution-panel"
            onClick={() => setSolutionShown((shown) => !shown)}
          >
            {solutionShown ? 'Hide solution' : 'Show solution'}
          </button>
          <DownloadCode
            slug={slug}
            downloaded={downloaded}
            onDownload={() => {
              saveTextFile(`${slug}.ts`, code, 'text/typescript');
              setDownloaded(true);
            }}
          />
        </div>
        <p className="workspace-help" id="editor-help">
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd> (<kbd>⌘</kbd>+<kbd>Enter</kbd>) runs. In the editor,{' '}
          <kbd>Alt</kbd>+<kbd>F1</kbd> opens accessibility help and <kbd>Ctrl</kbd>+<kbd>M</kbd>{' '}
          makes Tab move focus instead of indenting. Completions list every ioredis command; the
          sandbox’s Redis (ioredis-mock) lacks a few.
        </p>
      </div>

      <ProgressNotices
        notices={snapshot.notices}
        onDismiss={progress.dismissNotice}
        conflict={conflict}
        onLoadTheirs={() => resolveConflict('theirs')}
        onKeepMine={() => resolveConflict('mine')}
      />
      {state.status === 'unavailable' && (
        <RunnerUnavailable message={state.unavailableMessage ?? ''} onRetry={() => startRun()} />
      )}

      <div className="workspace-results">
        <RunSummary {...summary} run={state.finished} />
        <CheckList checks={state.checks} error={state.report?.error} onJump={jump} />
      </div>

      {renderInsight?.({ report: state.report, checks: state.checks })}
      <ConsolePanel output={state.consoleText} onClear={clearConsole} />
      <HintsPanel
        hints={hints}
        revealed={hintsShown}
        onReveal={() => setHintsShown((n) => Math.min(n + 1, hints.length))}
      />
      <div id="solution-panel" className="solution-panel" hidden={!solutionShown}>
        {solutionShown && (
          <Suspense fallback={<p className="diff-note">Loading the solution…</p>}>
            <SolutionDiff code={code} solution={solution} />
          </Suspense>
        )}
      </div>
      <ProgressControls
        onExport={() =>
          saveTextFile(
            `cachelab-progress-${new Date().toISOString().slice(0, 10)}.json`,
            progress.exportJson(),
            'application/json',
          )
        }
        onImport={(text) => progress.importJson(text)}
        onClearAll={() => progress.clearAll()}
      />

      <div className="workspace-editor">
        <LazyCodeEditor
          path={`file:///exercise/${slug}.ts`}
          value={code}
          onChange={onEdit}
          onRun={startRun}
          theme={theme}
          ariaLabel={`Code editor for ${lesson.title}. Press Alt+F1 for accessibility help.`}
          markers={markers}
          reveal={reveal}
        />
      </div>
    </section>
  );
}
