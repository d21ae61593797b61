import { lazy, memo, Suspense } from 'react';
import { LazyCodeEditor } from '../../editor/LazyCodeEditor.tsx';
import type { EditorMarker, RevealRequest } from '../../editor/editor-props.ts';
import type { Theme } from '../../hooks/use-theme.ts';
import type { CompletionState } from '../../progress/progress-store.ts';
import { Tabs } from './Tabs.tsx';

// The diff library is needed only once a learner asks for the solution.
const SolutionDiff = lazy(() =>
  import('./SolutionDiff.tsx').then((module) => ({ default: module.SolutionDiff })),
);

/** Props for {@link CodePane}. */
export interface CodePaneProps {
  /** The lesson's slug, for the editor model's path. */
  slug: string;
  /** The lesson's title, for the editor's accessible name. */
  title: string;
  /** The learner's code. */
  code: string;
  /** The lesson's solution, for the diff. */
  solution: string;
  /** Called with the new text on every edit. */
  onEdit: (next: string) => void;
  /** Runs the checks; the editor passes its own current text. */
  onRun: (editorValue?: string) => void;
  /** The page's colour theme, for the editor. */
  theme: Theme;
  /** Lines to mark after a run. */
  markers: EditorMarker[];
  /** A line to scroll to and focus. */
  reveal: RevealRequest | null;
  /** The tab shown: `code` or `solution`. */
  selected: string;
  /** Called when the learner picks a tab. */
  onSelect: (id: string) => void;
  /** Whether the diff has been asked for (it loads then, and stays). */
  solutionOpened: boolean;
  /** The lesson's saved completion, shown as a badge in the tab row. */
  completion: CompletionState | undefined;
}

function CompletionBadge({ completion }: { completion: CompletionState | undefined }) {
  if (completion === 'passed') return <p className="completion-badge">✓ You passed this lesson</p>;
  if (completion === 'stale') {
    return (
      <p className="completion-badge completion-stale">
        Checks changed since you passed. Run them again to earn the checkmark back.
      </p>
    );
  }
  return null;
}

/**
 * The editor with the solution diff in a tab beside it. Memoised, with props that a run leaves
 * alone when it marks no lines: a warm run re-rendered Monaco's React wrapper, which hands its
 * options to Monaco again on every render, in the task that had to paint the results.
 */
export const CodePane = memo(function CodePane({
  slug,
  title,
  code,
  solution,
  onEdit,
  onRun,
  theme,
  markers,
  reveal,
  selected,
  onSelect,
  solutionOpened,
  completion,
}: CodePaneProps) {
  return (
    <Tabs
      className="workspace-code"
      label="Code and solution"
      selected={selected}
      onSelect={onSelect}
      after={<CompletionBadge completion={completion} />}
      tabs={[
        {
          id: 'code',
          label: 'Your code',
          focusablePanel: false,
          panel: (
            <div className="workspace-editor">
              <LazyCodeEditor
                path={`file:///exercise/${slug}.ts`}
                value={code}
                onChange={onEdit}
                onRun={onRun}
                theme={theme}
                ariaLabel={`Code editor for ${title}. Press Alt+F1 for accessibility help.`}
                markers={markers}
                reveal={reveal}
              />
            </div>
          ),
        },
        {
          id: 'solution',
          label: 'Solution',
          panel: (
            <div className="solution-panel" id="solution-panel">
              {solutionOpened && (
                <Suspense fallback={<p className="diff-note">Loading the solution…</p>}>
                  <SolutionDiff code={code} solution={solution} />
                </Suspense>
              )}
            </div>
          ),
        },
      ]}
    />
  );
});
