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
 * The file is made by the host, unlinked at once (it lives only as long as the two open
 * descriptors: nothing is left behind, and no other process can open it by name), mode 0600, and
 * handed to the child as fd 4. Layout, rewritten whole by each note from offset 0: eight hex
 * digits giving the byte length of what follows, then the latest check-start note, a newline, and
 * the latest call note of that check (notes are JSON text, which never holds a raw newline).
 * Bytes of a longer, earlier record past the length are stale and never read.
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

/** The host's side of one child's notes file. */
export interface NotesFile {
  /** The descriptor to hand to the child (as NOTES_FD). */
  readonly fd: number;
  /** The latest check-start note and call note, as text ("" for none); [] when unreadable. */
  read(): string[];
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
  return {
    fd,
    read() {
      if (fd === undefined) return [];
      try {
        if (readSync(fd, header, 0, HEADER_BYTES, 0) !== HEADER_BYTES) return [];
        const text = header.toString('latin1');
        if (!/^[0-9a-f]{8}$/.test(text)) return [];
        const length = Number.parseInt(text, 16);
        if (length > MAX_RECORD_BYTES) return [];
        const body = Buffer.alloc(length);
        if (readSync(fd, body, 0, length, HEADER_BYTES) !== length) return [];
        const record = body.toString('utf8');
        const newline = record.indexOf('\n');
        return newline < 0 ? [] : [record.slice(0, newline), record.slice(newline + 1)];
      } catch {
        return [];
      }
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

/**
 * The child's side: a `postNote` that rewrites the record, or undefined when the child has no
 * notes file (started by something other than the pool), so its notes go on the pipe as before.
 * A write that fails (a full disk) turns the notes back to `fallback` for good.
 */
export function notesWriter(
  fallback: (text: string) => void,
  fd = NOTES_FD,
): ((text: string) => void) | undefined {
  try {
    if (!fstatSync(fd).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const record = Buffer.allocUnsafe(HEADER_BYTES + MAX_RECORD_BYTES);
  let checkStart = '';
  let call = '';
  let broken = false;
  return (text) => {
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
    record.write(length.toString(16).padStart(HEADER_BYTES, '0'), 0, 'latin1');
    try {
      writeSync(fd, record, 0, HEADER_BYTES + length, 0);
    } catch {
      broken = true;
      fallback(text);
    }
  };
}
