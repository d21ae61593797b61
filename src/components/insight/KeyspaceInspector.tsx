import { useId, useState } from 'react';
import type { CheckResult, KeyspaceEntry } from '../../runner/report.ts';
import { explainEmptyStore } from './explain-empty-store.ts';
import { formatDuration, formatTtl } from './insight-format.ts';
import { useElapsed } from './use-elapsed.ts';
import './insight.css';

/** Props for {@link KeyspaceInspector}. */
export interface KeyspaceInspectorProps {
  /** The run's checks; each carries the keyspace its store held when it finished. */
  checks: readonly CheckResult[];
  /** Which check to show. Uncontrolled when omitted: the first failing check, else the last. */
  selectedIndex?: number;
  /** Called when the learner picks another check. */
  onSelectedIndexChange?: (index: number) => void;
  /** Id of a heading that names the region; without it the region is named "Keyspace inspector". */
  labelledBy?: string;
}

function defaultIndex(checks: readonly CheckResult[]): number {
  const failing = checks.findIndex((c) => !c.passed);
  return failing >= 0 ? failing : checks.length - 1;
}

/**
 * The store as the learner's code left it after a check: each key's type, a value preview and a
 * TTL that counts down. Each check runs on a fresh store, so the last check's store is the run's
 * final state.
 */
export function KeyspaceInspector({
  checks,
  selectedIndex,
  onSelectedIndexChange,
  labelledBy,
}: KeyspaceInspectorProps) {
  const name = labelledBy
    ? { 'aria-labelledby': labelledBy }
    : { 'aria-label': 'Keyspace inspector' };
  const [ownIndex, setOwnIndex] = useState<{
    checks: readonly CheckResult[];
    index: number;
  } | null>(null);
  const selectId = useId();
  if (checks.length === 0) {
    return (
      <section className="insight-keyspace" {...name}>
        <p className="insight-empty">Run your code to see what it leaves in the store.</p>
      </section>
    );
  }
  // A new run resets the learner's own pick, so a fresh failure is shown first.
  const picked = ownIndex && ownIndex.checks === checks ? ownIndex.index : defaultIndex(checks);
  const index = Math.min(Math.max(selectedIndex ?? picked, 0), checks.length - 1);
  const check = checks[index];
  const last = checks.length - 1;
  return (
    <section className="insight-keyspace" {...name}>
      <label htmlFor={selectId}>Show the store after </label>
      <select
        id={selectId}
        value={index}
        onChange={(event) => {
          const next = Number(event.target.value);
          setOwnIndex({ checks, index: next });
          onSelectedIndexChange?.(next);
        }}
      >
        {checks.map((c, i) => (
          <option key={i} value={i}>
            {`${c.passed ? '✓' : '✗'} ${c.name}${i === last ? ' (final state)' : ''}`}
          </option>
        ))}
      </select>
      <CheckKeyspace check={check} />
    </section>
  );
}

/** One check's keyspace, with the clock note and the empty-store explanation. */
export function CheckKeyspace({ check }: { check: CheckResult }) {
  const moved = check.clockAdvancedMs ?? 0;
  return (
    <div className="insight-keyspace-check">
      {moved > 0 && (
        <p className="insight-note">The check moved the clock forward {formatDuration(moved)}.</p>
      )}
      {!check.keyspace ? (
        <p className="insight-empty">No keyspace was recorded for this check.</p>
      ) : check.keyspace.length === 0 ? (
        <p className="insight-empty">{explainEmptyStore(check)}</p>
      ) : (
        <KeyspaceTable entries={check.keyspace} />
      )}
    </div>
  );
}

/** A table of keys whose TTLs count down from the moment the entries arrived. */
export function KeyspaceTable({ entries }: { entries: readonly KeyspaceEntry[] }) {
  const longest = Math.max(0, ...entries.map((e) => e.ttlMs ?? 0));
  const elapsed = useElapsed(entries, longest);
  return (
    <table className="insight-keyspace-table">
      <caption className="insight-sr">
        {entries.length === 1 ? '1 key' : `${entries.length} keys`}
      </caption>
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Type</th>
          <th scope="col">Value</th>
          <th scope="col">TTL</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.key}>
            <th scope="row">
              <code>{entry.key}</code>
            </th>
            <td>{entry.type}</td>
            <td>
              <code className="insight-preview">{entry.preview}</code>
            </td>
            <td className="insight-ttl">
              {formatTtl(entry.ttlMs === null ? null : entry.ttlMs - elapsed)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
