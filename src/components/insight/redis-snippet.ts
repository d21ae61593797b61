/** Turning a fenced `redis` block from a lesson into the commands a "Try it" button sends. */

// Prompts authors paste along with commands: "redis> ", "127.0.0.1:6379> ", "> ".
const PROMPT = /^(?:redis(?:\(TX\))?|[\w.-]+:\d+(?:\[\d+\])?(?:\(TX\))?)?>\s?/;

/**
 * The commands in a redis snippet. When some lines carry a prompt, only those are commands and
 * the rest is shown output (`OK`, `"hello"`). Otherwise every line is a command. Blank lines and
 * `#` comments are skipped.
 */
export function redisSnippetCommands(source: string): string[] {
  const lines = source
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const prompted = lines.filter(
    (line) => PROMPT.test(line) && line.replace(PROMPT, '').trim() !== '',
  );
  if (prompted.length > 0) return prompted.map((line) => line.replace(PROMPT, '').trim());
  return lines;
}
