import { useCallback } from 'react';
import type { RunReport } from '../../runner/report.ts';
import { Workspace, type WorkspaceProps } from '../workspace/Workspace.tsx';
import { useConsoleContext } from './console-context.ts';
import { InsightPanels } from './InsightPanels.tsx';

/**
 * The workspace with the trace, keyspace and console after its results. Each finished run hands
 * its final keyspace to the page's console (inside a `RedisConsoleProvider`).
 */
export function WorkspaceWithInsight({ onRunComplete, ...props }: WorkspaceProps) {
  const setSeed = useConsoleContext()?.setSeed;
  const onRun = useCallback(
    (report: RunReport) => {
      setSeed?.(report.snapshot ?? null);
      onRunComplete?.(report);
    },
    [setSeed, onRunComplete],
  );
  return (
    <Workspace
      {...props}
      onRunComplete={onRun}
      renderInsight={({ checks }) => <InsightPanels checks={checks} />}
    />
  );
}
