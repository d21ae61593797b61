/**
 * Where a runner child keeps its progress notes (`checkStart`, `call`): a file the child
 * overwrites in place, which the host reads only when a run times out, as the browser's frame
 * keeps them for the page (runner-frame-document.ts).
 *
 * Why not the pipe: a run of lesson 1 makes about 56 notes (one per check and per learner call),
 * and on the pipe each one woke the host, which framed, JSON-parsed and zod-parsed it. Measured
 * (2026-12-01, 100 warm runs of lesson 1 in one child): the host spent 3.3–4.2 ms of CPU per run,
 * next to the child's own run of ~5.5 ms and its JIT threads, on a 2-core machine. A note in the
 * file is one `pwrite` of the child (a page-cache write, no wake-up) and costs the host nothing.
 *
 * The finished checks' results wait in the same file. The host needs them only when a run ends
 * without its `done` report (a timeout, a crash, the memory limit), since `done` carries every
 * result; on the pipe each one was a write of the child and a wake-up, parse and zod parse of the
 * host. Measured (2026-12-01, 100 warm runs of lesson 1 in one child, 4 interleaved pairs): with
 * the results in the file the child's run p50 was 5.7–6.3 ms against 6.4–7.2, the host's CPU
 * 2.3–2.7 ms a run against 3.4–4.3.
 *
 * The file is made by the host, unlinked at once (it lives only as long as the two open
 * descriptors: nothing is left behind, and no other process can open it by name), mode 0600, and
 * handed to the child as fd 4. Two regions, each eight hex digits giving the byte length of what
 * follows, then the text (JSON messages, which never hold a raw newline); bytes of a longer,
 * earlier text past the length are stale and never read.
 * - From offset 0, rewritten whole by each note: the latest check-start note, a newline, and the
 *   latest call note of that check.
 * - From RESULTS_OFFSET, appended by each finished check: its `check` message and a newline, for
 *   the run in flight only (the first result of a run starts the region afresh). A result that
 *   would take the region past MAX_RESULTS_BYTES goes on the pipe instead, as before.
 */
import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BOUNDARY_LIMITS } from '../runner/limits.ts';
import { CHECK_START_PREFIX } from '../runner/protocol.ts';

/** The descriptor the child finds its notes file at. */
export const NOTES_FD = 4;

const HEADER_BYTES = 8;
/**
 * Largest record either side handles: two notes, each a clipped name or call (messageChars) that
 * JSON may escape to six bytes a character, plus the run id and field names.
 */
const MAX_RECORD_BYTES = 2 * (6 * BOUNDARY_LIMITS.messageChars + 1024) + 1;
/** Where the results region starts: past the largest notes record. */
const RESULTS_OFFSET = HEADER_BYTES + MAX_RECORD_BYTES;
/**
 * Most bytes of results the region holds for one run: every result of an ordinary run, and far
 * less than a run could produce at the worst (200 checks of up to 2 M characters each, the
 * message limits): those go on the pipe, which bounds them as it always has.
 */
export const MAX_RESULTS_BYTES = 4 * 1024 * 1024;

/** The host's side of one child's notes file. */
export interface NotesFile {
  /** The descriptor to hand to the child (as NOTES_FD). */
  readonly fd: number;
  /** The latest check-start note and call note, as text ("" for none); [] when unreadable. */
  read(): string[];
  /** The `check` messages of the latest run that wrote any, as text; [] when unreadable. */
  results(): string[];
  /** Closes the host's descriptor; `read` answers [] afterwards. */
  close(): void;
}

