import { useId } from 'react';
import type { CheckResult } from '../../runner/report.ts';
import { KeyspaceInspector } from './KeyspaceInspector.tsx';
import { PageRedisConsole } from './RedisConsoleProvider.tsx';
import { TracePanel } from './TracePanel.tsx';

/** Props for {@link InsightPanels}. */
export interface InsightPanelsProps {
  /** The run's checks (streamed while it runs, complete after). */
  checks: readonly CheckResult[];
}

/**
 * "See inside the cache", as the workspace shows it after the check results: the command trace,
 * the keyspace inspector and the page's Redis console, each a region named by its heading.
 */
export function InsightPanels({ checks }: InsightPanelsProps) {
  const id = useId();
  return (
    <div className="insight-panels">
      <h3 id={`${id}-trace`} className="insight-heading">
        Command trace
      </h3>
      <TracePanel checks={checks} labelledBy={`${id}-trace`} />
      <h3 id={`${id}-keyspace`} className="insight-heading">
        Keyspace
      </h3>
      <KeyspaceInspector checks={checks} labelledBy={`${id}-keyspace`} />
      <h3 id={`${id}-console`} className="insight-heading">
        Redis console
      </h3>
      <PageRedisConsole labelledBy={`${id}-console`} />
    </div>
  );
}
