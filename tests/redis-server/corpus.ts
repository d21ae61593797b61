/** Reads redis-cli-syntax corpus files into commands grouped by "## family" headers. */
import { readFileSync, readdirSync } from 'node:fs';
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

/** One corpus file and its commands. */
export interface CorpusFile {
  /** File name, e.g. `corpus-geo.redis`. */
  name: string;
  /** Its commands, in order. */
  commands: CorpusCommand[];
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

/**
 * Every `corpus*.redis` file of a directory (corpus.redis first, then the others by name), so a
 * helper adding corpus-streams.redis needs no harness change. cli-corpus.redis is not one of
 * them: it is piped through redis-cli by cli.test.ts.
 */
export function readCorpora(dir: URL): CorpusFile[] {
  const names = readdirSync(dir)
    .filter((name) => /^corpus.*\.redis$/.test(name))
    .sort((a, b) => (a === 'corpus.redis' ? -1 : b === 'corpus.redis' ? 1 : a < b ? -1 : 1));
  return names.map((name) => ({ name, commands: readCorpus(new URL(name, dir)) }));
}

export { toText };
