import { useEffect, useState } from 'react';

/**
 * Milliseconds since `since` last changed identity, ticking every `intervalMs` until `untilMs`
 * have passed (then it stops, so a table of expired keys costs nothing). Inspector TTLs count
 * down from when the report arrived. The state is tagged with the value it belongs to, so a new
 * report starts again at 0 without resetting state inside an effect.
 */
export function useElapsed(since: unknown, untilMs: number, intervalMs = 1000): number {
  const [elapsed, setElapsed] = useState<{ since: unknown; ms: number }>({ since, ms: 0 });
  useEffect(() => {
    if (untilMs <= 0) return;
    const start = Date.now();
    const timer = setInterval(() => {
      const ms = Math.min(Date.now() - start, untilMs);
      setElapsed({ since, ms });
      if (ms >= untilMs) clearInterval(timer);
    }, intervalMs);
    return () => clearInterval(timer);
  }, [since, untilMs, intervalMs]);
  return elapsed.since === since ? elapsed.ms : 0;
}
