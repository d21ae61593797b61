/**
 * The learner's `console`: every call is formatted with the safe inspector and appended to one
 * capped text buffer, which becomes `RunReport.console`.
 */
import { hardenFresh } from './harden-fresh.ts';
import { formatArgs, inspect } from './inspect.ts';

/** Default cap on captured console output, in characters. */
export const CONSOLE_LIMIT = 20_000;

/** The line appended once when output goes past the cap. */
export const TRUNCATED_LINE = '[output truncated]';

/** A capped console buffer and the hardened `console` object handed to learner code. */
export interface ConsoleCapture {
  /** The object installed as `console` inside the sandbox. */
  console: Record<string, (...args: unknown[]) => void>;
  /** Appends a line written by the runner itself (e.g. an uncaught error in a timer). */
  note(line: string): void;
  /** Everything captured so far. */
  text(): string;
}

/** Creates a console capture that keeps at most `limit` characters. */
export function createConsoleCapture(limit = CONSOLE_LIMIT): ConsoleCapture {
  let out = '';
  let truncated = false;
  let indent = '';
  const counts = new Map<string, number>();

  const write = (text: string): void => {
    if (truncated) return;
    const line = indent
      ? text
          .split('\n')
          .map((l) => indent + l)
          .join('\n')
      : text;
    if (out.length + line.length + 1 > limit) {
      out += line.slice(0, Math.max(0, limit - out.length));
      out += `${out.endsWith('\n') || out === '' ? '' : '\n'}${TRUNCATED_LINE}\n`;
      truncated = true;
      return;
    }
    out += `${line}\n`;
  };
  const log = (...args: unknown[]): void => write(formatArgs(args));

  const methods: Record<string, (...args: unknown[]) => void> = {
    log,
    info: log,
    debug: log,
    warn: log,
    error: log,
    table: log,
    dir: (value: unknown) => write(inspect(value)),
    trace: (...args: unknown[]) => write(`Trace${args.length ? `: ${formatArgs(args)}` : ''}`),
    assert: (condition: unknown, ...args: unknown[]) => {
      if (!condition) write(`Assertion failed${args.length ? `: ${formatArgs(args)}` : ''}`);
    },
    count: (label: unknown = 'default') => {
      const key = typeof label === 'string' ? label : formatArgs([label]);
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      write(`${key}: ${n}`);
    },
    countReset: (label: unknown = 'default') => {
      counts.delete(typeof label === 'string' ? label : formatArgs([label]));
    },
    group: (...args: unknown[]) => {
      if (args.length) write(formatArgs(args));
      indent += '  ';
    },
    groupEnd: () => {
      indent = indent.slice(2);
    },
    // Timing is meaningless against a fake clock; accept the calls so copied code still runs.
    time: () => {},
    timeEnd: () => {},
    timeLog: () => {},
  };
  methods.groupCollapsed = methods.group;

  return {
    console: hardenFresh(methods),
    note: write,
    text: () => out,
  };
}
