import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  commandOfMethod,
  keepSupportedCommands,
  stripInternalMembers,
} from '../../src/editor/completion-filter.ts';
import { SUPPORTED_COMMANDS } from '../../src/redis/fidelity/engine.ts';

const read = (file: string) =>
  readFileSync(new URL(`../../node_modules/ioredis/built/${file}`, import.meta.url), 'utf8');

/** Syntax errors TypeScript finds in a declaration file. */
function syntaxErrors(name: string, text: string): string[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.ESNext, true);
  const diagnostics = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Method names declared directly in the RedisCommander interface. */
function commanderMethods(text: string): Set<string> {
  return new Set([...text.matchAll(/^ {4}(\w+)\s*[(<]/gm)].map((m) => m[1]));
}

describe('completion filter for ioredis declarations', () => {
  const commander = read('utils/RedisCommander.d.ts');
  const filtered = keepSupportedCommands(commander, SUPPORTED_COMMANDS);

  it('keeps the commands the sandbox implements, with their Buffer twins, and drops the rest', () => {
    const before = commanderMethods(commander);
    const after = commanderMethods(filtered);
    expect(before.has('acl')).toBe(true);
    expect(SUPPORTED_COMMANDS).not.toContain('acl');
    expect(after.has('acl')).toBe(false);
    for (const name of ['get', 'set', 'hgetall', 'hgetallBuffer', 'expire', 'call']) {
      expect(after.has(name), name).toBe(true);
    }
    for (const name of after) {
      if (name === 'call' || name === 'callBuffer') continue;
      expect(SUPPORTED_COMMANDS, name).toContain(commandOfMethod(name));
    }
    // Every supported command that ioredis declares is still offered.
    for (const name of before) {
      if (SUPPORTED_COMMANDS.includes(commandOfMethod(name)))
        expect(after.has(name), name).toBe(true);
    }
    expect(after.size).toBeLessThan(before.size);
  });

  it('leaves a file TypeScript still parses', () => {
    expect(syntaxErrors('RedisCommander.d.ts', filtered)).toEqual([]);
  });

  it('drops internal `_` members and their doc comments, and nothing public', () => {
    const redis = read('Redis.d.ts');
    expect(redis).toMatch(/^ {4}_getServerAddress\(\)/m);
    const stripped = stripInternalMembers(redis);
    expect(stripped).not.toMatch(/^\s+_\w+\??\s*[(:<]/m);
    expect(syntaxErrors('Redis.d.ts', stripped)).toEqual([]);
    for (const member of ['connect(', 'disconnect(', 'duplicate(', 'quit']) {
      expect(stripped, member).toContain(member);
    }
  });
});
