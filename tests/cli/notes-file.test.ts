import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_RESULTS_BYTES,
  notesWriter,
  openNotesFile,
  type NotesFile,
} from '../../src/cli/notes-file.ts';

/**
 * A runner child's progress notes and finished checks' results live in a file the host reads
 * only when a run ends without its `done` report (notes-file.ts). The child's writer and the host's reader share one descriptor here, as they
 * share one open file across the two processes.
 */

const start = (index: number, name: string) =>
  JSON.stringify({ type: 'checkStart', runId: 'run-1', index, name });
const call = (text: string) => JSON.stringify({ type: 'call', runId: 'run-1', call: text });
const result = (runId: string, index: number, message = '') =>
  JSON.stringify({ type: 'check', runId, index, result: { name: `check ${index}`, message } });

let open: NotesFile[] = [];
function notesFile(): NotesFile {
  const file = openNotesFile();
  open.push(file);
  return file;
}
afterEach(() => {
  for (const file of open) file.close();
  open = [];
});

describe('notes file', () => {
  it('holds the latest check start and the latest call of that check', () => {
    const file = notesFile();
    const post = notesWriter(() => expect.fail('no fallback'), file.fd)!.note;
    expect(file.read()).toEqual([]);
    post(start(0, 'first'));
    expect(file.read()).toEqual([start(0, 'first'), '']);
    post(call('saveUser({ id: 1 })'));
    post(call('loadUser(1)'));
    expect(file.read()).toEqual([start(0, 'first'), call('loadUser(1)')]);
    // A new check forgets the last check's call.
    post(start(1, 'second'));
    expect(file.read()).toEqual([start(1, 'second'), '']);
  });

  it('reads a shorter record after a longer one without its stale tail', () => {
    const file = notesFile();
    const post = notesWriter(() => undefined, file.fd)!.note;
    post(start(0, 'a check with a long name'.repeat(40)));
    post(call(`saveUser(${'x'.repeat(2000)})`));
    post(start(1, 'é')); // multibyte: the length is in bytes
    expect(file.read()).toEqual([start(1, 'é'), '']);
  });

  it('refuses a record whose header is not a length, or a length over the cap', () => {
    const file = notesFile();
    writeSync(file.fd, 'zzzzzzzz{"type":"checkStart"}\n', 0);
    expect(file.read()).toEqual([]);
    writeSync(file.fd, 'ffffffff', 0);
    expect(file.read()).toEqual([]);
    // The control: the same bytes with a true header read back.
    const body = '{"type":"checkStart"}\n';
    writeSync(file.fd, body.length.toString(16).padStart(8, '0') + body, 0);
    expect(file.read()).toEqual(['{"type":"checkStart"}', '']);
  });

  it("keeps the finished checks' results of the latest run, in order, beside the notes", () => {
    const file = notesFile();
    const writer = notesWriter(() => expect.fail('no fallback'), file.fd)!;
    expect(file.results()).toEqual([]);
    writer.note(start(0, 'first'));
    writer.result('run-1', result('run-1', 0));
    writer.note(start(1, 'second'));
    writer.note(call('loadUser(1)'));
    writer.result('run-1', result('run-1', 1, 'expected 2 to equal 3 — ünïcode'));
    expect(file.results()).toEqual([
      result('run-1', 0),
      result('run-1', 1, 'expected 2 to equal 3 — ünïcode'),
    ]);
    // The notes are untouched by the results, and the other way round.
    expect(file.read()).toEqual([start(1, 'second'), call('loadUser(1)')]);
    // A new run starts the results afresh: a longer earlier list leaves no stale tail.
    writer.result('run-2', result('run-2', 0, 'x'));
    expect(file.results()).toEqual([result('run-2', 0, 'x')]);
  });

  it('a result past the cap goes to the fallback; the results before it stay', () => {
    const file = notesFile();
    const fallback: string[] = [];
    const writer = notesWriter((t) => fallback.push(t), file.fd)!;
    const big = result('run-1', 1, 'y'.repeat(MAX_RESULTS_BYTES / 2));
    writer.result('run-1', result('run-1', 0));
    writer.result('run-1', big);
    writer.result('run-1', big);
    expect(fallback).toEqual([big]);
    expect(file.results()).toEqual([result('run-1', 0), big]);
    // Alone over the cap: on the pipe, and the region holds nothing of an earlier run.
    const huge = result('run-2', 0, 'z'.repeat(MAX_RESULTS_BYTES));
    writer.result('run-2', huge);
    expect(fallback).toEqual([big, huge]);
    expect(file.results()).toEqual([]);
  });

  it('reads no results when their header is not a length, or over the cap', () => {
    const file = notesFile();
    const writer = notesWriter(() => undefined, file.fd)!;
    writer.result('run-1', result('run-1', 0));
    expect(file.results()).toHaveLength(1);
    // The region's header sits right after the largest notes record; find it by its content.
    const offset = findResultsHeader(file.fd);
    writeSync(file.fd, 'zzzzzzzz', offset, 'latin1');
    expect(file.results()).toEqual([]);
    writeSync(file.fd, 'ffffffff', offset, 'latin1');
    expect(file.results()).toEqual([]);
  });

  it('answers [] once closed', () => {
    const file = notesFile();
    notesWriter(() => undefined, file.fd)!.note(start(0, 'first'));
    file.close();
    expect(file.read()).toEqual([]);
  });

  it('the writer is undefined without a file at its descriptor (notes then go on the pipe)', () => {
    expect(notesWriter(() => undefined, 1_000_000)).toBeUndefined();
  });

  it('a write that fails hands that note and every later one to the fallback', () => {
    // Not a regular file (a pipe, a terminal, /dev/null): no writer, the notes stay on the pipe.
    const devNull = openSync('/dev/null', 'r');
    expect(notesWriter(() => undefined, devNull)).toBeUndefined();
    closeSync(devNull);
    const scratch = openNotesFile();
    const fallback: string[] = [];
    const post = notesWriter((t) => fallback.push(t), scratch.fd)!.note;
    post(start(0, 'first'));
    scratch.close();
    post(call('loadUser(1)'));
    post(start(1, 'second'));
    expect(fallback).toEqual([call('loadUser(1)'), start(1, 'second')]);
  });

  it('a result whose write fails goes to the fallback, and so does every later one', () => {
    const scratch = openNotesFile();
    const fallback: string[] = [];
    const writer = notesWriter((t) => fallback.push(t), scratch.fd)!;
    writer.result('run-1', result('run-1', 0));
    scratch.close();
    writer.result('run-1', result('run-1', 1));
    writer.note(start(2, 'third'));
    expect(fallback).toEqual([result('run-1', 1), start(2, 'third')]);
  });
});

/** The offset of the results region's header: the first 8 hex digits after offset 0's record. */
function findResultsHeader(fd: number): number {
  const size = fstatSync(fd).size;
  const bytes = Buffer.alloc(size);
  readSync(fd, bytes, 0, size, 0);
  const at = bytes.indexOf('{"type":"check"', 0, 'latin1');
  expect(at).toBeGreaterThan(8);
  return at - 8;
}
