import type { CheckResult } from '../../runner/report.ts';
import type { TabDefinition } from '../workspace/Tabs.tsx';
import { KeyspaceInspector } from './KeyspaceInspector.tsx';
import { PageRedisConsole } from './RedisConsoleProvider.tsx';
import { TracePanel } from './TracePanel.tsx';

/** The tab id of the page's redis-cli console. */
export const REDIS_CLI_TAB = 'redis-cli';

/**
 * "See inside the cache", as tabs for the workspace's panel set: the command trace, the keyspace
 * inspector and the page's Redis console. Each keeps its own region name, so it reads the same
 * wherever it is placed.
 */
export function insightTabs(checks: readonly CheckResult[]): TabDefinition[] {
  return [
    { id: 'trace', label: 'Command trace', panel: <TracePanel checks={checks} /> },
    { id: 'keyspace', label: 'Keyspace', panel: <KeyspaceInspector checks={checks} /> },
    { id: REDIS_CLI_TAB, label: 'redis-cli', panel: <PageRedisConsole /> },
  ];
}
