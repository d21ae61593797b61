/**
 * Coverage: how many of Redis 7.0's data commands the sandbox implements, out of those that exist
 * (src/redis/command-docs.json, generated from COMMAND DOCS of redis-server 7.0.15). Writes the
 * figure to bench-results/fidelity.json under `coverage` (no timestamp, so an unchanged coverage
 * leaves the file unchanged).
 *
 * Not data commands, by decision (docs/fidelity.md): the `server` group (administration,
 * persistence, replication: CONFIG, SAVE, REPLICAOF, ...), the `cluster` group, the `connection`
 * group (AUTH, CLIENT, HELLO, SELECT, PING, ...), and two generic commands that only make sense
 * between servers: MIGRATE (cluster key migration) and WAIT (replication acknowledgements).
 * Every data command that is still missing must be listed in ALLOWED_MISSING with its reason.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import docs from '../../src/redis/command-docs.json';
import { SUPPORTED_COMMANDS } from '../../src/redis/fidelity/engine.ts';

const EXCLUDED_GROUPS = ['server', 'cluster', 'connection'];
const EXCLUDED_COMMANDS: Record<string, string> = {
  migrate: 'moves keys to another server (cluster administration)',
  wait: 'waits for replicas to acknowledge writes (replication)',
};

/** Data commands the sandbox may still refuse, each with the reason (docs/fidelity.md). */
const ALLOWED_MISSING: Record<string, string> = {};

const commands = (docs as { commands: Record<string, { group: string }> }).commands;

function coverage() {
  const data = Object.entries(commands)
    .filter(([name, doc]) => !EXCLUDED_GROUPS.includes(doc.group) && !(name in EXCLUDED_COMMANDS))
    .map(([name]) => name)
    .sort();
  const implemented = data.filter((name) => SUPPORTED_COMMANDS.includes(name));
  const missing = data.filter((name) => !SUPPORTED_COMMANDS.includes(name));
  const byGroup: Record<string, { exist: number; implemented: number }> = {};
  for (const name of data) {
    const group = commands[name].group;
    byGroup[group] ??= { exist: 0, implemented: 0 };
    byGroup[group].exist++;
    if (SUPPORTED_COMMANDS.includes(name)) byGroup[group].implemented++;
  }
  return { data, implemented, missing, byGroup };
}

test('every missing Redis 7.0 data command is a documented exception', () => {
  const { missing } = coverage();
  const undocumented = missing.filter((name) => !(name in ALLOWED_MISSING));
  expect(undocumented).toEqual([]);
});

test('the exclusions name real commands and groups', () => {
  const groups = new Set(Object.values(commands).map((c) => c.group));
  for (const group of EXCLUDED_GROUPS) expect(groups.has(group), group).toBe(true);
  for (const name of Object.keys(EXCLUDED_COMMANDS)) expect(commands[name], name).toBeDefined();
  // Guard against a wholesale exclusion: the data commands stay the large majority.
  expect(coverage().data.length).toBeGreaterThan(180);
});

test('writes the coverage figure to bench-results/fidelity.json', () => {
  const { data, implemented, missing, byGroup } = coverage();
  const path = new URL('../../bench-results/fidelity.json', import.meta.url);
  mkdirSync(new URL('.', path), { recursive: true });
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // first run
  }
  const result = {
    ...previous,
    coverage: {
      source: 'src/redis/command-docs.json (COMMAND DOCS of redis-server 7.0.15)',
      dataCommands: data.length,
      implemented: implemented.length,
      missing,
      excludedGroups: EXCLUDED_GROUPS,
      excludedCommands: Object.keys(EXCLUDED_COMMANDS),
      byGroup,
    },
  };
  const text = JSON.stringify(result, null, 2) + '\n';
  let before = '';
  try {
    before = readFileSync(path, 'utf8');
  } catch {
    // first run
  }
  if (text !== before) writeFileSync(path, text);
  console.log(`Redis 7.0 data commands implemented: ${implemented.length}/${data.length}`);
  expect(implemented.length + missing.length).toBe(data.length);
});