/** Creates an unlinked notes file for one child. */
export function openNotesFile(): NotesFile {
  const random = Math.random().toString(36).slice(2);
  const file = path.join(tmpdir(), `cachelab-notes-${process.pid}-${random}`);
  let fd: number | undefined = openSync(file, 'wx+', 0o600);
  unlinkSync(file);
  const header = Buffer.alloc(HEADER_BYTES);
  /** The text of the region at `offset`, or undefined when it is unreadable or over `max`. */
  const region = (offset: number, max: number): string | undefined => {
    if (fd === undefined) return undefined;
    try {
      if (readSync(fd, header, 0, HEADER_BYTES, offset) !== HEADER_BYTES) return undefined;
      const text = header.toString('latin1');
      if (!/^[0-9a-f]{8}$/.test(text)) return undefined;
      const length = Number.parseInt(text, 16);
      if (length > max) return undefined;
      const body = Buffer.alloc(length);
      if (readSync(fd, body, 0, length, offset + HEADER_BYTES) !== length) return undefined;
      return body.toString('utf8');
    } catch {
      return undefined;
    }
  };
  return {
    fd,
    read() {
      const record = region(0, MAX_RECORD_BYTES);
      const newline = record?.indexOf('\n') ?? -1;
      return record === undefined || newline < 0
        ? []
        : [record.slice(0, newline), record.slice(newline + 1)];
    },
    results() {
      // Each result ends with a newline; a torn last one (the child died mid-write) has none.
      const text = region(RESULTS_OFFSET, MAX_RESULTS_BYTES);
      return text === undefined ? [] : text.split('\n').slice(0, -1);
    },
    close() {
      if (fd === undefined) return;
      const open = fd;
      fd = undefined;
      try {
        closeSync(open);
      } catch {
        // Already closed with the process: nothing to free.
      }
    },
  };
}

/** The child's side of its notes file (`notesWriter`). */
export interface NotesWriter {
  /** Keeps a progress note (`checkStart` or `call`), replacing the last of its kind. */
  note(text: string): void;
  /** Keeps a finished check's `check` message of run `runId`, after the run's earlier ones. */
  result(runId: string, text: string): void;
}

/**
 * The child's side, or undefined when the child has no notes file (started by something other
 * than the pool), so its notes and results go on the pipe as before. A write that fails (a full
 * disk) turns notes and results back to `fallback` for good.
 */
export function notesWriter(
  fallback: (text: string) => void,
  fd = NOTES_FD,
): NotesWriter | undefined {
  try {
    if (!fstatSync(fd).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const record = Buffer.allocUnsafe(HEADER_BYTES + MAX_RECORD_BYTES);
  let checkStart = '';
  let call = '';
  let broken = false;
  /** The run whose results the region holds, and their bytes so far. */
  let resultsRun: string | undefined;
  let resultsBytes = 0;
  const lengthHeader = (bytes: number) => bytes.toString(16).padStart(HEADER_BYTES, '0');
  return {
    note(text) {
      if (broken) {
        fallback(text);
        return;
      }
      if (text.startsWith(CHECK_START_PREFIX)) {
        checkStart = text;
        call = '';
      } else {
        call = text;
      }
      // A note longer than the record (never, for clipped notes) is cut; the host's parse then
      // refuses it, and the timeout report names less.
      const length = record.write(`${checkStart}\n${call}`, HEADER_BYTES, 'utf8');
      record.write(lengthHeader(length), 0, 'latin1');
      try {
        writeSync(fd, record, 0, HEADER_BYTES + length, 0);
      } catch {
        broken = true;
        fallback(text);
      }
    },
    result(runId, text) {
      if (broken) {
        fallback(text);
        return;
      }
      // Encoded once: its length decides whether it fits, and the same bytes are written.
      const line = Buffer.from(`${text}\n`, 'utf8');
      let fits = false;
      try {
        if (runId !== resultsRun) {
          // A new run: empty the region first, so a child stopped between the two writes below
          // leaves no mix of two runs' results.
          writeSync(fd, lengthHeader(0), RESULTS_OFFSET, 'latin1');
          resultsRun = runId;
          resultsBytes = 0;
        }
        fits = resultsBytes + line.length <= MAX_RESULTS_BYTES;
        if (fits) {
          // The text first, then the length that makes it count.
          writeSync(fd, line, 0, line.length, RESULTS_OFFSET + HEADER_BYTES + resultsBytes);
          resultsBytes += line.length;
          writeSync(fd, lengthHeader(resultsBytes), RESULTS_OFFSET, 'latin1');
        }
      } catch {
        broken = true;
      }
      if (!fits || broken) fallback(text);
    },
  };
}
