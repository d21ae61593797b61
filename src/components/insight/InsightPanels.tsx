import { memo } from 'react';
import type { CheckResult } from '../../runner/report.ts';
import type { TabDefinition } from '../workspace/Tabs.tsx';
import { KeyspaceInspector } from './KeyspaceInspector.tsx';
import { PageRedisConsole } from './RedisConsoleProvider.tsx';
import { TracePanel } from './TracePanel.tsx';

/** The tab id of the page's redis-cli console. */
export const REDIS_CLI_TAB = 'redis-cli';

// Memoised, so a render that leaves a panel's checks alone (a hidden tab keeps the checks of the
// last paint until after the results are painted) skips it.
const StableTracePanel = memo(TracePanel);
const StableKeyspaceInspector = memo(KeyspaceInspector);
const StablePageRedisConsole = memo(PageRedisConsole);

/** Which checks the trace and keyspace tabs show: the latest on screen, the settled ones hidden. */
export interface InsightChecks {
  /** The run's checks. */
  checks: readonly CheckResult[];
  /** The checks as of the last paint, for a tab that is hidden. */
  settledChecks?: readonly CheckResult[];
  /** The id of the tab on screen. */
  selected?: string;
}

/**
 * "See inside the cache", as tabs for the workspace's panel set: the command trace, the keyspace
 * inspector and the page's Redis console. Each keeps its own region name, so it reads the same
 * wherever it is placed. A hidden trace or keyspace tab gets the settled checks, so rendering it
 * waits until the run's results are on screen; the tab on screen always gets the latest.
 */
export function insightTabs({
  checks,
  settledChecks = checks,
  selected,
}: InsightChecks): TabDefinition[] {
  const forTab = (id: string) => (id === selected ? checks : settledChecks);
  return [
    { id: 'trace', label: 'Command trace', panel: <StableTracePanel checks={forTab('trace')} /> },
    {
      id: 'keyspace',
      label: 'Keyspace',
      panel: <StableKeyspaceInspector checks={forTab('keyspace')} />,
    },
    { id: REDIS_CLI_TAB, label: 'redis-cli', panel: <StablePageRedisConsole /> },
  ];
}
