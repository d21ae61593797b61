import { useId, useState } from 'react';
import type { CheckResult, TraceEntry } from '../../runner/report.ts';
import { formatMonitorCommand } from '../../redis/cli-format.ts';
import { formatOffset, truncate } from './insight-format.ts';
import './insight.css';

/** Props for {@link TracePanel}. */
export interface TracePanelProps {
  /** The run's checks, in order, with the trace each one recorded. */
  checks: readonly CheckResult[];
  /** Characters of a command or reply shown before it is cut with an expand control. */
  maxChars?: number;
  /** Id of a heading that names the region; without it the region is named "Command trace". */
  labelledBy?: string;
}

/**
 * Every Redis command the learner's code sent, grouped by check, in order: the command quoted
 * the way redis-cli and MONITOR print it, its reply, and when it happened. A failing check's
 * group starts open, because that is usually where the bug shows.
 */
export function TracePanel({ checks, maxChars = 160, labelledBy }: TracePanelProps) {
  const name = labelledBy ? { 'aria-labelledby': labelledBy } : { 'aria-label': 'Command trace' };
  if (checks.length === 0) {
    return (
      <section className="insight-trace" {...name}>
        <p className="insight-empty">Run your code to see the commands it sends.</p>
      </section>
    );
  }
  return (
    <section className="insight-trace" {...name}>
      {checks.map((check, index) => (
        <TraceGroup key={`${index}:${check.name}`} check={check} maxChars={maxChars} />
      ))}
    </section>
  );
}

function commandCount(check: CheckResult): string {
  if (!check.trace) return 'no trace';
  const n = check.trace.length + (check.traceOmitted ?? 0);
  return n === 1 ? '1 command' : `${n} commands`;
}

function TraceGroup({ check, maxChars }: { check: CheckResult; maxChars: number }) {
  const [open, setOpen] = useState(!check.passed);
  const listId = useId();
  const omitted = check.traceOmitted ?? 0;
  return (
    <div className="insight-trace-group" data-passed={check.passed}>
      <h3 className="insight-trace-heading">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={listId}
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden="true">{check.passed ? '✓' : '✗'} </span>
          <span className="insight-sr">{check.passed ? 'Passed:' : 'Failed:'}</span> {check.name}{' '}
          <span className="insight-muted">({commandCount(check)})</span>
        </button>
      </h3>
      {open && (
        <div id={listId}>
          {!check.trace ? (
            <p className="insight-empty">No trace was recorded for this check.</p>
          ) : check.trace.length === 0 && omitted === 0 ? (
            <p className="insight-empty">Your code sent no Redis commands during this check.</p>
          ) : (
            <ol className="insight-trace-list">
              {check.trace.map((entry, i) => (
                <TraceRow key={i} entry={entry} maxChars={maxChars} />
              ))}
            </ol>
          )}
          {omitted > 0 && (
            <p className="insight-cap">
              {omitted === 1 ? '1 more command not shown' : `${omitted} more commands not shown`}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function TraceRow({ entry, maxChars }: { entry: TraceEntry; maxChars: number }) {
  const [expanded, setExpanded] = useState(false);
  const fullCommand = formatMonitorCommand(entry.command, entry.args);
  const command = truncate(fullCommand, maxChars);
  const reply = truncate(entry.reply, maxChars);
  const cut = command.cut || reply.cut;
  const isError = entry.reply.startsWith('(error)');
  return (
    <li className="insight-trace-entry">
      <span className="insight-offset">{formatOffset(entry.atMs)}</span>
      <code className="insight-command">{expanded ? fullCommand : command.text}</code>
      <span className="insight-arrow" aria-hidden="true">
        →
      </span>
      <span className="insight-sr"> replied </span>
      <code className="insight-reply" data-error={isError}>
        {expanded ? entry.reply : reply.text}
      </code>
      {cut && (
        <button
          type="button"
          className="insight-more"
          aria-expanded={expanded}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? 'Show less' : 'Show more'}
        </button>
      )}
    </li>
  );
}
