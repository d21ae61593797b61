import { closeSync, openSync, writeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { notesWriter, openNotesFile, type NotesFile } from '../../src/cli/notes-file.ts';

/**
 * A runner child's progress notes live in a file the host reads only at a timeout
 * (notes-file.ts). The child's writer and the host's reader share one descriptor here, as they
 * share one open file across the two processes.
 */

const start = (index: number, name: string) =>
  JSON.stringify({ type: 'checkStart', runId: 'run-1', index, name });
const call = (text: string) => JSON.stringify({ type: 'call', runId: 'run-1', call: text });

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
    const post = notesWriter(() => expect.fail('no fallback'), file.fd)!;
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
    const post = notesWriter(() => undefined, file.fd)!;
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

  it('answers [] once closed', () => {
    const file = notesFile();
    notesWriter(() => undefined, file.fd)!(start(0, 'first'));
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
    const post = notesWriter((t) => fallback.push(t), scratch.fd)!;
    post(start(0, 'first'));
    scratch.close();
    post(call('loadUser(1)'));
    post(start(1, 'second'));
    expect(fallback).toEqual([call('loadUser(1)'), start(1, 'second')]);
  });
});
