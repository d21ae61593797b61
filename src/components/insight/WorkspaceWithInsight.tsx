import { useCallback } from 'react';
import type { RunReport } from '../../runner/report.ts';
import { Workspace, type WorkspaceProps } from '../workspace/Workspace.tsx';
import { useConsoleContext } from './console-context.ts';
import { insightTabs, REDIS_CLI_TAB } from './InsightPanels.tsx';

/**
 * The workspace with the trace, keyspace and console among its tabs. Each finished run hands its
 * final keyspace to the page's console (inside a `RedisConsoleProvider`), and a request to show
 * the console ("Open in redis-cli") selects its tab.
 */
export function WorkspaceWithInsight({ onRunComplete, ...props }: WorkspaceProps) {
  const context = useConsoleContext();
  const setSeed = context?.setSeed;
  const focusRequest = context?.console.focusRequest ?? 0;
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
      renderInsight={insightTabs}
      panelRequest={focusRequest > 0 ? { id: REDIS_CLI_TAB, seq: focusRequest } : undefined}
    />
  );
}
