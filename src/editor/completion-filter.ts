/**
 * Trims ioredis's declaration files before Monaco sees them, so completions offer what a learner
 * can use here: no internal `_` methods (`_getServerAddress`, `_buildBatchContext`, …), and on
 * the client only the Redis commands the sandbox implements (`SUPPORTED_COMMANDS`, passed in, so
 * the list follows the fidelity layer as it grows). Text in, text out: no TypeScript parser.
 */

const MEMBER = /^ {4}(\w+)\s*[(<]/;
const DOC_START = /^ {4}\/\*\*/;
const DOC_END = /^ {5}\*\/\s*$/;

/** Methods of RedisCommander that are not Redis commands and always stay. */
const ALWAYS_KEPT = new Set(['call', 'callBuffer']);

/** The Redis command a RedisCommander method sends: `hgetallBuffer` → `hgetall`. */
export function commandOfMethod(name: string): string {
  return name.replace(/Buffer$/, '').toLowerCase();
}

/**
 * Keeps, in the `RedisCommander` interface, only the methods of supported commands (with their
 * doc comments and every overload); everything outside the interface is left as it is.
 */
export function keepSupportedCommands(dts: string, supported: Iterable<string>): string {
  const keep = new Set([...supported].map((name) => name.toLowerCase()));
  const lines = dts.split('\n');
  const start = lines.findIndex((line) => /^interface RedisCommander\b/.test(line));
  if (start === -1) return dts;
  let end = lines.length - 1;
  while (end > start && lines[end] !== '}') end -= 1;
  // The interface header may span a few lines; its body starts after the line ending in "{".
  let bodyStart = start;
  while (bodyStart < end && !lines[bodyStart].endsWith('> {')) bodyStart += 1;
  const out = lines.slice(0, bodyStart + 1);
  let pendingDoc: string[] = [];
  let inDoc = false;
  let keeping = true;
  for (let i = bodyStart + 1; i < end; i += 1) {
    const line = lines[i];
    if (inDoc) {
      pendingDoc.push(line);
      if (DOC_END.test(line)) inDoc = false;
      continue;
    }
    if (DOC_START.test(line)) {
      pendingDoc = [line];
      inDoc = !line.includes('*/');
      continue;
    }
    const member = MEMBER.exec(line);
    if (member) {
      const name = member[1];
      keeping = ALWAYS_KEPT.has(name) || keep.has(commandOfMethod(name));
      if (keeping) out.push(...pendingDoc);
      pendingDoc = [];
    }
    if (keeping) out.push(line);
  }
  out.push(...lines.slice(end));
  return out.join('\n');
}

/** Drops class and interface members whose name starts with `_` (multi-line ones included). */
export function stripInternalMembers(dts: string): string {
  const lines = dts.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const match = /^( +)_\w+\??\s*[(:<]/.exec(lines[i]);
    if (!match) {
      out.push(lines[i]);
      continue;
    }
    // Skip to the line that ends this member: one at the same indentation ending in ";".
    const indent = match[1];
    let j = i;
    while (j < lines.length && !(lines[j].startsWith(indent) && lines[j].trimEnd().endsWith(';'))) {
      j += 1;
    }
    const sameIndent = (line: string) => line.startsWith(indent) && !line.startsWith(`${indent} `);
    // A member whose type opens a block ("{" or "[") ends at its closing line at that indent.
    if (!lines[i].trimEnd().endsWith(';')) {
      j = i + 1;
      while (j < lines.length && !(sameIndent(lines[j]) && lines[j].trimEnd().endsWith(';'))) {
        j += 1;
      }
    }
    // Drop a doc comment that belonged to it.
    while (out.length > 0 && /^\s*(\/\*\*|\*)/.test(out[out.length - 1])) out.pop();
    i = j;
  }
  return out.join('\n');
}
