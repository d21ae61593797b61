/** Small text formatters shared by the trace, the inspector and the console. */

/** A span of time for people: "850 ms", "61 s", "2 min 5 s", "3 h 20 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 120) return `${trimDecimals(ms / 1000)} s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours === 0) return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
  if (hours < 48) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

// "61 s" rather than "61.0 s", but "1.5 s" keeps its decimal.
function trimDecimals(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1).replace(/\.0$/, '');
}

/** A remaining TTL, counted in whole seconds like redis-cli's TTL once above a second. */
export function formatTtl(ttlMs: number | null): string {
  if (ttlMs === null) return 'no expiry';
  if (ttlMs <= 0) return 'expired';
  if (ttlMs < 1000) return `${Math.ceil(ttlMs)} ms`;
  return formatDuration(Math.ceil(ttlMs / 1000) * 1000);
}

/** Time since the check started, e.g. "+0.4 ms" or "+12 ms". */
export function formatOffset(atMs: number): string {
  const ms = Math.max(0, atMs);
  if (ms < 10) return `+${ms.toFixed(1)} ms`;
  if (ms < 1000) return `+${Math.round(ms)} ms`;
  return `+${(ms / 1000).toFixed(2)} s`;
}

/** Cuts text to `max` characters with an ellipsis; `cut` says whether anything was removed. */
export function truncate(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  return { text: `${text.slice(0, Math.max(0, max - 1))}…`, cut: true };
}
