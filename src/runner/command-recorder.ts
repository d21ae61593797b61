/**
 * The one record of what the learner's code sent during a check: the command log that checks
 * judge (`ctx.log`) and the trace the report shows. Both are written from the same values the
 * store receives (arguments stringified once, see wire-args.ts), so they cannot disagree.
 *
 * The log fails closed: past LOG_LIMIT commands it stops answering (every method throws a
 * "too many commands" failure), because a partial log would let "never uses KEYS" pass after
 * 20,000 PINGs. The trace is capped per entry, per check and per run here, at the source.
 */
import type { CommandLog, LoggedCommand } from './checks-api.ts';
import { hardenFresh } from './harden-fresh.ts';
import { BOUNDARY_LIMITS } from './limits.ts';
import type { TraceEntry } from './report.ts';
import { formatClientReply } from '../redis/cli-format.ts';
import type { Arg } from '../redis/fidelity/types.ts';

/** Most commands a check's log holds; past it the log refuses to answer. */
export const LOG_LIMIT = 20_000;
/** Most trace entries kept per check; the rest are counted in `traceOmitted`. */
export const TRACE_LIMIT = BOUNDARY_LIMITS.traceEntries;

/** What one run's traces may still spend, shared by the recorders of its checks. */
export interface TraceBudget {
  /** Characters of trace text (arguments and replies) left for the run. */
  chars: number;
}

/** A fresh budget for one run. */
export function traceBudget(): TraceBudget {
  return { chars: BOUNDARY_LIMITS.traceRunChars };
}

/** Thrown by `ctx.log` once the learner's code sent more commands than it can hold. */
export class LogOverflow extends Error {
  constructor(count: number) {
    super(
      `Your code sent too many Redis commands (${grouped(count)}, the limit is ` +
        `${grouped(LOG_LIMIT)} per check): this check cannot judge which commands ` +
        `it sent. Send fewer commands.`,
    );
    this.name = 'LogOverflow';
  }
}

/** 20000 → "20,000" (no Intl: the hardened realm's locale support varies by host). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Settles a trace entry with the reply its command got. */
export type Settle = (reply: unknown, isError: boolean, text?: string) => void;

interface PendingEntry {
  entry: TraceEntry;
  settled: boolean;
}

const decoder = new TextDecoder();

/** An argument as the log shows it: text, or its bytes decoded as UTF-8. */
export function argText(arg: Arg): string {
  return typeof arg === 'string' ? arg : decoder.decode(arg);
}

/** Records what the learner's code sent during one check. */
export class CommandRecorder {
  private readonly entries: LoggedCommand[] = [];
  private count = 0;
  private readonly traceEntries: PendingEntry[] = [];
  private omitted = 0;

  constructor(
    private readonly startedAt: number,
    private readonly budget: TraceBudget = traceBudget(),
    /** Whether to keep a trace at all (a host that shows none keeps only the log). */
    private readonly traced = true,
  ) {}

  /**
   * Notes a command as sent, with the exact arguments the store gets. Returns the function that
   * writes its trace entry once it has run; a command that never runs leaves no trace entry.
   */
  begin(name: string, args: readonly Arg[]): Settle {
    const lower = name.toLowerCase();
    const texts = args.map(argText);
    this.count++;
    if (this.entries.length < LOG_LIMIT) this.entries.push({ name: lower, args: texts });
    if (!this.traced) return untraced;
    if (this.traceEntries.length >= TRACE_LIMIT || this.budget.chars <= 0) {
      this.omitted++;
      return () => {};
    }
    const pending: PendingEntry = {
      entry: { command: clip(lower.toUpperCase()), args: this.clipArgs(texts), reply: '', atMs: 0 },
      settled: false,
    };
    pending.entry.atMs = round(now() - this.startedAt);
    this.traceEntries.push(pending);
    return (reply, isError, text) => {
      if (pending.settled) return;
      pending.settled = true;
      const replyText = clip(text ?? safeReplyText(lower, texts, reply, isError));
      this.budget.chars -= replyText.length;
      pending.entry.reply = replyText;
    };
  }

  /** Records a command that ran inside a Lua script, with its reply. */
  observe(argv: readonly Arg[], reply: unknown, isError: boolean): void {
    if (argv.length === 0) return;
    this.begin(argText(argv[0]), argv.slice(1))(reply, isError);
  }

  private clipArgs(texts: string[]): string[] {
    const max = BOUNDARY_LIMITS.traceArgs;
    const kept = texts.length > max ? texts.slice(0, max - 1) : texts;
    const out = kept.map(clip);
    if (texts.length > max) out.push(`… ${texts.length - kept.length} more arguments`);
    for (const arg of out) this.budget.chars -= arg.length;
    return out;
  }

  private readable(): LoggedCommand[] {
    if (this.count > LOG_LIMIT) throw new LogOverflow(this.count);
    return this.entries;
  }

  private logView: CommandLog | undefined;

  /**
   * The check-facing, read-only view of the log; it throws once the log overflowed. Made on
   * first use (one per recorder, so the same object all check long): most checks never read it.
   */
  get log(): CommandLog {
    this.logView ??= hardenFresh({
      all: () => this.readable().map((e) => ({ name: e.name, args: [...e.args] })),
      names: () => this.readable().map((e) => e.name),
      only: (name: string) =>
        this.readable()
          .filter((e) => e.name === String(name).toLowerCase())
          .map((e) => ({ name: e.name, args: [...e.args] })),
    });
    return this.logView;
  }

  /** The trace for the report (commands that ran, with their replies) and how many were left out. */
  trace(): { trace: TraceEntry[]; traceOmitted: number } {
    // A command still pending when the check ended has no reply to show, so no entry. A settled
    // entry is never written again, and the report's clamp copies every entry it keeps
    // (boundary-caps.ts), so the entries go out as they are, not copied once more here.
    const trace = this.traceEntries.filter((p) => p.settled).map(({ entry }) => entry);
    return { trace, traceOmitted: this.omitted };
  }
}

/** The settle of a command that leaves no trace entry. */
const untraced: Settle = () => {};

function clip(text: string): string {
  const max = BOUNDARY_LIMITS.traceArgChars;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function now(): number {
  return globalThis.performance ? performance.now() : Date.now();
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function safeReplyText(command: string, args: string[], reply: unknown, isError: boolean): string {
  try {
    return formatClientReply(reply, { command, args, isError });
  } catch {
    return isError ? '(error)' : '(unprintable reply)';
  }
}
