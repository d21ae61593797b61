/** Reads a redis-cli-syntax corpus file into commands grouped by "## family" headers. */
import { readFileSync } from 'node:fs';
import { parseCliLine } from '../../src/redis/cli-parse.ts';
import { fromBytes, toText } from '../../src/redis/bytes.ts';

/** One corpus command. */
export interface CorpusCommand {
  /** The family header it sits under. */
  family: string;
  /** 1-based line number in the file. */
  line: number;
  /** The line as written. */
  text: string;
  /** Parsed arguments, the command name first. */
  argv: (string | Uint8Array)[];
}

/** Parses the corpus; lines that redis-cli would reject are an error in the corpus itself. */
export function readCorpus(url: URL): CorpusCommand[] {
  const out: CorpusCommand[] = [];
  let family = 'misc';
  readFileSync(url, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const header = /^## (\S+)/.exec(text);
      if (header) family = header[1];
      if (text.startsWith('#') || text.trim() === '') return;
      const parsed = parseCliLine(text);
      if (!parsed) throw new Error(`corpus line ${i + 1} does not parse: ${text}`);
      out.push({ family, line: i + 1, text, argv: parsed.map(fromBytes) });
    });
  return out;
}

export { toText };
